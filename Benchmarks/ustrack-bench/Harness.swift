import EventStore
import Foundation
import Migrations
import Postgres

/// A fresh, migrated database. Every measurement gets its own: store.events refuses TRUNCATE,
/// and equal starting sizes give baseline and ustrack the same index costs.
struct BenchDatabase: Sendable {
    let name: String

    static func create(admin: Connection, number: Int) throws -> BenchDatabase {
        let database = BenchDatabase(name: "ustrack_bench_\(getpid())_\(number)")
        try admin.execute("CREATE DATABASE \(try admin.quoteIdentifier(database.name))")
        try Migrator.migrate(try database.connect())
        return database
    }

    func connect() throws -> Connection {
        try Connection.connect("dbname=\(name)")
    }

    func drop(admin: Connection) throws {
        try admin.execute("DROP DATABASE \(try admin.quoteIdentifier(name)) WITH (FORCE)")
    }
}

/// The events every measurement writes: the same type and the same 200-byte JSON document.
enum Workload {
    static let type = "BenchEventRecorded"

    static let payload: String = {
        let head = #"{"claim":"claim-2024-0042","source":"source-7f3a9c","amount":123456,"note":""#
        let tail = #""}"#
        return head + String(repeating: "n", count: 200 - head.utf8.count - tail.utf8.count) + tail
    }()

    /// The columns a raw INSERT fills, the same ones store.append fills (schema_version and
    /// the defaults aside), so both update the same indexes.
    static let columns = "stream, version, event_id, type, data, metadata"

    static let insert = "INSERT INTO store.events (\(columns)) VALUES ($1, $2, $3, $4, $5, $6)"

    static func multiRowInsert(rows: Int) -> String {
        let tuples = (0..<rows).map { row in
            "(" + (1...6).map { "$\(row * 6 + $0)" }.joined(separator: ", ") + ")"
        }
        return "INSERT INTO store.events (\(columns)) VALUES " + tuples.joined(separator: ", ")
    }

    /// Parameters of one raw row, in the order of `columns`.
    static func row(stream: String, version: Int64) -> [any PostgresParameter] {
        [stream, version, UUID.random(), type, payload, "{}"]
    }
}

/// What a reader decodes each event's data into.
struct Payload: Decodable {
    let claim: String
    let source: String
    let amount: Int
    let note: String
}

/// Runs `threads` threads together for `seconds` and returns the events per second they stored
/// between them. Each thread first calls `prepare` (connect, prepare statements: untimed) and
/// then repeats the operation it returns, which answers how many events it stored.
/// Threads, not tasks: every call blocks in libpq and would hold a thread of the cooperative pool.
func eventsPerSecond(
    threads: Int, seconds: Double, _ prepare: @escaping @Sendable (Int) throws -> () throws -> Int
) throws -> Double {
    let line = StartLine()
    for index in 0..<threads {
        Thread {
            var stored = 0
            var failure: Error?
            var operation: (() throws -> Int)?
            do { operation = try prepare(index) } catch { failure = error }
            let deadline = line.arriveAndWait()
            if let operation {
                do {
                    while ContinuousClock.now < deadline { stored += try operation() }
                } catch { failure = error }
            }
            operation = nil  // closes the connection before the database is dropped
            line.finish(stored: stored, failure: failure)
        }.start()
    }
    line.waitUntilReady(threads)
    let start = ContinuousClock.now
    line.open(deadline: start + .seconds(seconds))
    let (stored, failure) = line.waitUntilFinished(threads)
    let elapsed = ContinuousClock.now - start
    if let failure { throw failure }
    return Double(stored) / elapsed.seconds
}

/// Times one call and returns events per second.
func eventsPerSecond(_ body: () throws -> Int) throws -> Double {
    let start = ContinuousClock.now
    let events = try body()
    return Double(events) / (ContinuousClock.now - start).seconds
}

/// Holds threads until all are ready, then lets them run to a common deadline.
final class StartLine: @unchecked Sendable {
    // @unchecked: every field is touched only while holding `condition`.
    private let condition = NSCondition()
    private var ready = 0
    private var finished = 0
    private var deadline: ContinuousClock.Instant?
    private var stored = 0
    private var failure: Error?

    func arriveAndWait() -> ContinuousClock.Instant {
        condition.lock()
        defer { condition.unlock() }
        ready += 1
        condition.broadcast()
        while deadline == nil { condition.wait() }
        return deadline!
    }

    func waitUntilReady(_ threads: Int) {
        condition.lock()
        while ready < threads { condition.wait() }
        condition.unlock()
    }

    func open(deadline: ContinuousClock.Instant) {
        condition.lock()
        self.deadline = deadline
        condition.broadcast()
        condition.unlock()
    }

    func finish(stored: Int, failure: Error?) {
        condition.lock()
        self.stored += stored
        self.failure = self.failure ?? failure
        finished += 1
        condition.broadcast()
        condition.unlock()
    }

    func waitUntilFinished(_ threads: Int) -> (stored: Int, failure: Error?) {
        condition.lock()
        defer { condition.unlock() }
        while finished < threads { condition.wait() }
        return (stored, failure)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

/// A field of /proc/self/status in kB, e.g. VmRSS (resident now) or VmHWM (peak resident).
func memoryKB(_ field: String) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
    }
    return 0
}

/// 12345.6 → "12,346".
func grouped(_ value: Double) -> String {
    let digits = String(Int(value.rounded()))
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return result
}

/// `signed` shows a change: "+2.4 MB", "-1.7 MB".
func megabytes(_ kilobytes: Int, signed: Bool = false) -> String {
    String(format: signed ? "%+.1f MB" : "%.1f MB", Double(kilobytes) / 1024)
}
