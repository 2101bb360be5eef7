import EventStore
import Foundation
import Postgres
import Projections
import Tracker

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
    var rows: [Row] = []
    var notes: [String] = []
    private var databaseCount = 0

    /// Bulk-loaded streams have this many events each: a bulk import of many short streams.
    static let bulkStreamLength = 10

    init(options: Options) throws {
        self.options = options
        admin = try Connection.connect("dbname=postgres")
    }

    func run() throws {
        let stages = options.stages
        if stages.contains(.single) { try singleAppends() }
        if stages.contains(.writers) || stages.contains(.notify) { try concurrentAppends() }
        if stages.contains(.batch) { try batches() }
        if stages.contains(.bulk) || stages.contains(.read) { try bulkLoadAndRead() }
        if stages.contains(.projections) { try projections() }
        if stages.contains(.search) { try search() }
        if stages.contains(.imports) { try imports() }
    }

    /// Server, durability and machine, for the head of the table.
    func environment() throws -> String {
        let version = try admin.execute("SHOW server_version").string(0, 0) ?? "?"
        let fsync = try admin.execute("SHOW fsync").string(0, 0) ?? "?"
        let commit = try admin.execute("SHOW synchronous_commit").string(0, 0) ?? "?"
        return "PostgreSQL \(version), fsync=\(fsync), synchronous_commit=\(commit), "
            + "\(ProcessInfo.processInfo.activeProcessorCount) CPUs; "
            + "\(options.seconds.formatted()) s per timed measurement, median of \(options.rounds) round(s)"
    }

    private func singleAppends() throws {
        let rates = try medians([
            { try self.timed("raw INSERT, 1 client", threads: 1, Self.rawSingle) },
            { try self.timed("EventStore.append, 1 writer", threads: 1) { Self.ustrackSingle($0, notify: true) } },
        ])
        rows.append(Row(name: "single appends, 1 writer", ustrack: rates[1], baseline: rates[0], target: 0.7))
    }

    /// The 'writers' and 'notify' stages share the measurement with wake-ups on and nobody
    /// listening, the case of a command-line user; 'notify' adds a follower listening, which
    /// makes every append send its wake-up, and wake-ups off.
    private func concurrentAppends() throws {
        let writers = options.writers
        let raw = options.stages.contains(.writers), notify = options.stages.contains(.notify)
        var measurements = [{
            try self.timed("EventStore.append, \(writers) writers", threads: writers) { Self.ustrackSingle($0, notify: true) }
        }]
        if raw {
            measurements.append { try self.timed("raw INSERT, \(writers) clients", threads: writers, Self.rawSingle) }
        }
        if notify {
            measurements.append {
                try self.timed("EventStore.append, \(writers) writers, a follower listening", threads: writers + 1) { database in
                    let append = Self.ustrackSingle(database, notify: true)
                    return { index in index == writers ? try Self.listener(database) : try append(index) }
                }
            }
            measurements.append {
                try self.timed("EventStore.append, \(writers) writers, no wake-ups", threads: writers) {
                    Self.ustrackSingle($0, notify: false)
                }
            }
        }
        let rates = try medians(measurements)
        if raw {
            rows.append(Row(name: "single appends, \(writers) writers", ustrack: rates[0], baseline: rates[1], target: 0.6))
        }
        if notify {
            let (listened, off) = (rates[rates.count - 2], rates[rates.count - 1])
            rows.append(Row(name: "\(writers) writers, a follower listening", ustrack: listened, baseline: off, target: nil))
            rows.append(Row(name: "\(writers) writers, nobody listening", ustrack: rates[0], baseline: off, target: nil))
            notes.append("wake-ups: both rows compare EventStore.append with its wake-up against none (wakesSubscribers: false); "
                + "with nobody listening the wake-up is skipped on the server, with a follower listening every append sends one.")
        }
    }

    private func batches() throws {
        let rates = try medians([
            { try self.timed("raw 100-row INSERT", threads: 1, Self.rawMultiRowBatch) },
            { try self.timed("raw BEGIN + 100 INSERTs + COMMIT", threads: 1, Self.rawTransactionBatch) },
            { try self.timed("EventStore.append of 100 events", threads: 1, Self.ustrackBatch) },
        ])
        let (multiRow, transaction) = (rates[0], rates[1])
        let faster = multiRow >= transaction ? "one 100-row INSERT" : "BEGIN + 100 INSERTs + COMMIT"
        rows.append(Row(name: "100-event batches, 1 writer", ustrack: rates[2],
                        baseline: max(multiRow, transaction), target: 0.8))
        notes.append("100-event batch baseline, events/s: one 100-row INSERT \(grouped(multiRow)), "
            + "BEGIN + 100 prepared INSERTs + COMMIT \(grouped(transaction)); the table uses the faster, \(faster).")
    }

    /// Each round loads a fresh database both ways: one load is a long single measurement, and
    /// this machine's speed drifts over a minute as much as the two ways differ.
    private func bulkLoadAndRead() throws {
        let count = options.bulkEvents
        if options.stages.contains(.bulk) {
            let rates = try medians([
                { try self.withDatabase { database in
                    let connection = try database.connect()
                    return try self.measured("raw COPY FROM STDIN, \(grouped(Double(count))) events") {
                        try Self.rawCopy(connection, events: count)
                    }
                } },
                { try self.withDatabase { database in
                    let store = EventStore(connection: try database.connect())
                    return try self.measured("EventStore.appendBulk, \(grouped(Double(count))) events") {
                        try store.appendBulk(Self.bulkEvents(count))
                    }
                } },
            ])
            rows.append(Row(name: "bulk load, \(grouped(Double(count))) events", ustrack: rates[1],
                            baseline: rates[0], target: 0.6))
            notes.append("bulk load: streams of \(Self.bulkStreamLength) events; baseline is "
                + "COPY store.events (\(Workload.columns)) FROM STDIN; medians of \(options.rounds) loads each.")
        }
        if options.stages.contains(.read) {
            try withDatabase { database in
                let connection = try database.connect()
                try Self.rawCopy(connection, events: count)
                try readAll(connection, count: count)
            }
        }
    }

    private func readAll(_ connection: Connection, count: Int) throws {
        // ORDER BY the xid8 column itself: the index order, which readAll's fence follows too.
        let copy = """
            COPY (SELECT position, stream, version, event_id, type, schema_version, data, metadata,
                         recorded_at, tx
                  FROM store.events ORDER BY tx, position) TO STDOUT
            """
        try connection.execute("VACUUM ANALYZE store.events")
        // Untimed first pass: both readers then find the table and its index in memory.
        try connection.copyOut(copy) { _ in }
        let store = EventStore(connection: connection)
        var memory: [(read: Int, rssKB: Int)] = []
        var stoppedEarly = false
        func pass(_ reader: Reader) throws -> Int {
            let pass = try self.readThrough(store, count: count, reader: reader)
            if memory.isEmpty { memory = pass.memory }
            stoppedEarly = stoppedEarly || !pass.finished
            return pass.read
        }
        let rates = try medians([
            { try self.measured("COPY (SELECT … ORDER BY tx, position) TO STDOUT") { try connection.copyOut(copy) { _ in } } },
            { try self.measured("ReadAhead + JSONDecoder, batches of \(self.options.readBatch)") { try pass(.ahead) } },
            { try self.measured("EventStore.readAll(batchSize:) + JSONDecoder, batches of \(self.options.readBatch)") { try pass(.inLine) } },
        ])
        rows.append(Row(name: "read all + decode, \(grouped(Double(count)))", ustrack: rates[1],
                        baseline: rates[0], target: 0.5))
        rows.append(Row(name: "the same, decoding in the reading thread", ustrack: rates[2], baseline: rates[0], target: nil))
        notes.append("read all: ReadAhead reads and parses rows on a second connection and thread while the caller decodes JSON; "
            + "readAll(batchSize:) does both on the caller's thread while the server reads the next batch.")
        if stoppedEarly {
            notes.append("read all: readAll stopped at its time limit (\((options.seconds * 10).formatted()) s) before the end of the log; "
                + "the rate is of the events it read.")
        }
        // Growth over the second half of a pass, against the first: flat memory shows as ~0.
        let read = memory.last?.read ?? 0
        let start = memory.first?.rssKB ?? 0, end = memory.last?.rssKB ?? 0
        let halfway = memory.first { $0.read >= read / 2 }?.rssKB ?? 0
        notes.append("read all: RSS \(megabytes(start)) after the first batch, \(megabytes(halfway - start, signed: true)) by "
            + "\(grouped(Double(read / 2))) events, \(megabytes(end - halfway, signed: true)) more by \(grouped(Double(read))); "
            + "peak RSS of the whole run \(megabytes(memoryKB("VmHWM"))).")
    }

    enum Reader { case inLine, ahead }

    /// One pass over the log, decoding every event's data, with the resident memory after each
    /// batch. Stops after ten times `--seconds`, generous but bounded should reading slow down
    /// as the log grows.
    func readThrough(
        _ store: EventStore, count: Int, reader: Reader
    ) throws -> (read: Int, finished: Bool, memory: [(read: Int, rssKB: Int)]) {
        let decoder = JSONDecoder()
        let deadline = ContinuousClock.now + .seconds(options.seconds * 10)
        struct TimeIsUp: Error {}
        var read = 0
        var memory: [(read: Int, rssKB: Int)] = []
        var finished = false
        func handle(_ batch: [RecordedEvent]) throws {
            for event in batch { _ = try event.decodeData(as: Payload.self, decoder: decoder) }
            read += batch.count
            memory.append((read, memoryKB("VmRSS")))
            if ContinuousClock.now >= deadline { throw TimeIsUp() }
        }
        do {
            switch reader {
            case .inLine:
                try store.readAll(after: .start, batchSize: options.readBatch, handle)
            case .ahead:
                let ahead = try ReadAhead(store, batchSize: options.readBatch) { $0 }
                while let item = try ahead.next() { try handle(item.batch) }
            }
            finished = true
        } catch is TimeIsUp {}
        // Also a check: a reader that skipped or repeated events would not end at the count.
        if finished ? read != count : read > count {
            throw UsageError("readAll returned \(read) events, but the log holds \(count)")
        }
        return (read, finished, memory)
    }

    /// Runs each measurement `options.rounds` times, every round starting with the next one so
    /// that a burst of load from elsewhere on the machine does not always hit the same side,
    /// and returns the median of each.
    func medians(_ measurements: [() throws -> Double]) throws -> [Double] {
        var rates = Array(repeating: [Double](), count: measurements.count)
        for round in 0..<options.rounds {
            for offset in measurements.indices {
                let index = (round + offset) % measurements.count
                rates[index].append(try measurements[index]())
            }
        }
        return rates.map { $0.sorted()[$0.count / 2] }
    }

    /// Runs `body` on a fresh database, dropped afterwards.
    func withDatabase<T>(_ body: (BenchDatabase) throws -> T) throws -> T {
        databaseCount += 1
        let database = try BenchDatabase.create(admin: admin, number: databaseCount)
        defer { try? database.drop(admin: admin) }
        return try body(database)
    }

    /// A timed measurement on `threads` threads, on a fresh database.
    func timed(
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
    func measured(_ label: String, _ body: () throws -> Int) throws -> Double {
        let rate = try eventsPerSecond(body)
        log(label, rate)
        return rate
    }

    /// Rebuild of every projection from synthetic events, against reading the same events with
    /// COPY; then how long the catch-up after a single command takes.
    private func projections() throws {
        let count = options.projectionEvents
        try withDatabase { database in
            let connection = try database.connect()
            let store = EventStore(connection: connection)
            let loaded = try ProjectionWorkload.load(store, events: count)
            try connection.execute("VACUUM ANALYZE store.events")
            let copy = "COPY (SELECT * FROM store.events ORDER BY tx, position) TO STDOUT"
            try connection.copyOut(copy) { _ in }
            let baseline = try measured("COPY (SELECT …) TO STDOUT, \(grouped(Double(loaded))) events") {
                try connection.copyOut(copy) { _ in }
            }
            var rss: [Int] = []
            var report: RebuildReport?
            let rebuild = try measured("projections rebuild, \(grouped(Double(loaded))) events") {
                report = try ProjectionRunner(store: store).rebuild { done, total in
                    // At the first batch past a quarter, past half, and at the end.
                    if done >= total * (rss.count + 1) / 4 && rss.count < 2 || done == total && rss.count == 2 {
                        rss.append(memoryKB("VmRSS"))
                    }
                }
                return loaded
            }
            rows.append(Row(name: "rebuild projections, \(grouped(Double(loaded)))", ustrack: rebuild, baseline: baseline, target: 0.08))
            // What the replay cannot do without: read the log and decode every event, as the
            // rebuild does (a second connection reading ahead, the caller decoding).
            let decoding = try measured("read + decode as the rebuild does, \(grouped(Double(loaded))) events") {
                let ahead = try ReadAhead(store, batchSize: ProjectionRunner(store: store).rebuildBatchSize) { batch in
                    try batch.map { try TrackerEvent.decode(type: $0.type, schemaVersion: $0.schemaVersion, data: Data($0.data.utf8)) }
                }
                var read = 0
                while let item = try ahead.next() { read += item.batch.count }
                return read
            }
            if let report {
                // The swap writes the rebuilt rows into the live tables once, heap, indexes and WAL:
                // a rebuild that swaps its tables in cannot take less, however fast its replay.
                // Reading and decoding come before it, so the two add up.
                let swap = report.swapping.seconds, reading = Double(loaded) / baseline, decoded = Double(loaded) / decoding
                func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
                notes.append("rebuild: replay \(format(report.replaying.seconds)) s, swap \(format(swap)) s; the swap alone takes "
                    + "\(format(swap / reading))× the baseline's \(format(reading, 2)) s, so no rebuild that swaps its tables in can "
                    + "exceed \(format(reading / swap, 2)) here. Reading and decoding the log as the rebuild does (a second "
                    + "connection reading ahead, its thread decoding) takes \(format(decoded, 2)) s; with the swap after it, a rebuild "
                    + "built this way could not exceed \(format(reading / (decoded + swap), 2)) however little its projectors and "
                    + "fresh tables cost.")
            }
            if rss.count == 3 {
                notes.append("rebuild: RSS \(megabytes(rss[0])) at a quarter, \(megabytes(rss[1])) at half, \(megabytes(rss[2])) at the end; "
                    + "synthetic portfolios of 20 programmes, each with milestones and 10 claims in 2 units.")
            }
            try readingViews(connection)
            var milliseconds: [Double] = []
            for n in 0..<50 {
                try store.append(to: "portfolio-p0", events: [ProjectionWorkload.claim(scope: "p0", n: n)])
                let started = ContinuousClock.now
                try ProjectionRunner(store: store).catchUp()
                let elapsed = ContinuousClock.now - started
                milliseconds.append(elapsed.seconds * 1000)
            }
            milliseconds.sort()
            notes.append("catch-up after a single command (one claim appended, then both projections caught up): "
                + "median \(String(format: "%.1f", milliseconds[milliseconds.count / 2])) ms over 50, "
                + "slowest \(String(format: "%.1f", milliseconds.last!)) ms.")
        }
    }

    /// The reporting views that compute, each read whole. `status` (every scope's estimate) is
    /// timed against reading the timeline it is made from; `programmes` and `portfolios`, each
    /// built on it, against `status` itself. A view that scans its inputs again for each of
    /// its rows shows as a multiple that grows with the number of events.
    private func readingViews(_ connection: Connection) throws {
        func seconds(_ relation: String) throws -> () throws -> Double {
            {
                let started = ContinuousClock.now
                try connection.copyOut("COPY (SELECT * FROM \(relation)) TO STDOUT") { _ in }
                return (ContinuousClock.now - started).seconds
            }
        }
        let relations = ["projection.timeline", "reporting.status", "reporting.programmes", "reporting.portfolios"]
        let medianSeconds = try medians(try relations.map(seconds))
        let counts = try relations.map { try connection.execute("SELECT count(*) FROM \($0)").int(0, 0)! }
        func format(_ index: Int) -> String {
            "\(relations[index]) \(String(format: "%.2f", medianSeconds[index])) s (\(grouped(Double(counts[index]))) rows)"
        }
        func times(_ index: Int, _ base: Int) -> String { String(format: "%.1f", medianSeconds[index] / medianSeconds[base]) + "×" }
        notes.append("reading whole views (median of \(options.rounds)): \(format(1)), \(times(1, 0)) reading \(format(0)); "
            + "\(format(2)), \(times(2, 1)) status; \(format(3)), \(times(3, 1)) status.")
    }

    func log(_ label: String, _ rate: Double) {
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
            let store = EventStore(connection: try database.connect(), wakesSubscribers: notify)
            let stream = "bench-writer\(index)"
            return {
                try store.append(to: stream, events: [NewEvent(type: Workload.type, data: Workload.payload)])
                return 1
            }
        }
    }

    /// A follower: waits for wake-ups and drains them, storing nothing.
    static func listener(_ database: BenchDatabase) throws -> () throws -> Int {
        let connection = try database.connect()
        try connection.listen(EventStore.channel)
        return {
            if try connection.waitForNotification(timeout: .milliseconds(50)) != nil {
                while try connection.nextNotification() != nil {}
            }
            return 0
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
                    bulkStream(index), String(index % bulkStreamLength + 1), UUID.random().postgresText,
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
