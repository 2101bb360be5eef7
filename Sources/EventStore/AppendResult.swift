import Foundation

/// One stored event of an append: new, or found from an earlier try of the same command.
public struct AppendedEvent: Sendable, Hashable {
    public var id: UUID
    public var version: Int64
    public var position: Int64
}

public struct AppendResult: Sendable, Hashable {
    public var events: [AppendedEvent]
    /// True when nothing was written because this command or these event ids were stored before.
    public var wasDuplicate: Bool

    public var lastVersion: Int64 { events.map(\.version).max() ?? 0 }
}
