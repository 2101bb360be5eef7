import EventStore
import Foundation
import Postgres

/// A peer event store, run as a separate program: the Python eventsourcing library's
/// PostgreSQL application recorder, driven by Benchmarks/peers/eventsourcing_bench.py, which
/// measures itself and prints one JSON object.
struct Peer {
    /// A Python with eventsourcing[postgres] installed (scripts/bench --peers makes one).
    let python: String
    static let script = "Benchmarks/peers/eventsourcing_bench.py"

    private struct Result: Decodable {
        let events: Int
        let rate: Double?
    }

    private struct Versions: Decodable {
        let eventsourcing: String
        let psycopg: String
        let psycopg_impl: String
        let python: String
    }

    /// "eventsourcing 9.5.6, psycopg 3.3.9 (binary), Python 3.11.7".
    func versions() throws -> String {
        let versions = try JSONDecoder().decode(Versions.self, from: run(["version"]))
        return "eventsourcing \(versions.eventsourcing), psycopg \(versions.psycopg) (\(versions.psycopg_impl)), "
            + "Python \(versions.python)"
    }

    /// Runs one measurement on `database` and returns its events per second.
    func rate(_ measure: String, on database: BenchDatabase, _ arguments: [String]) throws -> Double {
        let result = try JSONDecoder().decode(Result.self, from: run([measure, "--dbname", database.name] + arguments))
        guard let rate = result.rate else { throw UsageError("\(Self.script) \(measure) printed no rate") }
        return rate
    }

    /// Fills `database` with `events` events for 'read' (untimed set-up).
    func load(_ database: BenchDatabase, events: Int) throws {
        _ = try run(["load", "--dbname", database.name, "--events", String(events),
                     "--stream-length", String(Bench.bulkStreamLength)])
    }

    /// The script's standard output; its errors go to ours.
    private func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw UsageError("\(python) \(Self.script) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return data
    }
}

/// ustrack beside the peer: each figure with the raw-SQL baseline on store.events, all three
/// measured in the same run, rounds alternating which goes first.
struct PeerReport {
    struct Row {
        let name: String
        let baseline: Double
        let ustrack: Double
        let peer: Double
    }

    let environment: String
    let rows: [Row]
    let notes: [String]

    var text: String {
        let width = max(30, rows.map(\.name.count).max() ?? 0) + 2
        func line(_ cells: [String]) -> String {
            cells[0].padding(toLength: width, withPad: " ", startingAt: 0)
                + zip(cells.dropFirst(), [11, 11, 17, 13, 19, 23]).map { leftPad($0, $1) }.joined() + "\n"
        }
        func ratio(_ value: Double) -> String { String(format: "%.2f", value) }
        var text = environment + "\n\n"
        text += line(["measure", "raw SQL/s", "ustrack/s", "eventsourcing/s", "ustrack/raw", "eventsourcing/raw",
                      "ustrack/eventsourcing"])
        for row in rows {
            text += line([row.name, grouped(row.baseline), grouped(row.ustrack), grouped(row.peer),
                          ratio(row.ustrack / row.baseline), ratio(row.peer / row.baseline), ratio(row.ustrack / row.peer)])
        }
        return text + "\n" + notes.map { $0 + "\n" }.joined()
    }

    private func leftPad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension Bench {
    /// Single appends with one writer and with `--writers`, 100-event batches, and reading the
    /// whole log, each three ways: raw SQL, ustrack, the peer. Every timed measurement gets a
    /// fresh database; the peer's is migrated like the others (ustrack's schema stays empty
    /// beside the peer's table), so all start alike.
    func peers(python: String) throws -> PeerReport {
        let peer = Peer(python: python)
        let seconds = String(options.seconds)
        func peerTimed(_ label: String, _ measure: String, _ arguments: [String]) -> () throws -> Double {
            {
                try self.withDatabase { database in
                    let rate = try peer.rate(measure, on: database, ["--seconds", seconds] + arguments)
                    self.log(label, rate)
                    return rate
                }
            }
        }
        var rows: [PeerReport.Row] = []
        let writers = options.writers
        for count in [1, writers] {
            let rates = try medians([
                { try self.timed("raw INSERT, \(count) client\(count == 1 ? "" : "s")", threads: count, Self.rawSingle) },
                { try self.timed("EventStore.append, \(count) writer\(count == 1 ? "" : "s")", threads: count) { Self.ustrackSingle($0, notify: true) } },
                peerTimed("eventsourcing insert_events of 1, \(count) writer\(count == 1 ? "" : "s")", "single", ["--writers", String(count)]),
            ])
            rows.append(.init(name: "single appends, \(count) writer\(count == 1 ? "" : "s")",
                              baseline: rates[0], ustrack: rates[1], peer: rates[2]))
        }
        let batches = try medians([
            { try self.timed("raw 100-row INSERT", threads: 1, Self.rawMultiRowBatch) },
            { try self.timed("EventStore.append of 100 events", threads: 1, Self.ustrackBatch) },
            peerTimed("eventsourcing insert_events of 100", "batch", ["--batch", "100"]),
        ])
        rows.append(.init(name: "100-event batches, 1 writer", baseline: batches[0], ustrack: batches[1], peer: batches[2]))
        rows.append(try peerRead(peer))
        let header = try environment() + "\npeer: \(try peer.versions()), PostgresApplicationRecorder"
        return PeerReport(environment: header, rows: rows, notes: [
            "single appends: raw is a prepared single-row INSERT into store.events; ustrack EventStore.append of one event "
                + "(autocommit, wake-ups on); eventsourcing insert_events of one StoredEvent (one transaction: LOCK TABLE "
                + "… IN EXCLUSIVE MODE, NOTIFY, INSERT … RETURNING notification_id). Every writer appends to a stream "
                + "(aggregate) of its own on a connection of its own: threads, the peer's sharing one recorder whose pool "
                + "holds one connection per writer.",
            "100-event batches: raw is one prepared 100-row INSERT; ustrack one append of 100 events; eventsourcing one "
                + "insert_events of 100 StoredEvents.",
            "read all: the log filled untimed with COPY (streams of \(Self.bulkStreamLength)), vacuumed and read once; raw is "
                + "COPY (SELECT … FROM store.events ORDER BY tx, position) TO STDOUT; ustrack ReadAhead in batches of "
                + "\(options.readBatch), JSONDecoder decoding each payload; eventsourcing select_notifications in pages "
                + "of \(options.readBatch), json.loads of each state.",
            "every event: one type (topic) and the same 200-byte JSON document; the server's default durability for all.",
        ])
    }

    /// Reading the whole log: ustrack's and the peer's each in a database of its own, filled
    /// once and read in every round.
    private func peerRead(_ peer: Peer) throws -> PeerReport.Row {
        let count = options.bulkEvents
        let copy = """
            COPY (SELECT position, stream, version, event_id, type, schema_version, data, metadata,
                         recorded_at, tx
                  FROM store.events ORDER BY tx, position) TO STDOUT
            """
        return try withDatabase { ours in
            let connection = try ours.connect()
            try Self.rawCopy(connection, events: count)
            try connection.execute("VACUUM ANALYZE store.events")
            try connection.copyOut(copy) { _ in }
            let store = EventStore(connection: connection)
            return try withDatabase { theirs in
                try peer.load(theirs, events: count)
                let events = grouped(Double(count))
                let rates = try medians([
                    { try self.measured("COPY (SELECT …) TO STDOUT, \(events) events") { try connection.copyOut(copy) { _ in } } },
                    { try self.measured("ReadAhead + JSONDecoder, \(events) events") {
                        try self.readThrough(store, count: count, reader: .ahead).read
                    } },
                    {
                        let rate = try peer.rate("read", on: theirs, ["--events", String(count), "--limit", String(self.options.readBatch)])
                        self.log("eventsourcing select_notifications + json.loads, \(events) events", rate)
                        return rate
                    },
                ])
                return .init(name: "read all + decode, \(events)", baseline: rates[0], ustrack: rates[1], peer: rates[2])
            }
        }
    }
}
