import ChildProcess
import Foundation
import Postgres
import TestSupport
import XCTest

/// The store's guarantees under faults, with the built binary and the real server: many
/// writers at once beside a live `follow`, an import killed with SIGKILL at several points,
/// and the server stopped as a crash would stop it, or one of its processes killed, while
/// writers and `follow` run.
final class FaultTests: XCTestCase {
    private var conninfo: String!
    private var ustrack: UstrackBinary!
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-fault-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: - Concurrent writers with a live follower

    /// Eight processes record 25 claims and milestones each, at once, on a programme they
    /// share, on the portfolio, and on one programme each, while `follow` runs. Each command
    /// either recorded its event (exit 0) or, on a conflict that outlasted its retries (half the
    /// writers allow no retry), nothing (exit 3); the log holds exactly the events the commands printed, and the projections
    /// `follow` kept equal a rebuild.
    func testConcurrentWritersBesideALiveFollowerLoseAndDuplicateNothing() throws {
        let writers = 8, commandsEach = 25
        try createDatabase()
        try importCatalog(programmes: ["shared"] + (0..<writers).map { "own\($0)" })
        let connection = try Connection.connect(conninfo)
        let start = try lastPosition(connection)

        let follower = try ustrack.start("projections", "follow", "--poll", "0.2")
        defer { follower.signal(SIGKILL) }
        // Half the writers give up after their first conflict, so that exit 3 happens too.
        var impatient = ustrack!
        impatient.environment["USTRACK_CONFLICT_ATTEMPTS"] = "1"
        let binaries = [ustrack!, impatient]
        let started = Date()
        let runs = try onThreads(writers) { writer in
            try (0..<commandsEach).map { step in
                try binaries[writer % 2].runCommand(Self.writerCommand(writer: writer, step: step, stepsEach: commandsEach))
            }
        }.flatMap { $0 }
        let writing = Date().timeIntervalSince(started)

        var printed: [Printed] = []
        var conflicts = 0
        for run in runs {
            switch run.status {
            case 0:
                guard let event = run.printed else { XCTFail("\(run.arguments): exit 0 without an event: \(run.stdout)"); continue }
                XCTAssertFalse(event.alreadyRecorded, "\(run.arguments): every command is new")
                printed.append(event)
            case 3:
                conflicts += 1
                XCTAssertTrue(run.stderr.contains("kept changing"), "\(run.arguments): \(run.stderr)")
            default:
                XCTFail("\(run.arguments) exited \(run.status): \(run.stderr)")
            }
        }
        XCTAssertGreaterThan(printed.count, runs.count / 2, "most commands get through")

        // Exactly the printed events, each once: a command that failed recorded nothing.
        let logged = try newEvents(connection, after: start)
        XCTAssertEqual(logged.count, printed.count, "one event per command that exited 0, none for the \(conflicts) conflicts")
        XCTAssertEqual(Set(logged), Set(printed.map(\.row)), "the log holds what the commands printed")
        XCTAssertEqual(Set(printed.map(\.eventId)).count, printed.count, "no event id printed twice")
        try assertStreamHeadsMatchTheEvents(connection)

        // `follow` brings the projections to the end of the log; they equal a rebuild.
        XCTAssertTrue(try waitUntilCaughtUp(seconds: 60), "the projections reach the end of the log")
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM projection.claims").int(0, 0),
                       try connection.execute("SELECT count(*) FROM store.events WHERE type = 'ProgressClaimed'").int(0, 0))
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM projection.milestones").int(0, 0),
                       try connection.execute("SELECT count(*) FROM store.events WHERE type = 'MilestoneAdded'").int(0, 0))
        follower.signal(SIGINT)
        let followed = follower.wait()
        XCTAssertEqual(followed.status, 0, followed.stderr)
        XCTAssertTrue(followed.stdout.contains("stopped"), followed.stdout)
        try assertProjectionsEqualARebuild(connection)
        print("concurrent writers: \(runs.count) commands in \(String(format: "%.1f", writing)) s, "
              + "\(printed.count) recorded, \(conflicts) conflicts")
    }

    // MARK: - kill -9 of an import

    /// An import is one transaction: killed with SIGKILL at any point, from before it reads the
    /// file to the projections' catch-up after its commit, it leaves all of the file's events in
    /// the log or none, with the stream heads matching the events; importing the file again
    /// records exactly what is missing. The points in the middle are held there by a lock the
    /// test takes, then the import is killed while it waits, then the lock is let go.
    func testAnImportKilledAtAnyPointLeavesAllOrNothingAndAgainRecordsWhatIsMissing() throws {
        // A few hundred lines by default: each line is parsed as its CLI command would be, which
        // costs milliseconds a line in a debug build. USTRACK_FAULT_IMPORT_LINES asks for more.
        let lines = ProcessInfo.processInfo.environment["USTRACK_FAULT_IMPORT_LINES"].flatMap(Int.init) ?? 600
        let file = try writeClaims(lines, scopes: ["p", "a", "b", "c"])
        enum Point {
            case after(Double)
            /// Held by a lock the test holds, while running the statement that matches `statement`
            /// (SQL LIKE), which leaves the log with `expect` of the file's events.
            case heldBy(lock: String, statement: String, expect: String)
            /// As soon as the file's events are visible: the commit is done, the catch-up under way.
            case justAfterTheCommit
        }
        let points: [(String, Point)] = [
            ("at once", .after(0.05)),
            ("while reading the file", .after(1.0)),
            ("in the COPY into store.staged_events",
             .heldBy(lock: "LOCK TABLE store.staged_events IN SHARE MODE", statement: "COPY store.staged_events%", expect: "none")),
            ("inside store.append_staged",
             .heldBy(lock: "SELECT 1 FROM store.streams WHERE name = 'programme-a' FOR UPDATE",
                     statement: "%store.append_staged%", expect: "none")),
            ("just after the commit", .justAfterTheCommit),
            ("in the projections' catch-up, writing claims",
             .heldBy(lock: "LOCK TABLE projection.claims IN EXCLUSIVE MODE", statement: "%claims%", expect: "all")),
        ]
        var found: [String] = []
        for (index, (label, point)) in points.enumerated() {
            let started = Date()
            try createDatabase(suffix: "kill\(index)")
            try importCatalog(programmes: ["a", "b", "c"])
            let connection = try Connection.connect(conninfo)
            let before = try eventCount(connection)
            var ours = [try connection.execute("SELECT pg_backend_pid()").int(0, 0)!]

            var blocker: Connection?
            var blocked = false, expected: String?
            let importing = try ustrack.start("import", file)
            switch point {
            case .after(let seconds):
                Thread.sleep(forTimeInterval: seconds)
            case .heldBy(let lock, let statement, let expect):
                expected = expect
                let holder = try Connection.connect(conninfo)
                blocker = holder
                ours.append(try holder.execute("SELECT pg_backend_pid()").int(0, 0)!)
                // The lock is taken before the import could reach that point: it reads for seconds first.
                try holder.execute("BEGIN")
                try holder.execute(lock)
                blocked = try waitUntil(seconds: 120, while: { isRunning(importing.pid) }) {
                    try connection.execute("""
                        SELECT count(*) FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> ALL ($1::int[])
                            AND query LIKE $2
                        """, [ours, statement]).int(0, 0)! > 0
                }
                XCTAssertTrue(blocked, "\(label): the import waited for the lock, running \(statement)")
            case .justAfterTheCommit:
                _ = try waitUntil(seconds: 120, while: { isRunning(importing.pid) }) { try eventCount(connection) > before }
            }
            importing.signal(SIGKILL)
            let killed = importing.wait()
            if let blocker { try blocker.execute("ROLLBACK") }
            // The killed client's server process may still be running its last statement.
            XCTAssertTrue(try waitUntil(seconds: 30) {
                try connection.execute("""
                    SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> ALL ($1::int[])
                    """, [ours]).int(0, 0)! == 0
            }, "\(label): the killed import's server process ends")

            let after = try eventCount(connection)
            let outcome = after == before ? "none" : after == before + lines ? "all" : "\(after - before) of \(lines)"
            XCTAssertTrue(after == before || after == before + lines,
                          "\(label): the log holds none or all of the file's \(lines) events, not \(after - before)")
            if killed.status == 0 {
                XCTAssertEqual(outcome, "all", "\(label): the import finished before the kill")
            } else if let expected, blocked {
                XCTAssertEqual(outcome, expected, label)
            }
            XCTAssertEqual(try connection.execute("SELECT count(*) FROM store.staged_events").int(0, 0), 0,
                           "\(label): no staged rows left behind")
            let behind = try lag()
            if case .heldBy(_, _, "all") = point, blocked {
                XCTAssertGreaterThan(behind, 0, "\(label): killed before the projections had the events")
            }
            XCTAssertEqual(try connection.execute("""
                SELECT count(DISTINCT metadata ->> 'command_id') FROM store.events WHERE type = 'ProgressClaimed'
                """).int(0, 0), after - before, "\(label): one command per line")
            try assertStreamHeadsMatchTheEvents(connection)

            let again = try ustrack.run("import", file, "--format", "json")
            XCTAssertEqual(again.status, 0, "\(label): \(again.stderr)")
            let summary = (try? JSONSerialization.jsonObject(with: Data(again.stdout.utf8))) as? [String: Any] ?? [:]
            XCTAssertEqual(summary["events"] as? Int, before + lines - after, "\(label): the second import records what was missing")
            XCTAssertEqual(summary["already_imported"] as? Int, (after - before) == 0 ? 0 : lines, label)
            XCTAssertEqual(try eventCount(connection), before + lines, "\(label): then every line once")
            try assertStreamHeadsMatchTheEvents(connection)
            XCTAssertEqual(try lag(), 0, "\(label): the second import caught the projections up")
            try assertProjectionsEqualARebuild(connection)
            let how = killed.status == 0 ? "finished first" : "killed (\(killed.status))"
            found.append("\(label): \(how), \(outcome)\(blocked ? ", held" : ""), projections \(behind) behind [\(String(format: "%.1f", Date().timeIntervalSince(started))) s]")
        }
        print("import kills, \(lines) lines:\n  " + found.joined(separator: "\n  "))
    }

    // MARK: - The server stopped, or crashed, under writers and follow

    /// Four processes record in a loop and `follow` runs while the server stops as a crash
    /// would stop it (`pg_ctl stop -m immediate`) and starts again. Every command that exited
    /// 0 has its event in the log, once; the others exited 4 (unreachable, or the outcome
    /// unknown); `follow` reconnects and its projections equal a rebuild.
    func testAnImmediateStopUnderWritersAndFollowLosesNoAcknowledgedEvent() throws {
        try checkWritersAndFollow(through: .immediateStop)
    }

    /// The same when one server process is killed with SIGKILL, as by the out-of-memory killer:
    /// the server then closes every other session at once ("terminating connection because of
    /// crash of another server process"), recovers from its WAL and accepts connections again.
    func testAServerProcessKilledUnderWritersAndFollowLosesNoAcknowledgedEvent() throws {
        try checkWritersAndFollow(through: .serverProcessKilled)
    }

    private enum ServerFault { case immediateStop, serverProcessKilled }

    /// Writers run 1.5 s; then a session of the test holds the shared programme's stream head
    /// and the claims table for 0.5 s, so that some appends and some catch-ups (the writers'
    /// and `follow`'s) are in flight when the fault comes; writers go on 4 s after the server
    /// is back.
    private func checkWritersAndFollow(through fault: ServerFault) throws {
        let writers = 4
        try createDatabase()
        try importCatalog(programmes: ["shared"] + (0..<writers).map { "own\($0)" })
        let admin = try Connection.connect(conninfo)
        // The throwaway cluster runs with synchronous_commit off, which lets a crash lose commits
        // already acknowledged; a database that keeps what it acknowledged is what this is about.
        try admin.execute("ALTER DATABASE \(try admin.quoteIdentifier(databaseName)) SET synchronous_commit = on")
        let start = try lastPosition(admin)

        let follower = try ustrack.start("projections", "follow", "--poll", "0.2")
        defer { follower.signal(SIGKILL) }
        defer { try? TestServer.startIfDown() }
        Thread.sleep(forTimeInterval: 0.5)
        let binary = ustrack!, conninfo = conninfo!
        let backAt = Locked<Date?>(nil)
        let results = try onThreads(writers + 1) { index -> [Run] in
            if index == writers {
                Thread.sleep(forTimeInterval: 1.5)
                let holder = try Connection.connect(conninfo)
                try holder.execute("BEGIN")
                try holder.execute("SELECT 1 FROM store.streams WHERE name = 'programme-shared' FOR UPDATE")
                try holder.execute("LOCK TABLE projection.claims IN EXCLUSIVE MODE")
                Thread.sleep(forTimeInterval: 0.5)
                switch fault {
                case .immediateStop:
                    let options = try TestServer.stopImmediately()
                    Thread.sleep(forTimeInterval: 1)
                    try TestServer.start(options: options)
                case .serverProcessKilled:
                    let pid = try holder.execute("SELECT pg_backend_pid()").int(0, 0)!
                    guard kill(pid_t(pid), SIGKILL) == 0 else { throw ServerControlError("cannot kill server process \(pid)") }
                    let deadline = Date().addingTimeInterval(60)
                    while Date() < deadline, (try? Connection.connect(conninfo).execute("SELECT 1")) == nil {
                        Thread.sleep(forTimeInterval: 0.05)
                    }
                }
                backAt.withLock { $0 = Date() }
                return []
            }
            var runs: [Run] = []
            let deadline = Date().addingTimeInterval(8)
            for step in 0..<200 where Date() < deadline {
                let run = try binary.runCommand(Self.writerCommand(writer: index, step: step, stepsEach: 200))
                runs.append(run)
                if run.status != 0 { Thread.sleep(forTimeInterval: 0.05) }
            }
            return runs
        }
        let runs = results.flatMap { $0 }
        let restartedAt = try XCTUnwrap(backAt.withLock { $0 }, "the server is back")

        let connection = try Connection.connect(conninfo)
        XCTAssertEqual(try connection.execute("SELECT 1").int(0, 0), 1, "the server is up")
        var acknowledged: [Printed] = [], unknown = 0, failed = 0
        for run in runs {
            switch run.status {
            case 0:
                guard let event = run.printed else { XCTFail("\(run.arguments): exit 0 without an event: \(run.stdout)"); continue }
                acknowledged.append(event)
            case 4:
                failed += 1
                // Printed before its catch-up failed: then it was recorded.
                if let event = run.printed { acknowledged.append(event) }
                if run.stderr.contains("Whether it was recorded is unknown") { unknown += 1 }
            case 3:
                XCTAssertTrue(run.stderr.contains("kept changing"), "\(run.arguments): \(run.stderr)")
            default:
                XCTFail("\(run.arguments) exited \(run.status), not 0 or 4 (the server went away): \(run.stderr)")
            }
        }
        XCTAssertGreaterThan(failed, 0, "some commands met the fault")
        XCTAssertTrue(runs.contains { $0.status == 0 && $0.finished > restartedAt }, "writers recorded again after the restart")

        let logged = try newEvents(connection, after: start)
        XCTAssertEqual(Set(logged.map(\.eventId)).count, logged.count, "no event twice")
        for event in acknowledged {
            XCTAssertTrue(logged.contains(event.row),
                          "acknowledged event \(event.eventId) (\(event.stream) v\(event.version)) is in the log as printed")
        }
        // Whether an append is in flight at the fault is chance; what holds is that an event no
        // command printed comes from a command that said its outcome was unknown.
        XCTAssertLessThanOrEqual(logged.count - Set(acknowledged.map(\.row)).count, unknown,
                                 "events no command acknowledged come from commands that said their outcome is unknown")
        try assertStreamHeadsMatchTheEvents(connection)

        XCTAssertTrue(try waitUntilCaughtUp(seconds: 60), "follow reconnected and caught up")
        follower.signal(SIGINT)
        let followed = follower.wait()
        XCTAssertEqual(followed.status, 0, "follow outlives the fault: \(followed.stderr)")
        XCTAssertTrue(followed.stderr.contains("reconnect"), followed.stderr)
        try assertProjectionsEqualARebuild(connection)
        print("\(fault): \(runs.count) commands, \(runs.filter { $0.status == 0 }.count) exited 0, \(failed) exited 4 "
              + "(\(unknown) with the outcome unknown), \(logged.count) events in the log")
    }

    // MARK: - Helpers

    private var databaseName: String { conninfo.replacingOccurrences(of: "dbname=", with: "") }

    private func createDatabase(suffix: String = "") throws {
        conninfo = try TestDatabase.create(name + suffix)
        ustrack = UstrackBinary(database: conninfo)
    }

    /// A portfolio `p`, a source `s` and these programmes, in one import.
    private func importCatalog(programmes: [String]) throws {
        let lines = [
            #"{"command": "portfolio define", "id": "p", "title": "Portfolio", "approved-on": "2021-11-04"}"#,
            #"{"command": "source add", "id": "s", "title": "Source", "published-on": "2023-12-31"}"#,
        ] + programmes.map { #"{"command": "programme add", "id": "\#($0)", "portfolio": "p", "title": "Programme \#($0)"}"# }
        let file = folder.appending(path: "catalog-\(UUID().uuidString.prefix(8)).ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let outcome = try ustrack.run("import", file.path)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
    }

    /// `count` claims, each a command of its own (scope, unit and as-of date differ), over these scopes.
    private func writeClaims(_ count: Int, scopes: [String]) throws -> String {
        let units = ["measures", "content"]
        let groups = scopes.count * units.count
        let lines = (0..<count).map { line -> String in
            let group = line % groups, round = line / groups
            let day = Calendar(identifier: .gregorian).date(byAdding: .day, value: round % 780, to: Self.firstDay)!
            return #"{"command": "progress", "scope": "\#(scopes[group % scopes.count])", "wording": "\#((line * 7 + round / 780) % 101) percent", "as-of": "\#(Self.iso(day))", "source": "s", "unit": "\#(units[group / scopes.count])"}"#
        }
        let file = folder.appending(path: "claims.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    private static let firstDay = ISO8601DateFormatter().date(from: "2021-11-05T12:00:00Z")!

    private static func iso(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    /// The `step`th command of a writer: claims and milestones on the programme all writers
    /// share, on the portfolio, and on the writer's own programme; no two alike.
    static func writerCommand(writer: Int, step: Int, stepsEach: Int) -> [String] {
        let n = writer * stepsEach + step
        let scope = ["shared", "own\(writer)", "p", "own\(writer)", "shared"][step % 5]
        if step % 4 == 3 && scope != "p" {
            return ["milestone", "add", scope, "m\(writer)-\(step)", "--title", "Milestone \(writer)-\(step)", "--due", "2024-06-30"]
        }
        let day = Calendar(identifier: .gregorian).date(byAdding: .day, value: n % 780, to: firstDay)!
        return ["progress", scope, "\(10 + (n * 7) % 80) percent", "--as-of", iso(day), "--source", "s",
                "--unit", step % 3 == 0 ? "content" : "measures"]
    }

    private func eventCount(_ connection: Connection) throws -> Int {
        try connection.execute("SELECT count(*) FROM store.events").int(0, 0)!
    }

    private func lastPosition(_ connection: Connection) throws -> Int {
        try connection.execute("SELECT coalesce(max(position), 0) FROM store.events").int(0, 0)!
    }

    private func newEvents(_ connection: Connection, after position: Int) throws -> [EventRow] {
        let result = try connection.execute(
            "SELECT event_id::text, stream, version, position FROM store.events WHERE position > $1 ORDER BY position", position)
        return (0..<result.rowCount).map { row in
            EventRow(eventId: result.string(row, 0)!, stream: result.string(row, 1)!,
                     version: result.int(row, 2)!, position: result.int(row, 3)!)
        }
    }

    /// Every stream's head is its number of events and its last version: versions are gapless.
    private func assertStreamHeadsMatchTheEvents(_ connection: Connection, file: StaticString = #filePath, line: UInt = #line) throws {
        let mismatched = try connection.execute("""
            SELECT coalesce(s.name, e.stream) || ': head ' || coalesce(s.version::text, 'none') || ', '
                   || coalesce(e.events, 0) || ' events, last version ' || coalesce(e.last::text, 'none')
            FROM store.streams s
            FULL JOIN (SELECT stream, count(*) AS events, max(version) AS last FROM store.events GROUP BY stream) e
                ON e.stream = s.name
            WHERE s.version IS DISTINCT FROM e.events OR s.version IS DISTINCT FROM e.last
            ORDER BY 1
            """).column().compactMap { $0 }
        XCTAssertEqual(mismatched, [], "store.streams matches the events", file: file, line: line)
    }

    /// Every projection table, each row as text, sorted.
    private func projectionTables(_ connection: Connection) throws -> [String: [String]] {
        let names = try connection.execute("""
            SELECT table_name FROM information_schema.tables WHERE table_schema = 'projection' AND table_type = 'BASE TABLE'
            """).column().compactMap { $0 }
        var tables: [String: [String]] = [:]
        for name in names {
            tables[name] = try connection.execute("SELECT t::text FROM projection.\(name) t ORDER BY 1").column().map { $0 ?? "" }
        }
        return tables
    }

    private func assertProjectionsEqualARebuild(_ connection: Connection, file: StaticString = #filePath, line: UInt = #line) throws {
        let caughtUp = try projectionTables(connection)
        XCTAssertFalse(caughtUp.isEmpty, "projection tables found", file: file, line: line)
        let rebuild = try ustrack.run("projections", "rebuild")
        XCTAssertEqual(rebuild.status, 0, rebuild.stderr, file: file, line: line)
        let rebuilt = try projectionTables(connection)
        XCTAssertEqual(Set(rebuilt.keys), Set(caughtUp.keys), file: file, line: line)
        for (table, rows) in caughtUp {
            XCTAssertEqual(rebuilt[table]?.count, rows.count, "projection.\(table): row count", file: file, line: line)
            if rebuilt[table] != rows {
                let missing = Set(rows).subtracting(rebuilt[table] ?? []), extra = Set(rebuilt[table] ?? []).subtracting(rows)
                XCTFail("projection.\(table) differs from a rebuild: only caught up \(missing.prefix(3)), only rebuilt \(extra.prefix(3))",
                        file: file, line: line)
            }
        }
    }

    private func lag() throws -> Int {
        let outcome = try ustrack.run("projections", "status", "--format", "json")
        guard outcome.status == 0,
              let rows = try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [[String: Any]]
        else { return -1 }
        return rows.map { $0["lag"] as? Int ?? -1 }.reduce(0, +)
    }

    private func waitUntilCaughtUp(seconds: Double) throws -> Bool {
        try waitUntil(seconds: seconds) { try lag() == 0 }
    }

    /// Polls `condition` every 10 ms for at most `seconds`, and only while `going` holds.
    private func waitUntil(seconds: Double, while going: () -> Bool = { true }, _ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            if !going() { return try condition() }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    /// Whether the child is still running (not exited, not a zombie waiting to be reaped).
    private func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
        return state != "Z" && state != "X"
    }
}

/// One row of the log, as a recording command prints it.
private struct EventRow: Hashable {
    let eventId: String
    let stream: String
    let version: Int
    let position: Int
}

/// A recording command's JSON output.
private struct Printed {
    let eventId: String
    let stream: String
    let version: Int
    let position: Int
    let alreadyRecorded: Bool
    var row: EventRow { EventRow(eventId: eventId, stream: stream, version: version, position: position) }
}

/// One run of the binary: what it was given, how it ended, and when.
private struct Run: Sendable {
    let arguments: [String]
    let status: Int32
    let stdout: String
    let stderr: String
    let finished: Date

    var printed: Printed? {
        guard let json = (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any],
              let id = json["event_id"] as? String, let stream = json["stream"] as? String,
              let version = json["version"] as? Int, let position = json["position"] as? Int
        else { return nil }
        return Printed(eventId: id, stream: stream, version: version, position: position,
                       alreadyRecorded: json["already_recorded"] as? Bool ?? false)
    }
}

private extension UstrackBinary {
    func runCommand(_ arguments: [String]) throws -> Run {
        let outcome = try run(arguments + ["--format", "json"])
        return Run(arguments: arguments, status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr, finished: Date())
    }
}

private struct ServerControlError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The throwaway server scripts/test started, stopped the way a crash stops it.
private enum TestServer {
    private static func paths() throws -> (data: String, bin: String, log: String) {
        let environment = ProcessInfo.processInfo.environment
        guard let data = environment["USTRACK_TEST_PGDATA"], let bin = environment["USTRACK_TEST_PGBIN"] else {
            throw ServerControlError("stopping the server needs USTRACK_TEST_PGDATA and USTRACK_TEST_PGBIN: run scripts/test")
        }
        let log = URL(fileURLWithPath: data).deletingLastPathComponent().appending(path: "log/server.log").path
        return (data, bin, log)
    }

    private static func pgCtl(_ arguments: [String]) throws -> ChildProcess.Outcome {
        let command = ["\(try paths().bin)/pg_ctl"] + arguments
        return geteuid() == 0
            ? try ChildProcess.run("/usr/sbin/runuser", ["-u", "postgres", "--"] + command, mergeOutput: true)
            : try ChildProcess.run(command[0], Array(command.dropFirst()), mergeOutput: true)
    }

    /// `pg_ctl stop -m immediate`: every server process quits at once, without a checkpoint.
    /// Returns the options the server ran with (from postmaster.opts), to start it alike.
    static func stopImmediately() throws -> String {
        let data = try paths().data
        let line = try String(contentsOfFile: "\(data)/postmaster.opts", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // The program's path, then its quoted arguments.
        let options = line.range(of: " \"").map { String(line[$0.lowerBound...]) } ?? ""
        let outcome = try pgCtl(["stop", "-D", data, "-m", "immediate", "-w"])
        guard outcome.status == 0 else { throw ServerControlError("pg_ctl stop -m immediate failed: \(outcome.stdout)") }
        lastOptions.withLock { $0 = options }
        return options
    }

    /// Starts it again; it recovers from its WAL before it accepts connections.
    static func start(options: String) throws {
        let (data, _, log) = try paths()
        let outcome = try pgCtl(["start", "-D", data, "-w", "-t", "120", "-l", log, "-o", options])
        guard outcome.status == 0 else { throw ServerControlError("pg_ctl start failed: \(outcome.stdout)") }
    }

    /// For the next test, should this one have stopped halfway.
    static func startIfDown() throws {
        let data = try paths().data
        guard try pgCtl(["status", "-D", data]).status != 0, let options = lastOptions.withLock({ $0 }) else { return }
        try start(options: options)
    }

    private static let lastOptions = Locked<String?>(nil)
}
