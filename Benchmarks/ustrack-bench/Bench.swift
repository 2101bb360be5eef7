import EventStore
import Foundation
import Postgres

/// Runs the measurements in pairs (ustrack and its raw-SQL baseline, same run, same table
/// definition, fresh database each) and collects the table rows.
final class Bench {
    struct Row {
        let name: String
        let ustrack: Double
        let baseline: Double
        /// The least acceptable ustrack/baseline ratio; nil for a row that only informs.
        let target: Double?

        var ratio: Double { ustrack / baseline }
    }

    let options: Options
    private let admin: Connection
    private(set) var rows: [Row] = []
    private(set) var notes: [String] = []
    private var databaseCount = 0
    private var concurrentNotifyOn: Double?

    /// Bulk-loaded streams have this many events each: a bulk import of many short streams.
    static let bulkStreamLength = 10

    init(options: Options) throws {
        self.options = options
        admin = try Connection.connect("dbname=postgres")
    }

    func run() throws {
        let stages = options.stages
        if stages.contains(.single) { try singleAppends() }
        if stages.contains(.writers) { try concurrentAppends() }
        if stages.contains(.notify) { try notifyCost() }
        if stages.contains(.batch) { try batches() }
        if stages.contains(.bulk) || stages.contains(.read) { try bulkLoadAndRead() }
    }

    /// Server, durability and machine, for the head of the table.
    func environment() throws -> String {
        let version = try admin.execute("SHOW server_version").string(0, 0) ?? "?"
        let fsync = try admin.execute("SHOW fsync").string(0, 0) ?? "?"
        let commit = try admin.execute("SHOW synchronous_commit").string(0, 0) ?? "?"
        return "PostgreSQL \(version), fsync=\(fsync), synchronous_commit=\(commit), "
            + "\(ProcessInfo.processInfo.activeProcessorCount) CPUs; "
            + "\(options.seconds.formatted()) s per timed measurement"
    }

    private func singleAppends() throws {
        let baseline = try timed("raw INSERT, 1 client", threads: 1, Self.rawSingle)
        let ustrack = try timed("EventStore.append, 1 writer", threads: 1) { Self.ustrackSingle($0, notify: true) }
        rows.append(Row(name: "single appends, 1 writer", ustrack: ustrack, baseline: baseline, target: 0.8))
    }

    private func concurrentAppends() throws {
        let writers = options.writers
        let baseline = try timed("raw INSERT, \(writers) clients", threads: writers, Self.rawSingle)
        let ustrack = try timed("EventStore.append, \(writers) writers", threads: writers) {
            Self.ustrackSingle($0, notify: true)
        }
        concurrentNotifyOn = ustrack
        rows.append(Row(name: "single appends, \(writers) writers", ustrack: ustrack, baseline: baseline, target: 0.6))
    }

    private func notifyCost() throws {
        let writers = options.writers
        let on = try concurrentNotifyOn ?? timed("EventStore.append, \(writers) writers", threads: writers) {
            Self.ustrackSingle($0, notify: true)
        }
        let off = try timed("EventStore.append, \(writers) writers, notify off", threads: writers) {
            Self.ustrackSingle($0, notify: false)
        }
        rows.append(Row(name: "\(writers) writers, notify on vs off", ustrack: on, baseline: off, target: nil))
        notes.append("notify on vs off: both columns are EventStore.append; 'baseline' is ustrack.notify = 'off'.")
    }

    private func batches() throws {
        let multiRow = try timed("raw 100-row INSERT", threads: 1, Self.rawMultiRowBatch)
        let transaction = try timed("raw BEGIN + 100 INSERTs + COMMIT", threads: 1, Self.rawTransactionBatch)
        let ustrack = try timed("EventStore.append of 100 events", threads: 1, Self.ustrackBatch)
        let faster = multiRow >= transaction ? "one 100-row INSERT" : "BEGIN + 100 INSERTs + COMMIT"
        rows.append(Row(name: "100-event batches, 1 writer", ustrack: ustrack,
                        baseline: max(multiRow, transaction), target: 0.8))
        notes.append("100-event batch baseline, events/s: one 100-row INSERT \(grouped(multiRow)), "
            + "BEGIN + 100 prepared INSERTs + COMMIT \(grouped(transaction)); the table uses the faster, \(faster).")
    }

    private func bulkLoadAndRead() throws {
        let count = options.bulkEvents
        var baseline: Double?
        if options.stages.contains(.bulk) {
            baseline = try withDatabase { database in
                let connection = try database.connect()
                return try measured("raw COPY FROM STDIN, \(grouped(Double(count))) events") {
                    try Self.rawCopy(connection, events: count)
                }
            }
        }
        // Kept for reading: the events ustrack loaded, or raw COPY's when only 'read' runs.
        databaseCount += 1
        let loaded = try BenchDatabase.create(admin: admin, number: databaseCount)
        defer { try? loaded.drop(admin: admin) }
        let connection = try loaded.connect()
        if let baseline {
            let ustrack = try measured("EventStore.appendBulk, \(grouped(Double(count))) events") {
                try EventStore(connection: connection).appendBulk(Self.bulkEvents(count))
            }
            rows.append(Row(name: "bulk load, \(grouped(Double(count))) events", ustrack: ustrack,
                            baseline: baseline, target: 0.6))
            notes.append("bulk load: streams of \(Self.bulkStreamLength) events; baseline is "
                + "COPY store.events (\(Workload.columns)) FROM STDIN.")
        } else {
            try Self.rawCopy(connection, events: count)
        }
        if options.stages.contains(.read) { try readAll(connection, count: count) }
    }

    private func readAll(_ connection: Connection, count: Int) throws {
        let copy = """
            COPY (SELECT position, stream, version, event_id, type, schema_version, data, metadata,
                         recorded_at, tx
                  FROM store.events ORDER BY tx, position) TO STDOUT
            """
        try connection.execute("VACUUM ANALYZE store.events")
        // Untimed first pass: both readers then find the table and its index in memory.
        try connection.copyOut(copy) { _ in }
        let baseline = try measured("COPY (SELECT … ORDER BY tx, position) TO STDOUT") {
            try connection.copyOut(copy) { _ in }
        }

        let store = EventStore(connection: connection)
        let decoder = JSONDecoder()
        let rssBefore = memoryKB("VmRSS")
        var rssHalfway = rssBefore
        let ustrack = try measured("EventStore.readAll + JSONDecoder, batches of \(options.readBatch)") {
            var fence = ReadFence.start
            var read = 0
            while true {
                let batch = try store.readAll(after: fence, limit: options.readBatch)
                guard let last = batch.last else { break }
                for event in batch { _ = try event.decodeData(as: Payload.self, decoder: decoder) }
                if read < count / 2, read + batch.count >= count / 2 { rssHalfway = memoryKB("VmRSS") }
                read += batch.count
                fence = last.fence
            }
            guard read == count else { throw UsageError("readAll returned \(read) events, expected \(count)") }
            return read
        }
        let rssAfter = memoryKB("VmRSS")
        rows.append(Row(name: "read all + decode, \(grouped(Double(count)))", ustrack: ustrack,
                        baseline: baseline, target: 0.5))
        notes.append("read all: RSS \(megabytes(rssBefore)) before, +\(megabytes(rssHalfway - rssBefore)) "
            + "over the first \(grouped(Double(count / 2))) events, +\(megabytes(rssAfter - rssHalfway)) over "
            + "the next \(grouped(Double(count - count / 2))); peak RSS of the whole run \(megabytes(memoryKB("VmHWM"))).")
    }

    /// Runs `body` on a fresh database, dropped afterwards.
    private func withDatabase<T>(_ body: (BenchDatabase) throws -> T) throws -> T {
        databaseCount += 1
        let database = try BenchDatabase.create(admin: admin, number: databaseCount)
        defer { try? database.drop(admin: admin) }
        return try body(database)
    }

    /// A timed measurement on `threads` threads, on a fresh database.
    private func timed(
        _ label: String, threads: Int,
        _ prepare: (BenchDatabase) -> @Sendable (Int) throws -> () throws -> Int
    ) throws -> Double {
        try withDatabase { database in
            let rate = try eventsPerSecond(threads: threads, seconds: options.seconds, prepare(database))
            log(label, rate)
            return rate
        }
    }

    /// A measurement of one call that stores or reads a fixed number of events.
    private func measured(_ label: String, _ body: () throws -> Int) throws -> Double {
        let rate = try eventsPerSecond(body)
        log(label, rate)
        return rate
    }

    private func log(_ label: String, _ rate: Double) {
        FileHandle.standardError.write(Data("  \(label): \(grouped(rate)) events/s\n".utf8))
    }
}

/// What each thread does: the closure returned by `prepare` runs once per thread (connect,
/// prepare; untimed) and returns the operation the thread repeats.
extension Bench {
    static func rawSingle(_ database: BenchDatabase) -> @Sendable (Int) throws -> () throws -> Int {
        { index in
            let connection = try database.connect()
            let insert = try connection.prepare("raw_insert", Workload.insert)
            let stream = "raw-writer\(index)"
            var version: Int64 = 0
            return {
                version += 1
                try connection.execute(insert, Workload.row(stream: stream, version: version))
                return 1
            }
        }
    }

    static func ustrackSingle(_ database: BenchDatabase, notify: Bool) -> @Sendable (Int) throws -> () throws -> Int {
        { index in
            let connection = try database.connect()
            if !notify { try connection.execute("SET ustrack.notify = 'off'") }
            let store = EventStore(connection: connection)
            let stream = "bench-writer\(index)"
            return {
                try store.append(to: stream, events: [NewEvent(type: Workload.type, data: Workload.payload)])
                return 1
            }
        }
    }

    static func rawMultiRowBatch(_ database: BenchDatabase) -> @Sendable (Int) throws -> () throws -> Int {
        { index in
            let connection = try database.connect()
            let insert = try connection.prepare("raw_insert_100", Workload.multiRowInsert(rows: 100))
            let stream = "raw-writer\(index)"
            var version: Int64 = 0
            return {
                var parameters: [any PostgresParameter] = []
                parameters.reserveCapacity(600)
                for _ in 0..<100 {
                    version += 1
                    parameters += Workload.row(stream: stream, version: version)
                }
                try connection.execute(insert, parameters)
                return 100
            }
        }
    }

    static func rawTransactionBatch(_ database: BenchDatabase) -> @Sendable (Int) throws -> () throws -> Int {
        { index in
            let connection = try database.connect()
            let insert = try connection.prepare("raw_insert", Workload.insert)
            let stream = "raw-writer\(index)"
            var version: Int64 = 0
            return {
                try connection.execute("BEGIN")
                for _ in 0..<100 {
                    version += 1
                    try connection.execute(insert, Workload.row(stream: stream, version: version))
                }
                try connection.execute("COMMIT")
                return 100
            }
        }
    }

    static func ustrackBatch(_ database: BenchDatabase) -> @Sendable (Int) throws -> () throws -> Int {
        { index in
            let store = EventStore(connection: try database.connect())
            let stream = "bench-writer\(index)"
            return {
                let events = (0..<100).map { _ in NewEvent(type: Workload.type, data: Workload.payload) }
                try store.append(to: stream, events: events)
                return 100
            }
        }
    }

    @discardableResult
    static func rawCopy(_ connection: Connection, events count: Int) throws -> Int {
        try connection.copyIn("COPY store.events (\(Workload.columns)) FROM STDIN") { writer in
            for index in 0..<count {
                try writer.writeRow([
                    bulkStream(index), String(index % bulkStreamLength + 1), UUID().postgresText,
                    Workload.type, Workload.payload, "{}",
                ])
            }
        }
    }

    /// Generated as they are written, so the load's own memory stays flat.
    static func bulkEvents(_ count: Int) -> some Sequence<(stream: String, event: NewEvent)> {
        (0..<count).lazy.map { index in
            (stream: bulkStream(index), event: NewEvent(type: Workload.type, data: Workload.payload))
        }
    }

    static func bulkStream(_ index: Int) -> String { "bulk-\(index / bulkStreamLength)" }
}
