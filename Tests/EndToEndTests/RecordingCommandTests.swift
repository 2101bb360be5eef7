import Foundation
import Postgres
import TestSupport
import XCTest

final class RecordingCommandTests: XCTestCase {
    private var conninfo: String!
    private var ustrack: UstrackBinary!
    private var connection: Connection!
    private var folder: URL!

    override func setUpWithError() throws {
        conninfo = try TestDatabase.create(name)
        ustrack = UstrackBinary(database: conninfo)
        connection = try Connection.connect(conninfo)
        folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func eventCount() throws -> Int {
        try connection.execute("SELECT count(*) FROM store.events").int(0, 0)!
    }

    /// Runs a command that must succeed and returns its JSON output.
    @discardableResult
    private func record(_ arguments: String...) throws -> [String: Any] {
        try record(arguments)
    }

    @discardableResult
    private func record(_ arguments: [String]) throws -> [String: Any] {
        let outcome = try ustrack.run(arguments + ["--format", "json"])
        XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
        return (try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8))) as? [String: Any] ?? [:]
    }

    private func seed() throws {
        try record("portfolio", "define", "union-state", "--title", "Union State programmes",
                   "--approved-on", "2021-11-04", "--programmes", "28")
        try record("programme", "add", "customs", "--portfolio", "union-state", "--title", "Customs")
        try record("source", "add", "mfa", "--title", "Statement", "--published-on", "2023-05-17")
    }

    func testEveryRecordingCommandPrintsItsEventIdStreamVersionAndPosition() throws {
        try seed()
        let text = folder.appending(path: "statement.txt")
        try "Заявление: более половины мероприятий реализовано.\n".write(to: text, atomically: true, encoding: .utf8)
        let runs: [[String]] = [
            ["portfolio", "revise", "union-state", "--on", "2022-01-01", "--measures", "310", "--source", "mfa"],
            ["milestone", "add", "customs", "m1", "--title", "Agreement signed", "--due", "2023-12-31"],
            ["milestone", "reach", "customs", "m1", "--on", "2023-03-01", "--source", "mfa"],
            ["programme", "complete", "customs", "--on", "2023-04-01", "--source", "mfa"],
            ["source", "add", "text", "--title", "With text", "--published-on", "2023-05-17", "--file", text.path],
            ["progress", "union-state", "more than half of the measures", "--as-of", "2023-05-17", "--source", "text",
             "--speaker", "Lavrov"],
            ["progress", "customs", "7 of 28", "--as-of", "2023-05-17", "--source", "mfa", "--unit", "content"],
        ]
        var positions: [Int] = []
        for arguments in runs {
            let outcome = try ustrack.run(arguments + ["--format", "json"])
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as! [String: Any]
            XCTAssertNotNil(UUID(uuidString: json["event_id"] as? String ?? ""), "\(json)")
            XCTAssertNotNil(json["stream"] as? String)
            XCTAssertNotNil(json["version"] as? Int)
            positions.append(json["position"] as! Int)
        }
        XCTAssertEqual(positions, positions.sorted())
        let claim = try connection.execute(
            "SELECT data FROM store.events WHERE type = 'ProgressClaimed' AND stream = 'programme-customs'").string(0, 0)!
        XCTAssertTrue(claim.contains("\"count\": 7") && claim.contains("\"total\": 28"), claim)

        let last = try eventCount()
        let retract = try record("retract", try connection.execute(
            "SELECT event_id FROM store.events WHERE type = 'MilestoneReached'").string(0, 0)!, "--reason", "wrong date")
        XCTAssertEqual(retract["stream"] as? String, "programme-customs")
        XCTAssertEqual(try eventCount(), last + 1)

        let table = try ustrack.run("progress", "union-state", "40%", "--as-of", "2022-06-30", "--source", "mfa")
        XCTAssertTrue(table.stdout.contains("recorded ProgressClaimed in portfolio-union-state"), table.stdout)
        XCTAssertTrue(table.stdout.contains("position"), table.stdout)
    }

    func testTextIsStoredAsGivenWithQuotesAndSQLMetacharacters() throws {
        try seed()
        let title = #"Robert'); DROP TABLE store.events; -- "quoted" \ back <b>&amp;</b> Кавычки «ёлки»"#
        try record("programme", "add", "tricky", "--portfolio", "union-state", "--title", title)
        let stored = try connection.execute(
            "SELECT data ->> 'title' FROM store.events WHERE stream = 'programme-tricky'").string(0, 0)
        XCTAssertEqual(stored, title)
    }

    func testTheSameFileTwiceIsRecognised() throws {
        try seed()
        let text = folder.appending(path: "a.txt")
        try "one document".write(to: text, atomically: true, encoding: .utf8)
        try record("source", "add", "first", "--title", "First", "--published-on", "2023-01-01", "--file", text.path)
        let before = try eventCount()
        let again = try ustrack.run("source", "add", "second", "--title", "Again", "--published-on", "2023-01-01", "--file", text.path)
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("already stored as source \"first\""), again.stderr)
        XCTAssertEqual(try eventCount(), before)
        let stored = try connection.execute("""
            SELECT data ->> 'sha256', encode(sha256(convert_to('one document', 'UTF8')), 'hex'), data ->> 'text'
            FROM store.events WHERE stream = 'source-first'
            """)
        XCTAssertEqual(stored.string(0, 0), stored.string(0, 1), "the recorded SHA-256 is the file's")
        XCTAssertEqual(stored.string(0, 2), "one document")
    }

    /// A command given again, as a person does after a lost answer, records nothing new and
    /// answers with the original; a fact retracted and recorded again is new.
    func testACommandGivenAgainRecordsNothingNewUntilItsFactIsRetracted() throws {
        try seed()
        let text = folder.appending(path: "a.txt")
        try "one document".write(to: text, atomically: true, encoding: .utf8)
        let commands: [[String]] = [
            ["progress", "customs", "more than half", "--as-of", "2023-05-17", "--source", "mfa", "--speaker", "Sergey Lavrov"],
            ["source", "add", "texted", "--title", "With text", "--published-on", "2023-01-01", "--file", text.path],
            ["milestone", "add", "customs", "m1", "--title", "Agreement"],
            ["milestone", "reach", "customs", "m1", "--on", "2023-05-01", "--source", "mfa"],
            ["programme", "add", "customs", "--portfolio", "union-state", "--title", "Customs"],
        ]
        for command in commands {
            let first = try ustrack.run(command + ["--format", "json"])
            let before = try eventCount()
            let again = try ustrack.run(command + ["--format", "json"])
            XCTAssertEqual(again.status, 0, "\(command): \(again.stderr)")
            XCTAssertTrue(again.stderr.contains("nothing new was written"), "\(command): \(again.stderr)")
            XCTAssertEqual(try eventCount(), before, "\(command) recorded twice")
            let json = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
            XCTAssertEqual(json["already_recorded"] as? Bool, true)
            if command[0] != "programme" {
                let original = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as! [String: Any]
                XCTAssertEqual(json["event_id"] as? String, original["event_id"] as? String, "\(command)")
                XCTAssertEqual(json["position"] as? Int, original["position"] as? Int, "\(command)")
            }
        }
        // The same claim, retracted, then recorded again: a new record.
        let claim = commands[0]
        let id = try connection.execute("SELECT event_id FROM store.events WHERE type = 'ProgressClaimed'").string(0, 0)!
        try record("retract", id, "--reason", "wrong source")
        let anew = try record(claim)
        XCTAssertEqual(anew["already_recorded"] as? Bool, false)
        XCTAssertNotEqual(anew["event_id"] as? String, id)
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM store.events WHERE type = 'ProgressClaimed'").int(0, 0), 2)
        // Changed in any field, it is another claim.
        XCTAssertEqual(try record(Array(claim.dropLast(2)) + ["--speaker", "Someone else"])["already_recorded"] as? Bool, false)

        // An import line with the facts a CLI command recorded is already imported.
        let line = #"{"command": "milestone reach", "programme": "customs", "id": "m1", "on": "2023-05-01", "source": "mfa"}"#
        let file = folder.appending(path: "again.ndjson")
        try (line + "\n").write(to: file, atomically: true, encoding: .utf8)
        let imported = try ustrack.run("import", file.path, "--format", "json")
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stdout.contains("\"already_imported\" : 1"), imported.stdout)
    }

    /// Every kind of bad input: exit 2, a message naming the problem, nothing written.
    func testBadInputExitsWithTwoSaysWhatWasWrongAndWritesNothing() throws {
        try seed()
        try record("milestone", "add", "customs", "done", "--title", "Done")
        try record("milestone", "reach", "customs", "done", "--on", "2023-01-01")
        let retraction = try record("retract", try connection.execute(
            "SELECT event_id FROM store.events WHERE type = 'MilestoneReached'").string(0, 0)!, "--reason", "test")
        try record("milestone", "reach", "customs", "done", "--on", "2023-01-02")
        let long = String(repeating: "x", count: 5000)
        let cases: [([String], String)] = [
            (["programme", "add", "p1", "--portfolio", "nope", "--title", "T"], "unknown portfolio"),
            (["programme", "add", "customs", "--portfolio", "union-state", "--title", "T"], "already added"),
            (["programme", "complete", "nope", "--on", "2023-01-01"], "unknown programme"),
            (["milestone", "add", "nope", "m", "--title", "T"], "unknown programme"),
            (["milestone", "reach", "customs", "never-added", "--on", "2023-01-01"], "never-added"),
            (["milestone", "reach", "customs", "done", "--on", "2023-01-03"], "already reached"),
            (["progress", "union-state", "40%", "--as-of", "2023-01-01", "--source", "nope"], "unknown source"),
            (["progress", "nope", "40%", "--as-of", "2023-01-01", "--source", "mfa"], "nope"),
            (["progress", "union-state", "40%", "--as-of", "2023-02-30", "--source", "mfa"], "2023-02-30"),
            (["progress", "union-state", "40%", "--as-of", "1989-12-31", "--source", "mfa"], "1990"),
            (["progress", "union-state", "40%", "--as-of", "2999-01-01", "--source", "mfa"], "after today"),
            (["progress", "union-state", "140 percent", "--as-of", "2023-01-01", "--source", "mfa"], "140"),
            (["progress", "union-state", "roughly forty percent", "--as-of", "2023-01-01", "--source", "mfa"], "\"forty\" is not a number"),
            (["progress", "union-state", "40%", "--as-of", "2023-01-01", "--source", "mfa", "--unit", "bananas"], "bananas"),
            (["retract", "00000000-0000-4000-8000-000000000000", "--reason", "x"], "unknown event"),
            (["retract", "not-a-uuid", "--reason", "x"], "not an event id"),
            (["retract", retraction["event_id"] as! String, "--reason", "x"], "itself a retraction"),
            (["programme", "add", "p2", "--portfolio", "union-state", "--title", "   "], "title"),
            (["programme", "add", "p3", "--portfolio", "union-state", "--title", long], "5000"),
            (["source", "add", "s2", "--title", "T", "--published-on", "2023-01-01", "--file", "/nonexistent.txt"], "/nonexistent.txt"),
            (["portfolio", "define", "Bad Id", "--title", "T"], "Bad Id"),
            (["programme", "add", "p4", "--portfolio", "union-state"], "--title"),
            (["milestone", "add", "customs", "m9", "--title", "T", "--due", "20230101"], "20230101"),
        ]
        let before = try eventCount()
        for (arguments, expected) in cases {
            let outcome = try ustrack.run(arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.localizedCaseInsensitiveContains(expected), "\(arguments) should mention \(expected): \(outcome.stderr)")
            XCTAssertEqual(try eventCount(), before, "\(arguments) wrote something")
        }
    }

    func testParsePrintsTheIntervalAsJSONAndRejectsWhatItCannotRead() throws {
        let outcome = try ustrack.run("parse", "более половины", "--format", "json")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["lo"] as? Double, 50)
        XCTAssertEqual(json["hi"] as? Double, 100)
        XCTAssertEqual(json["lo_inclusive"] as? Bool, false)
        XCTAssertEqual(json["hi_inclusive"] as? Bool, true)

        let count = try JSONSerialization.jsonObject(with: Data(try ustrack.run("parse", "125 из 310", "--format", "json").stdout.utf8)) as! [String: Any]
        XCTAssertEqual(count["count"] as? Int, 125)
        XCTAssertEqual(count["total"] as? Int, 310)
        XCTAssertEqual(count["lo"] as! Double, 12500.0 / 310, accuracy: 1e-9)

        let bad = try ustrack.run("parse", "good progress")
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("good progress"), bad.stderr)
    }

    func testEightProcessesRecordingMilestonesOnOneProgrammeAllSucceed() throws {
        try seed()
        let ustrack = self.ustrack!
        let outcomes = try onThreads(8) { index in
            try (0..<3).map { n in try ustrack.run("milestone", "add", "customs", "m-\(index)-\(n)", "--title", "Milestone \(index).\(n)") }
        }.flatMap { $0 }
        for outcome in outcomes { XCTAssertEqual(outcome.status, 0, outcome.stderr) }
        let versions = try connection.execute(
            "SELECT version FROM store.events WHERE stream = 'programme-customs' ORDER BY version").column().map { Int($0!)! }
        XCTAssertEqual(versions, Array(1...25))
    }

    /// Exit 3: the stream moved under the command and no retries were left.
    func testConflictThatOutlastsTheRetriesExitsWithThree() throws {
        try seed()
        var configured = ustrack!
        configured.environment["USTRACK_CONFLICT_ATTEMPTS"] = "1"
        let impatient = configured
        let conninfo = self.conninfo!
        let results = try onThreads(2) { role -> Int32 in
            if role == 0 {
                // Move the stream while holding its head, so the command reads the old version
                // and then waits for our commit.
                let blocker = try Connection.connect(conninfo)
                try blocker.execute("BEGIN")
                try blocker.execute("""
                    SELECT * FROM store.append('programme-customs', NULL, ARRAY[gen_random_uuid()],
                        ARRAY['MilestoneAdded'], ARRAY['{"programme": "customs", "id": "x", "title": "X"}'::jsonb])
                    """)
                // Watched from another connection: inside a transaction pg_stat_activity stays as first read.
                let watcher = try Connection.connect(conninfo)
                let deadline = Date().addingTimeInterval(30)
                while Date() < deadline, try watcher.execute("""
                    SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()
                    """).int(0, 0) == 0 {
                    Thread.sleep(forTimeInterval: 0.02)
                }
                try blocker.execute("COMMIT")
                return 0
            }
            return try impatient.run("milestone", "add", "customs", "late", "--title", "Late").status
        }
        XCTAssertEqual(results[1], 3)
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM store.events WHERE data ->> 'id' = 'late'").int(0, 0), 0)
    }
}
