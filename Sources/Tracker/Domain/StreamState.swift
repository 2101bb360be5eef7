import Foundation

/// An event with the id the store gave it, so a later retraction can name it.
public struct Recorded<Event: Hashable & Sendable>: Hashable, Sendable {
    public var eventId: UUID
    public var event: Event

    public init(eventId: UUID, event: Event) {
        self.eventId = eventId
        self.event = event
    }
}

/// The state of one stream, rebuilt by folding its events with a pure `evolve`.
public protocol StreamState: Hashable, Sendable {
    /// The state of a stream with no events.
    init()
    /// How many events the stream holds: the expected version for the next append.
    var version: Int { get }
    /// Ids of the events of this stream that a later event withdrew.
    var retracted: Set<UUID> { get }
    static func evolve(_ state: Self, _ recorded: Recorded<TrackerEvent>) -> Self
}

extension StreamState {
    public init(replaying events: some Sequence<Recorded<TrackerEvent>>) {
        self = events.reduce(Self()) { Self.evolve($0, $1) }
    }
}
