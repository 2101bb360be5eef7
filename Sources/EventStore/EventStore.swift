import Foundation
import Postgres

/// The event log on one connection: appends, stream reads, gap-safe reads of all events and
/// checkpoints. Calls run on the caller's transaction when there is one.
public final class EventStore {
    public let connection: Connection
    /// Whether appends notify `channel` after they commit. Off only to measure what it costs,
    /// or to show that subscribers find events without it.
    public let wakesSubscribers: Bool

    /// The NOTIFY channel appends signal; a wake-up only, never the source of truth.
    public static let channel = "ustrack_events"

    public init(connection: Connection, wakesSubscribers: Bool = true) {
        self.connection = connection
        self.wakesSubscribers = wakesSubscribers
    }

    /// Appends a batch of events to one stream, atomically, if the stream is at `expected`.
    /// A command id or event ids stored before return the original positions instead.
    @discardableResult
    public func append(
        to stream: String, expected: ExpectedVersion = .any, events: [NewEvent], commandId: UUID? = nil
    ) throws -> AppendResult {
        guard !events.isEmpty else { throw EventStoreError.invalidAppend("an append needs at least one event") }
        let statement = try connection.prepared(Self.appendStatement(events.count))
        var parameters: [any PostgresParameter] = [stream, expected.sqlValue]
        if events.count <= Self.eventsAsValues {
            parameters.reserveCapacity(4 + 5 * events.count)
            for event in events {
                parameters += [event.id, event.type, event.data, event.metadata, event.schemaVersion] as [any PostgresParameter]
            }
        } else {
            parameters += [events.map { $0.id }, events.map { $0.type }, events.map { $0.data }, events.map { $0.metadata },
                           events.map { $0.schemaVersion }] as [any PostgresParameter]
        }
        parameters.append(commandId)
        do {
            let inTransaction = connection.isInTransaction
            let result = try connection.execute(statement, parameters)
            if wakesSubscribers && (inTransaction || result.bool(0, 4) == true) {
                try connection.notifyAfterCommit(Self.channel)
            }
            let appended = (0..<result.rowCount).map { row in
                AppendedEvent(id: result.uuid(row, 0)!, version: result.int64(row, 1)!, position: result.int64(row, 2)!)
            }
            return AppendResult(events: appended, wasDuplicate: result.bool(0, 3) ?? false)
        } catch let error as PostgresError {
            throw Self.translate(error, stream: stream, expected: expected)
        }
    }

    /// Up to this many events travel as plain values, five per event, that the statement puts
    /// into the function's arrays: array literals cost building here and parsing on the server,
    /// the JSON escaped inside them. More travel as five array literals, so that a large batch
    /// needs neither thousands of parameters nor a statement prepared for its size.
    public static let eventsAsValues = 100

    /// The statement for an append of `count` events, built once per count. Public for the
    /// benchmark that counts what the server spends on it.
    public static func appendStatement(_ count: Int) -> String {
        count <= eventsAsValues ? statementsByCount[count] : statementWithArrays
    }

    private static let statementsByCount = (0...eventsAsValues).map(makeAppendStatement)
    private static let statementWithArrays = makeAppendStatement(eventsAsValues + 1)

    /// `listened` tells whether a wake-up is worth sending; see Connection.isListened. The
    /// channel, a constant of this code and never a user's value, is written in as a literal,
    /// not sent as a parameter: the server then folds that expression when it plans, a generic
    /// plan costs what a custom one does, and the plan cache keeps the generic plan instead of
    /// planning the statement again on every call.
    private static func makeAppendStatement(_ count: Int) -> String {
        // The types of an event's five fields: id, type, data, metadata, schema version.
        let types = ["uuid", "text", "jsonb", "jsonb", "integer"].enumerated()
        let arrays = count <= eventsAsValues
            ? types.map { field, type in
                "ARRAY[" + (0..<count).map { "$\(3 + 5 * $0 + field)::\(type)" }.joined(separator: ", ") + "]"
            }
            : types.map { "$\(3 + $0)::\($1)[]" }
        let commandId = count <= eventsAsValues ? 3 + 5 * count : 8
        return """
            SELECT event_id, version, position, duplicate, \(Connection.isListened(channel: "'\(channel)'")) AS listened
            FROM store.append($1, $2, \(arrays.joined(separator: ", ")), $\(commandId)::uuid)
            """
    }

    /// Appends many events to many streams through COPY: each stream continues from its
    /// current version, which must be the one in `expectedVersions` where the stream is named
    /// there. All or nothing. Returns how many events were stored.
    @discardableResult
    public func appendBulk<Events: Sequence>(_ events: Events, expectedVersions: [String: Int64] = [:]) throws -> Int
    where Events.Element == (stream: String, event: NewEvent) {
        try appendBulk(expectedVersions: expectedVersions) { emit in
            for (stream, event) in events { try emit(stream, event) }
        }
    }

    /// The streaming form: `produce` emits events one by one and each goes straight into the
    /// COPY, so memory stays flat however many there are.
    @discardableResult
    public func appendBulk(
        expectedVersions: [String: Int64] = [:],
        _ produce: (_ emit: (String, NewEvent) throws -> Void) throws -> Void
    ) throws -> Int {
        try appendStaged { staged in
            try staged.stage { emit in
                try withoutActuallyEscaping(emit) { emit in
                    try produce { stream, event in try emit(stream, event, expectedVersions[stream]) }
                }
            }
        }
    }

    /// The event with this id, if the log holds it.
    public func event(id: UUID) throws -> RecordedEvent? {
        Self.events(from: try connection.execute(
            "SELECT \(Self.columns) FROM store.events WHERE event_id = $1", id)).first
    }

    /// Which of these command ids the log has seen.
    public func knownCommandIds(_ ids: [UUID]) throws -> Set<UUID> {
        let result = try connection.execute("""
            SELECT DISTINCT metadata ->> 'command_id' FROM store.events
            WHERE metadata ->> 'command_id' = ANY ($1::text[])
            """, [ids.map { $0.uuidString.lowercased() }])
        return Set(result.column().compactMap { $0.flatMap(UUID.init(uuidString:)) })
    }

    /// Which of these events the log holds already. An event id is one event: one the log
    /// holds with another stream, type or data (JSON compared as jsonb) throws
    /// `EventStoreError.eventIdConflict`, for the first such event in the order given.
    public func knownEvents(_ events: [(stream: String, event: NewEvent)]) throws -> Set<UUID> {
        guard !events.isEmpty else { return [] }
        // The ids alone first: a restore into a fresh log meets none, and sends no data to compare.
        let stored = Set(try connection.execute(
            "SELECT event_id FROM store.events WHERE event_id = ANY ($1::uuid[])", [events.map(\.event.id)]
        ).column().compactMap { $0.flatMap(UUID.init(uuidString:)) })
        let events = events.filter { stored.contains($0.event.id) }
        guard !events.isEmpty else { return [] }
        let result = try connection.execute("""
            SELECT e.event_id, e.stream, g.stream,
                   array_remove(ARRAY[CASE WHEN e.stream <> g.stream THEN 'stream' END,
                                      CASE WHEN e.type <> g.type THEN 'type' END,
                                      CASE WHEN e.data <> g.data THEN 'data' END], NULL)::text
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS g(id, stream, type, data, n)
            JOIN store.events e ON e.event_id = g.id
            ORDER BY g.n
            """, [events.map(\.event.id), events.map(\.stream), events.map(\.event.type), events.map(\.event.data)])
        var known: Set<UUID> = []
        for row in 0..<result.rowCount {
            let id = result.uuid(row, 0)!
            let differs = result.string(row, 3)!.trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
                .split(separator: ",").compactMap { EventField(rawValue: String($0)) }
            guard differs.isEmpty else {
                throw EventStoreError.eventIdConflict(
                    id: id, storedIn: result.string(row, 1)!, given: result.string(row, 2)!, differs: differs)
            }
            known.insert(id)
        }
        return known
    }

    /// Every event in position order, streamed so memory stays flat however long the log.
    public func forEachEvent(_ body: (RecordedEvent) throws -> Void) throws {
        try connection.stream("SELECT \(Self.columns) FROM store.events ORDER BY position") { row in
            try body(Self.events(from: row)[0])
            return true
        }
    }

    /// The stream's current version; 0 when it does not exist.
    public func version(of stream: String) throws -> Int64 {
        try connection.execute("SELECT version FROM store.streams WHERE name = $1", stream).int64(0, 0) ?? 0
    }

    /// The events of one stream in version order, from `version` on, up to `throughVersion`
    /// and only those recorded by `recordedBy` when given.
    public func readStream(
        _ stream: String, from version: Int64 = 1, through throughVersion: Int64? = nil, recordedBy: Date? = nil
    ) throws -> [RecordedEvent] {
        let result = try connection.execute("""
            SELECT \(Self.columns) FROM store.events
            WHERE stream = $1 AND version >= $2
              AND ($3::bigint IS NULL OR version <= $3)
              AND ($4::timestamptz IS NULL OR recorded_at <= $4)
            ORDER BY version
            """, [stream, version, throughVersion, recordedBy])
        return Self.events(from: result)
    }

    /// Up to `limit` events committed after `fence`, in (transaction, position) order, taking
    /// only transactions older than every one still running: a reader that moves its fence to
    /// the last event returned never skips an event that commits later.
    public func readAll(after fence: ReadFence = .start, limit: Int = 1000) throws -> [RecordedEvent] {
        Self.events(from: try connection.execute(Self.readAllSQL, [String(fence.tx), fence.position, limit]))
    }

    /// Every event `readAll` would return from `fence` on, batch after batch, handed to `body`
    /// while the server already reads the next batch; `body` must not use this connection.
    /// Ends at the first empty batch and returns the fence after the last event read.
    @discardableResult
    public func readAll(
        after fence: ReadFence = .start, batchSize: Int, _ body: ([RecordedEvent]) throws -> Void
    ) throws -> ReadFence {
        var fence = fence
        try connection.send(Self.readAllSQL, [String(fence.tx), fence.position, batchSize])
        while true {
            let result = try connection.receive()
            let last = result.rowCount - 1
            guard last >= 0 else { return fence }
            // The next batch starts after this one's last row: ask for it before reading this one.
            fence = ReadFence(tx: result.uint64(last, 9)!, position: result.int64(last, 0)!)
            try connection.send(Self.readAllSQL, [String(fence.tx), fence.position, batchSize])
            do {
                try body(Self.events(from: result))
            } catch {
                _ = try? connection.receive()
                throw error
            }
        }
    }

    /// Not prepared: a plan cached while the log was small would stay a sequential scan.
    static let readAllSQL = """
        SELECT \(columns) FROM store.events
        WHERE (tx, position) > ($1::text::xid8, $2::bigint)
          AND tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY tx, position
        LIMIT $3
        """

    /// The fence stored under `name`, or `.start`.
    public func checkpoint(_ name: String) throws -> ReadFence {
        let result = try connection.execute(
            "SELECT tx::text, position FROM store.checkpoints WHERE name = $1", name)
        guard result.rowCount == 1, let tx = result.string(0, 0).flatMap(UInt64.init),
              let position = result.int64(0, 1) else { return .start }
        return ReadFence(tx: tx, position: position)
    }

    /// How long `lockCheckpoint` waits, in seconds: 10, or USTRACK_LOCK_TIMEOUT.
    public static let checkpointLockTimeout =
        ProcessInfo.processInfo.environment["USTRACK_LOCK_TIMEOUT"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? 10

    /// Holds, until the caller's transaction ends, the lock that makes readers moving the
    /// checkpoint `name` take turns. Free, as it nearly always is, that costs one statement.
    /// Otherwise it waits at most `timeout` seconds (a `lock_timeout` for this wait only, in a
    /// savepoint), then throws `EventStoreError.checkpointLocked` naming the session that holds it.
    public func lockCheckpoint(_ name: String, timeout: Double = EventStore.checkpointLockTimeout) throws {
        let key = "hashtext('ustrack checkpoint:' || $1)"
        let tried = try connection.execute(
            "SELECT pg_try_advisory_xact_lock(\(key)), current_setting('lock_timeout')", name)
        guard tried.bool(0, 0) != true else { return }
        let savepoint = connection.isInTransaction
        if savepoint { try connection.execute("SAVEPOINT ustrack_checkpoint_lock") }
        do {
            // Evaluated left to right: the timeout is set for the wait and put back after it.
            try connection.execute("""
                SELECT set_config('lock_timeout', $2, true), pg_advisory_xact_lock(\(key)), set_config('lock_timeout', $3, true)
                """, name, "\(max(1, Int((timeout * 1000).rounded())))ms", tried.string(0, 1) ?? "0")
        } catch let error as PostgresError where error.sqlState == SQLState(rawValue: "55P03") && savepoint {
            // lock_not_available: the transaction is usable again once back at the savepoint.
            try connection.execute("ROLLBACK TO SAVEPOINT ustrack_checkpoint_lock")
            let holder = try connection.execute("""
                SELECT a.pid, a.usename::text, a.application_name, a.state,
                       to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS TZ'), extract(epoch FROM now() - a.xact_start)::float8
                FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND l.classid::bigint = (\(key)::bigint >> 32) & 4294967295
                  AND l.objid::bigint = \(key)::bigint & 4294967295
                LIMIT 1
                """, name)
            var who = "another session"
            if holder.rowCount > 0, let pid = holder.int(0, 0) {
                var parts = ["user \(holder.string(0, 1) ?? "?")"]
                if let application = holder.string(0, 2), !application.isEmpty { parts.append("application \(application)") }
                if let state = holder.string(0, 3) { parts.append(state) }
                if let since = holder.string(0, 4), let seconds = holder.double(0, 5) {
                    parts.append("in a transaction since \(since) (\(String(format: "%.1f", seconds)) s)")
                }
                who = "pid \(pid) (\(parts.joined(separator: ", ")))"
            }
            throw EventStoreError.checkpointLocked(checkpoint: name, seconds: timeout, holder: who)
        }
        if savepoint { try connection.execute("RELEASE SAVEPOINT ustrack_checkpoint_lock") }
    }

    /// Stores a fence under `name` in the caller's transaction, so it commits with the work
    /// done for the events it covers, or not at all.
    public func saveCheckpoint(_ name: String, _ fence: ReadFence) throws {
        try connection.execute("""
            INSERT INTO store.checkpoints (name, tx, position) VALUES ($1, $2::text::xid8, $3)
            ON CONFLICT (name) DO UPDATE SET tx = EXCLUDED.tx, position = EXCLUDED.position, updated_at = now()
            """, name, String(fence.tx), fence.position)
    }

    static let columns =
        // tx as text under another name: "ORDER BY tx" must sort the xid8, not its text.
        "position, stream, version, event_id, type, schema_version, data, metadata, recorded_at, tx::text AS tx_text"

    static func events(from result: QueryResult) -> [RecordedEvent] {
        (0..<result.rowCount).map { row in
            RecordedEvent(
                position: result.int64(row, 0)!, stream: result.string(row, 1)!, version: result.int64(row, 2)!,
                id: result.uuid(row, 3)!, type: result.string(row, 4)!, schemaVersion: result.int(row, 5)!,
                data: result.string(row, 6)!, metadata: result.string(row, 7)!, recordedAt: result.date(row, 8)!,
                tx: result.uint64(row, 9)!)
        }
    }

    /// The DETAIL of `UT004`, a JSON object.
    private struct ConflictDetail: Decodable {
        var eventId: UUID
        var storedStream: String
        var stream: String
        var differs: [EventField]
        enum CodingKeys: String, CodingKey {
            case eventId = "event_id", storedStream = "stored_stream", stream, differs
        }
    }

    static func translate(_ error: PostgresError, stream: String, expected: ExpectedVersion) -> Error {
        switch error.sqlState {
        case .wrongExpectedVersion:
            let actual = error.detail?.split(separator: "=").last.flatMap { Int64($0) } ?? -1
            return EventStoreError.wrongExpectedVersion(stream: stream, expected: expected, actual: actual)
        case .partialDuplicate:
            return EventStoreError.partialDuplicate(error.message)
        case .eventIdConflict:
            guard let detail = error.detail.flatMap({ try? JSONDecoder().decode(ConflictDetail.self, from: Data($0.utf8)) })
            else { return error }
            return EventStoreError.eventIdConflict(
                id: detail.eventId, storedIn: detail.storedStream, given: detail.stream, differs: detail.differs)
        case .invalidParameterValue:
            return EventStoreError.invalidAppend(error.message)
        default:
            return error
        }
    }
}
