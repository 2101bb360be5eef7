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
    /// The progress projection's claims kept in memory from one batch to the next at most; past
    /// it, the versions of a recording time that goes on are made early and made again later.
    /// 100,000 took about 20 MB more than a state that lasts one batch.
    public var claimsHeldAtMost = defaultClaimsHeldAtMost
    static let defaultClaimsHeldAtMost = 100_000

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
            var fence = try store.checkpoint(Self.checkpoint(projector))
            // Unlocked first: when nothing is new, as after most commands, that is all it costs.
            var batch = try store.readAll(after: fence, limit: batchSize)
            while !batch.isEmpty {
                let step = try store.connection.transaction { try catchUp(projector, from: &fence, batch) }
                total += step.applied
                batch = step.next
                guard let stop = step.stop else { continue }
                if let first = stopped, first.position == stop.position {
                    stopped = first.joining(projector.name)
                } else if stopped == nil {
                    stopped = stop
                }
                break
            }
        }
        if let stopped { throw ProjectionError.poison(stopped) }
        return total
    }

    /// One transaction of a catch-up, under the checkpoint's lock: `batch` (read after `fence`),
    /// then the batches after it as long as each goes on at the recording time the one before
    /// ended with. One large transaction's events (an import) thus make their versions once,
    /// not once a batch, while a log of many small transactions still commits batch by batch.
    /// Another process that caught up meanwhile moved the checkpoint: it goes on from there, and
    /// no event is applied twice. Returns what it applied, the batch read after it, and the
    /// poison event it stopped at, having applied and checkpointed the events before it.
    private func catchUp(_ projector: any Projector.Type, from fence: inout ReadFence, _ first: [RecordedEvent]) throws
        -> (applied: Int, next: [RecordedEvent], stop: PoisonEvent?) {
        let name = Self.checkpoint(projector)
        try store.lockCheckpoint(name)
        var batch = first
        let stored = try store.checkpoint(name)
        if stored != fence {
            fence = stored
            batch = try store.readAll(after: fence, limit: batchSize)
        }
        var run = ProjectorRun([projector], writer: ProjectionWriter(connection: store.connection, schema: "projection"),
                               claimsHeldAtMost: claimsHeldAtMost)
        var applied = 0
        var stop: PoisonStop?
        while let last = batch.last {
            let readable = try readable(Self.decode(batch, for: [projector.name]))
            try run.apply(readable.events)
            stop = readable.stop
            let taken = stop.map { batch[..<$0.before] } ?? batch[...]
            if let end = taken.last { fence = end.fence }
            applied += taken.count
            batch = stop == nil ? try store.readAll(after: fence, limit: batchSize) : []
            let more = batch.first?.recordedAt == last.recordedAt
            try run.finishBatch(more: more)
            if !more { break }
        }
        if applied > 0 { try store.saveCheckpoint(name, fence) }
        return (applied, batch, stop?.event)
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
        // One run from the first batch to the swap: nobody reads the fresh tables before it, so
        // what the projectors may keep from one batch to the next waits until the end.
        var run = ProjectorRun(chosen, writer: ProjectionWriter(connection: connection, schema: "pg_temp"),
                               claimsHeldAtMost: claimsHeldAtMost)
        while let batch = try ahead.next() {
            try connection.transaction {
                try run.apply(try passable(batch.batch))
                try run.finishBatch(more: true)
            }
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
                try run.apply(try passable(Self.decode(batch, for: names)))
                try run.finishBatch(more: true)
                fence = last.fence
                done += batch.count
            }
            try run.finishBatch(more: false)
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

    /// The events of a batch that the projections apply: every readable one up to the first
    /// unreadable event that no retraction withdraws (`stop`). An unreadable event is passed
    /// over only when a retraction later in its stream withdraws it (the retraction is recorded
    /// after it, so the log is searched ahead of the batch).
    private func readable(_ batch: DecodedBatch) throws -> (events: [(RecordedEvent, TrackerEvent)], stop: PoisonStop?) {
        guard !batch.unreadable.isEmpty else { return (batch.events, nil) }
        let withdrawn = Set(try store.connection.execute("""
            SELECT e.event_id::text FROM store.events e
            WHERE e.event_id = ANY ($1::text[]::uuid[])
              AND EXISTS (SELECT 1 FROM store.events r
                          WHERE r.stream = e.stream AND r.version > e.version AND r.type = 'EventRetracted'
                            AND lower(r.data ->> 'event_id') = e.event_id::text)
            """, [batch.unreadable.map { $0.event.eventId.uuidString.lowercased() }]).column().compactMap { $0 })
        guard let stop = batch.unreadable.first(where: { !withdrawn.contains($0.event.eventId.uuidString.lowercased()) }) else {
            return (batch.events, nil)
        }
        return (Array(batch.events.prefix { $0.0.fence < stop.fence }), stop)
    }

    /// The events of a batch that the projections apply, all of them: the first unreadable
    /// event that no retraction withdraws stops the batch with `PoisonStop`.
    private func passable(_ batch: DecodedBatch) throws -> [(RecordedEvent, TrackerEvent)] {
        let readable = try readable(batch)
        if let stop = readable.stop { throw stop }
        return readable.events
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
                    before: index, fence: event.fence,
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
    /// Where it stands in the log.
    let fence: ReadFence
    let event: PoisonEvent
}

/// The projectors of one run of batches (a catch-up's transaction, a rebuild's replay), each
/// kept from one batch to the next: what one holds between batches is made once for the run.
private struct ProjectorRun {
    private var projectors: [any Projector]

    init(_ types: [any Projector.Type], writer: @autoclosure () -> ProjectionWriter, claimsHeldAtMost: Int) {
        projectors = types.map { type in
            let projector = type.init(writer: writer())
            guard var progress = projector as? ProgressProjector else { return projector }
            progress.claimsHeldAtMost = claimsHeldAtMost
            return progress
        }
    }

    mutating func apply(_ decoded: [(RecordedEvent, TrackerEvent)]) throws {
        for index in projectors.indices {
            try projectors[index].prepare(decoded)
            for (event, payload) in decoded { try projectors[index].apply(event, payload) }
        }
    }

    /// `more`: the next batch comes to these same projectors (see `Projector.finishBatch`).
    mutating func finishBatch(more: Bool) throws {
        for index in projectors.indices {
            try projectors[index].finishBatch(more: more)
            try projectors[index].writer.flush()
        }
    }
}
