import EventStore
import Foundation
import Postgres
import Tracker

/// Loads the streams a command reads, decides, and appends the decision with the version it
/// saw. Keeps what it loaded and decided in memory, so an import can decide many commands
/// before writing any.
final class Recorder {
    let store: EventStore
    let today: CalendarDate
    private(set) var states = StreamStates()
    /// The version each stream had when it was loaded: what an import expects to find.
    private(set) var loadedVersions: [StreamName: Int] = [:]
    /// Source texts decided in this recorder but not yet stored: SHA-256 → source id.
    private var pendingTexts: [String: String] = [:]
    /// Events decided in this recorder but not yet in the store, by id: where they go,
    /// for a retraction, and their content, to tell a repeat.
    private var pending: [UUID: (target: RetractionTarget, event: TrackerEvent)] = [:]
    /// Runs before a stream is loaded, so that an import stages what it holds for it first.
    var beforeLoad: (() throws -> Void)?

    init(store: EventStore, today: CalendarDate = CalendarDate(Date(), in: .current)) {
        self.store = store
        self.today = today
    }

    /// Decides a command against the streams as loaded (and as changed by earlier decisions
    /// of this recorder). Throws `ValidationError` for bad input. `on` replaces today for a
    /// line an earlier register recorded: its facts cannot be dated after that day.
    func decide(_ command: Command, on day: CalendarDate? = nil) throws -> Decision {
        try load(command.streamsToRead)
        var target: RetractionTarget?
        if case .retract(let retraction) = command {
            target = try retractionTarget(retraction)
            if let target { try load([target.stream]) }
        }
        if case .addSource(let source) = command, let sha256 = source.sha256 {
            try refuseKnownText(sha256, unlessFor: source.id)
            pendingTexts[sha256] = source.id
        }
        // The decider cannot throw a failure to read: the first one is kept and thrown after it.
        var readFailure: (any Error)?
        let context = DecisionContext(today: day ?? today, streams: states, retractionTarget: target) { id in
            do { return try self.content(of: id) } catch { readFailure = readFailure ?? error; return nil }
        }
        let decision: Decision
        do { decision = try Decider.decide(command, context: context) } catch { throw readFailure ?? error }
        if let readFailure { throw readFailure }
        return decision
    }

    /// The content of an event of the loaded streams, wherever it is: decided here, or in the
    /// log (an import's earlier parts included). Nil for one this binary cannot read, which no decision repeats.
    private func content(of id: UUID) throws -> TrackerEvent? {
        if let pending = pending[id] { return pending.event }
        return try store.event(id: id).flatMap { try? Self.decode($0) }
    }

    /// The same text stored twice would be two sources for one document. Under the same id it
    /// is the same source again, which the decider tells apart (a repeat, or an error).
    private func refuseKnownText(_ sha256: String, unlessFor id: String) throws {
        let known = try pendingTexts[sha256] ?? store.connection.execute("""
            SELECT e.data ->> 'id' FROM store.events e
            WHERE e.type = $2 AND e.data ->> 'sha256' = $1
              AND NOT EXISTS (SELECT 1 FROM store.events r
                              WHERE r.stream = e.stream AND r.type = $3
                                AND r.data ->> 'event_id' = e.event_id::text)
            """, sha256, SourceAdded.eventType, EventRetracted.eventType).string(0, 0)
        if let known, known != id {
            throw Failure.badInput("this file is already stored as source \"\(known)\" (sha256 \(sha256)): cite --source \(known) instead of adding it again")
        }
    }

    /// Folds decided events into the in-memory states, as if they were stored.
    func apply(_ decision: Decision, ids: [UUID]) {
        for (event, id) in zip(decision.events, ids) {
            states.apply(Recorded(eventId: id, event: event), to: decision.stream)
            pending[id] = (RetractionTarget(stream: decision.stream, type: event.type), event)
        }
    }

    /// Folds an event that will be stored as it is (an imported export line) into the states of
    /// a stream loaded already; any other stream reads it from the store when it is loaded (an
    /// import writes each part into the log before it loads a stream).
    func applyImported(_ event: TrackerEvent, id: UUID, stream: StreamName) {
        if loadedVersions[stream] != nil { states.apply(Recorded(eventId: id, event: event), to: stream) }
        pending[id] = (RetractionTarget(stream: stream, type: event.type), event)
    }

    /// Forgets the pending events once they are in the log (the import's transaction): the store
    /// answers for them from then on.
    func forgetPending() {
        pending.removeAll(keepingCapacity: true)
    }

    /// Folds each stream's stored events into the states. An event this binary cannot read
    /// stops it, naming the event and how to retract it, unless a retraction later in its
    /// stream withdraws it, or it is `unreadableTarget`, the event a retraction being decided
    /// names. Such an event still counts toward the stream's version, and changes nothing else.
    func load(_ streams: [StreamName], allowingUnreadable unreadableTarget: UUID? = nil) throws {
        for stream in streams where loadedVersions[stream] == nil {
            try beforeLoad?()
            let stored = try store.readStream(stream.description)
            let decoded = stored.map { event in Result { try Self.decode(event) } }
            // Where each withdrawn event's last retraction stands.
            var retractedAt: [UUID: Int] = [:]
            for (index, result) in decoded.enumerated() {
                if case .success(.eventRetracted(let retraction)) = result, let target = retraction.target {
                    retractedAt[target] = index
                }
            }
            for (index, (event, result)) in zip(stored, decoded).enumerated() {
                switch result {
                case .success(let payload):
                    states.apply(Recorded(eventId: event.id, event: payload), to: stream)
                case .failure(let error):
                    guard event.id == unreadableTarget || retractedAt[event.id].map({ $0 > index }) == true else { throw error }
                    // A retraction that names no event id: every state counts it and ignores it.
                    let placeholder = EventRetracted(eventId: "", targetType: event.type, reason: "unreadable")
                    states.apply(Recorded(eventId: event.id, event: placeholder.event), to: stream)
                }
            }
            loadedVersions[stream] = states.version(of: stream)
        }
    }

    private func retractionTarget(_ command: RetractEvent) throws -> RetractionTarget? {
        let id = try RetractEvent.eventId(parsing: command.eventId)
        if let pending = pending[id] { return pending.target }
        guard let stored = try store.event(id: id) else { return nil }
        guard let stream = StreamName(stored.stream) else {
            throw ValidationError("event \(id.uuidString.lowercased()) is in stream \(stored.stream), which ustrack does not manage")
        }
        // Its stream loads even if the target cannot be read: retracting it is the way past it.
        try load([stream], allowingUnreadable: id)
        return RetractionTarget(stream: stream, type: stored.type)
    }

    static func decode(_ stored: RecordedEvent) throws -> TrackerEvent {
        do {
            return try TrackerEvent.decode(type: stored.type, schemaVersion: stored.schemaVersion, data: Data(stored.data.utf8))
        } catch {
            let id = stored.id.uuidString.lowercased()
            throw Failure.other("""
                cannot read event \(id) at position \(stored.position) (\(stored.type)) in \(stored.stream): \(error). \
                Nothing can be decided on \(stored.stream) while it stands; record its retraction, \
                `ustrack retract \(id) --reason "…"`, and ustrack passes over it
                """)
        }
    }

    /// For an event that is not stored yet (an import line); the caller adds the line number.
    static func decode(type: String, schemaVersion: Int, data: String) throws -> TrackerEvent {
        do {
            return try TrackerEvent.decode(type: type, schemaVersion: schemaVersion, data: Data(data.utf8))
        } catch {
            throw Failure.badInput("\(type) event: \(error)")
        }
    }

    /// The store's form of decided events, with metadata saying who and what caused them.
    /// Backdated events (`recordedAt`, from an import line) say in metadata when they were entered.
    static func newEvents(_ decision: Decision, commandId: UUID, recordedAt: Date? = nil) throws -> [NewEvent] {
        try decision.events.enumerated().map { index, event in
            try newEvent(event, index: index, commandId: commandId, recordedAt: recordedAt)
        }
    }

    /// The `index`th event of a decision, as `newEvents` makes it.
    static func newEvent(_ event: TrackerEvent, index: Int, commandId: UUID, recordedAt: Date?) throws -> NewEvent {
        NewEvent(id: UUID(event: index, ofCommand: commandId), type: event.type, schemaVersion: event.schemaVersion,
                 data: String(decoding: try event.encode(), as: UTF8.self),
                 metadata: EventMetadata(actor: actor, commandId: commandId, toolVersion: "ustrack \(Ustrack.version)",
                                         enteredAt: recordedAt.map { _ in Date() }),
                 recordedAt: recordedAt)
    }

    /// Read once: `ProcessInfo.environment` builds a dictionary of the whole environment on
    /// every call, a tenth of an import's time when asked per event.
    static let actor: String = ProcessInfo.processInfo.environment["USTRACK_ACTOR"] ?? NSUserName()
}

/// Retries work that lost a race for a stream: reload, decide again, append again, with
/// exponential backoff and full jitter so that busy writers spread out. A deadlock is such a
/// race too: two imports lock their streams chunk by chunk, each in its own order, and the
/// server ends one of them.
enum ConflictRetry {
    /// USTRACK_CONFLICT_ATTEMPTS lowers it, e.g. for a test that wants to see exit code 3.
    static let attempts = ProcessInfo.processInfo.environment["USTRACK_CONFLICT_ATTEMPTS"].flatMap(Int.init) ?? 25

    static func run<T>(_ body: () throws -> T) throws -> T {
        var lastConflict = ""
        for attempt in 0..<attempts {
            do {
                return try body()
            } catch let conflict as EventStoreError {
                guard case .wrongExpectedVersion = conflict else { throw conflict }
                lastConflict = "\(conflict)"
            } catch let error as PostgresError where error.sqlState == .deadlockDetected {
                lastConflict = "another writer was waiting for the same streams"
            }
            let ceiling = min(0.5, 0.005 * pow(2, Double(attempt)))
            Thread.sleep(forTimeInterval: Double.random(in: 0...ceiling))
        }
        throw Failure.conflict("""
            gave up after \(attempts) tries: other writers kept changing the same stream \
            (\(lastConflict)). Nothing was written; run the command again.
            """)
    }
}
