import EventStore
import Foundation
import Postgres
import Tracker

public struct ProjectionStatus: Sendable, Encodable {
    public let name: String
    public let position: Int64
    /// Events committed after the projection's checkpoint.
    public let lag: Int64
}

/// What a rebuild did, and where its time went.
public struct RebuildReport: Sendable {
    /// Events read from the log, the ones committed during the replay included.
    public let events: Int
    /// Reading the log and writing the fresh tables.
    public let replaying: Duration
    /// Moving the fresh tables' rows into the live ones, in the swap's transaction.
    public let swapping: Duration
}

/// Keeps the projections current: catch-up, rebuild and follow.
public struct ProjectionRunner {
    static var projectors: [any Projector.Type] { [CatalogProjector.self, ProgressProjector.self] }
    public static var names: [String] { projectors.map { $0.name } }

    public let store: EventStore
    public var batchSize = 1000
    /// Larger: a rebuild's per-batch work (a transaction, loading each touched group once)
    /// is then spread over more events. Memory grows with this, not with the log.
    public var rebuildBatchSize = 5000

    public init(store: EventStore) { self.store = store }

    static func checkpoint(_ projector: any Projector.Type) -> String { "projection.\(projector.name)" }

    /// Applies every event committed since each projection's checkpoint; returns how many
    /// events were read. A projection that meets a poison event applies everything before it,
    /// stops there and throws `ProjectionError.poison` once every projection has gone as far as
    /// it can.
    @discardableResult
    public func catchUp() throws -> Int {
        var total = 0
        var stopped: PoisonEvent?
        for projector in Self.projectors {
            let subscription = try Subscription(store: store, name: Self.checkpoint(projector), batchSize: batchSize)
            while true {
                do {
                    total += try subscription.catchUp { batch in
                        try apply(try passable(Self.decode(batch, for: [projector.name])), to: [projector], schema: "projection")
                        subscription.batchSize = batchSize
                    }
                    break
                } catch let stop as PoisonStop {
                    // The batch was rolled back: apply the events before the poison event alone,
                    // so the projection holds everything up to it.
                    if stop.before > 0 {
                        subscription.batchSize = stop.before
                        continue
                    }
                    if let first = stopped, first.position == stop.event.position {
                        stopped = first.joining(projector.name)
                    } else if stopped == nil {
                        stopped = stop.event
                    }
                    break
                }
            }
        }
        if let stopped { throw ProjectionError.poison(stopped) }
        return total
    }

    /// Replays the whole log into fresh temporary tables, then swaps their contents in within one
    /// transaction: readers see the old rows until the commit and the new ones after, never a mix.
    /// One pass over the log feeds every chosen projection, so each event is read and decoded once.
    /// A poison event that no retraction withdraws stops it (`ProjectionError.poison`) before
    /// the swap: the live tables stay as they were.
    @discardableResult
    public func rebuild(_ name: String? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> RebuildReport {
        try Self.poisonStopsHere { try replayAndSwap(name, progress: progress) }
    }

    private func replayAndSwap(_ name: String?, progress: ((Int, Int) -> Void)?) throws -> RebuildReport {
        let chosen = try name.map { name in
            guard let found = Self.projectors.first(where: { $0.name == name }) else { throw ProjectionError.unknownProjection(name) }
            return [found]
        } ?? Self.projectors
        let connection = store.connection
        let total = Int(try connection.execute("SELECT count(*) FROM store.events").int64(0, 0) ?? 0)
        let tables = chosen.flatMap { $0.tables }
        if !connection.isInTransaction {
            // The fresh tables live in the session's own buffers, 8 MB by default; a replay of a
            // million events (345 MB of fresh tables and indexes) then writes most pages out and
            // reads them back: 38-43k events/s with 256 MB, 46k with 1 GB. The server takes this
            // memory only as the tables grow, and refuses the change (harmlessly) once the
            // session has used a temporary table.
            _ = try? connection.execute("SET temp_buffers = '1GB'")
        }
        for table in tables {
            try connection.execute("DROP TABLE IF EXISTS pg_temp.\(table)")
            try connection.execute("CREATE TEMP TABLE \(table) (LIKE projection.\(table) INCLUDING ALL)")
        }
        var fence = ReadFence.start
        var done = 0
        let names = chosen.map { $0.name }
        let started = ContinuousClock.now
        // A second connection reads and decodes the next batches while this one writes.
        let ahead = try ReadAhead(store, batchSize: rebuildBatchSize) { batch in Self.decode(batch, for: names) }
        defer { ahead.cancel() }
        while let batch = try ahead.next() {
            try connection.transaction { try apply(try passable(batch.batch), to: chosen, schema: "pg_temp") }
            fence = batch.fence
            done += batch.count
            progress?(done, max(total, done))
        }
        let replayed = ContinuousClock.now
        var swapStarted = replayed
        try connection.transaction {
            // Catch-ups of these projections wait, then go on from the rebuild's checkpoint.
            for projector in chosen { try store.lockCheckpoint(Self.checkpoint(projector)) }
            for table in tables {
                try connection.execute("LOCK TABLE projection.\(table) IN ACCESS EXCLUSIVE MODE")
            }
            // What committed while we replayed goes into the fresh tables too.
            while true {
                let batch = try store.readAll(after: fence, limit: rebuildBatchSize)
                guard let last = batch.last else { break }
                try apply(try passable(Self.decode(batch, for: names)), to: chosen, schema: "pg_temp")
                fence = last.fence
                done += batch.count
            }
            swapStarted = ContinuousClock.now
            for table in tables {
                let indexes = try liveIndexes(of: table)
                try connection.execute("DELETE FROM projection.\(table)")
                for index in indexes { try connection.execute(index.drop) }
                try connection.execute("INSERT INTO projection.\(table) SELECT * FROM pg_temp.\(table)")
                for index in indexes { try connection.execute(index.create) }
            }
            for projector in chosen { try store.saveCheckpoint(Self.checkpoint(projector), fence) }
        }
        let swapped = ContinuousClock.now
        for table in tables { try connection.execute("DROP TABLE pg_temp.\(table)") }
        return RebuildReport(events: done, replaying: swapStarted - started, swapping: swapped - swapStarted)
    }

    /// The indexes of a live table, to drop before the swap fills it and build again after:
    /// building an index from all its rows at once took a third of the time of inserting the
    /// rows into it one by one (600,000 claims: 1.4 s against 4.6 s). Within the swap's
    /// transaction, which holds the table's exclusive lock, nobody sees it without them. Only
    /// the tables' owner may drop an index; anyone else keeps them and the slower swap.
    private func liveIndexes(of table: String) throws -> [(drop: String, create: String)] {
        let connection = store.connection
        let owned = try connection.execute(
            "SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = $1::regclass", "projection.\(table)").bool(0, 0)
        guard owned == true else { return [] }
        // A constraint's index (primary key, unique) goes and comes back with its constraint.
        let rows = try connection.execute("""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, pg_get_constraintdef(c.oid)
            FROM pg_index i
            LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')
            WHERE i.indrelid = $1::regclass
            ORDER BY 1
            """, "projection.\(table)")
        return try (0..<rows.rowCount).map { row in
            if let constraint = rows.string(row, 2), let definition = rows.string(row, 3) {
                let name = try connection.quoteIdentifier(constraint)
                return ("ALTER TABLE projection.\(table) DROP CONSTRAINT \(name)",
                        "ALTER TABLE projection.\(table) ADD CONSTRAINT \(name) \(definition)")
            }
            return ("DROP INDEX \(rows.string(row, 0)!)", rows.string(row, 1)!)
        }
    }

    /// Each projection's checkpoint and how many events it has yet to apply.
    public func status() throws -> [ProjectionStatus] {
        try Self.projectors.map { projector in
            let fence = try store.checkpoint(Self.checkpoint(projector))
            let lag = try store.connection.execute(
                "SELECT count(*) FROM store.events WHERE (tx, position) > ($1::text::xid8, $2)",
                [String(fence.tx), fence.position]).int64(0, 0) ?? 0
            return ProjectionStatus(name: projector.name, position: fence.position, lag: lag)
        }
    }

    private func apply(_ decoded: [(RecordedEvent, TrackerEvent)], to projectors: [any Projector.Type], schema: String) throws {
        for projector in projectors {
            var instance = projector.init(writer: ProjectionWriter(connection: store.connection, schema: schema))
            try instance.prepare(decoded)
            for (event, payload) in decoded { try instance.apply(event, payload) }
            try instance.finishBatch()
            try instance.writer.flush()
        }
    }

    /// The events of a batch that the projections apply: every readable one. An unreadable
    /// event is passed over only when a retraction later in its stream withdraws it (the
    /// retraction is recorded after it, so the log is searched ahead of the batch); the first
    /// one that none withdraws stops the batch with `PoisonStop`.
    private func passable(_ batch: DecodedBatch) throws -> [(RecordedEvent, TrackerEvent)] {
        guard !batch.unreadable.isEmpty else { return batch.events }
        let withdrawn = Set(try store.connection.execute("""
            SELECT e.event_id::text FROM store.events e
            WHERE e.event_id = ANY ($1::text[]::uuid[])
              AND EXISTS (SELECT 1 FROM store.events r
                          WHERE r.stream = e.stream AND r.version > e.version AND r.type = 'EventRetracted'
                            AND lower(r.data ->> 'event_id') = e.event_id::text)
            """, [batch.unreadable.map { $0.event.eventId.uuidString.lowercased() }]).column().compactMap { $0 })
        if let stop = batch.unreadable.first(where: { !withdrawn.contains($0.event.eventId.uuidString.lowercased()) }) {
            throw stop
        }
        return batch.events
    }

    /// Runs `body`, turning a batch's stop into the error the caller sees.
    private static func poisonStopsHere<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let stop as PoisonStop {
            throw ProjectionError.poison(stop.event)
        }
    }

    /// The tracker's events of a batch with their payloads, and the events it cannot read;
    /// `projections` name who stops at a poison event.
    static func decode(_ batch: [RecordedEvent], for projections: [String]) -> DecodedBatch {
        var decoded = DecodedBatch()
        decoded.events.reserveCapacity(batch.count)
        for (index, event) in batch.enumerated() {
            // Streams of other categories are not the tracker's: no projector reads them.
            guard StreamName(event.stream) != nil else { continue }
            do {
                decoded.events.append((event, try TrackerEvent.decode(type: event.type, schemaVersion: event.schemaVersion,
                                                                      data: Data(event.data.utf8))))
            } catch {
                var newerSchema = false
                if case .newerSchema = error { newerSchema = true }
                decoded.unreadable.append(PoisonStop(
                    before: index,
                    event: PoisonEvent(projection: projections.joined(separator: ", "), position: event.position,
                                       stream: event.stream, type: event.type, eventId: event.id, reason: "\(error)",
                                       newerSchema: newerSchema)))
            }
        }
        return decoded
    }
}

/// A batch as read: what the projectors apply, and what they cannot read.
struct DecodedBatch: Sendable {
    var events: [(RecordedEvent, TrackerEvent)] = []
    var unreadable: [PoisonStop] = []
}

/// An unreadable event that no retraction withdraws: its batch stops there. `before` counts
/// the batch's events ahead of it.
struct PoisonStop: Error, Sendable {
    let before: Int
    let event: PoisonEvent
}
