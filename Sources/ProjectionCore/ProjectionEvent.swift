import Foundation
import Tracker

/// An event as a projection sees it: the decoded fact, and where and when the log recorded it.
public struct ProjectionEvent: Sendable {
    public var id: UUID
    /// Its global position in the log.
    public var position: Int64
    public var recordedAt: Date
    public var payload: TrackerEvent

    public init(id: UUID, position: Int64, recordedAt: Date, payload: TrackerEvent) {
        self.id = id
        self.position = position
        self.recordedAt = recordedAt
        self.payload = payload
    }
}

/// Which event wrote a row, or a part of one, when it was recorded, and when it was retracted.
public struct RecordStamp: Hashable, Sendable {
    public var eventId: UUID
    public var recordedAt: Date
    public var retractedAt: Date?

    public init(eventId: UUID, recordedAt: Date, retractedAt: Date? = nil) {
        self.eventId = eventId
        self.recordedAt = recordedAt
        self.retractedAt = retractedAt
    }

    /// The event's own record, not yet retracted.
    public init(_ event: ProjectionEvent) {
        self.init(eventId: event.id, recordedAt: event.recordedAt)
    }
}

/// From when to when a claim or a plan revision was on record.
public struct KnownSpan: Hashable, Sendable {
    public var from: Date
    public var to: Date?

    public init(from: Date, to: Date?) {
        self.from = from
        self.to = to
    }

    public func contains(_ time: Date) -> Bool { from <= time && to.map { time < $0 } ?? true }
}
