import Foundation

/// A source as its stream tells it: whether it exists, and what it says about itself.
public struct SourceState: StreamState {
    public private(set) var version = 0
    public private(set) var retracted: Set<UUID> = []
    /// Nil until added, and again once that event is retracted.
    public private(set) var added: Recorded<SourceAdded>?

    public init() {}

    public var isAdded: Bool { added != nil }

    public static func evolve(_ state: SourceState, _ recorded: Recorded<TrackerEvent>) -> SourceState {
        var state = state
        state.version += 1
        switch recorded.event {
        case .sourceAdded(let added):
            state.added = Recorded(eventId: recorded.eventId, event: added)
        case .eventRetracted(let retraction):
            guard let target = retraction.target else { break }
            state.retracted.insert(target)
            if state.added?.eventId == target { state.added = nil }
        default:
            break
        }
        return state
    }
}
