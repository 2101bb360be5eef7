import Foundation

/// What decide needs from outside the decided stream. The caller fills it from the clock and the store.
public struct DecisionContext {
    /// Facts cannot be dated after today.
    public var today: CalendarDate
    /// The streams of `Command.streamsToRead`, and for a retraction its target's stream.
    public var streams: StreamStates
    /// For a retraction: what the store holds under the event id, nil when it holds nothing.
    public var retractionTarget: RetractionTarget?
    /// The content of an event of `streams` by its id, nil when it cannot be read. The states
    /// keep only hashes of content, so an event that hashes as a decided one is read back to
    /// tell whether the decision repeats it.
    public var eventContent: (UUID) -> TrackerEvent?

    public init(
        today: CalendarDate, streams: StreamStates = StreamStates(), retractionTarget: RetractionTarget? = nil,
        eventContent: @escaping (UUID) -> TrackerEvent?
    ) {
        self.today = today
        self.streams = streams
        self.retractionTarget = retractionTarget
        self.eventContent = eventContent
    }

    /// The id of the first recorded event of `stream` equal to `event` that no retraction withdrew.
    public func liveEvent(equalTo event: TrackerEvent, in stream: StreamName) -> UUID? {
        streams.liveEvent(equalTo: event, in: stream, content: eventContent)
    }
}

/// The event a retraction names, as the store found it.
public struct RetractionTarget: Hashable, Sendable {
    public var stream: StreamName
    public var type: String

    public init(stream: StreamName, type: String) {
        self.stream = stream
        self.type = type
    }
}

/// What to append: these events, to this stream, expecting it to hold `expectedVersion` events
/// (0: the stream must not exist yet). A version mismatch means someone else wrote: reload and decide again.
public struct Decision: Hashable, Sendable {
    public var stream: StreamName
    public var expectedVersion: Int
    public var events: [TrackerEvent]
    /// When the stream already holds these very events, live: their ids. The command was given
    /// before, so nothing is appended and the caller answers with the originals.
    public var repeated: [UUID]?

    public init(stream: StreamName, expectedVersion: Int, events: [TrackerEvent], repeated: [UUID]? = nil) {
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.events = events
        self.repeated = repeated
    }
}
