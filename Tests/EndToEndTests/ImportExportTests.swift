import Foundation
import Postgres
import TestSupport
import XCTest

final class ImportExportTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-import-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func write(_ lines: [String], to name: String) throws -> String {
        let url = folder.appending(path: name)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private let commands = [
        #"{"command": "portfolio define", "id": "union-state", "title": "Union State", "approved-on": "2021-11-04", "programmes": 28}"#,
        #"{"command": "programme add", "id": "customs", "portfolio": "union-state", "title": "Customs \"quoted\" ';--"}"#,
        #"{"command": "source add", "id": "mfa", "title": "Statement", "published-on": "2023-05-17", "file": "statement.txt"}"#,
        "",
        #"{"command": "progress", "scope": "union-state", "wording": "more than half", "as-of": "2023-05-17", "source": "mfa", "unit": "measures"}"#,
        #"{"command": "milestone add", "programme": "customs", "id": "m1", "title": "Agreement"}"#,
        #"{"command": "milestone reach", "programme": "customs", "id": "m1", "on": "2023-05-01", "source": "mfa"}"#,
    ]

    func testImportIsAllOrNothingAndTheSameFileTwiceAddsNothing() throws {
        let conninfo = try TestDatabase.create(name)
        let ustrack = UstrackBinary(database: conninfo)
        try "Более половины мероприятий реализовано.".write(to: folder.appending(path: "statement.txt"), atomically: true, encoding: .utf8)
        let file = try write(commands, to: "commands.ndjson")

        let first = try ustrack.run("import", file, "--format", "json")
        XCTAssertEqual(first.status, 0, first.stderr)
        let summary = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(summary["events"] as? Int, 6)
        XCTAssertEqual(summary["lines"] as? Int, 6)

        let second = try ustrack.run("import", file, "--format", "json")
        XCTAssertEqual(second.status, 0, second.stderr)
        let again = try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(again["events"] as? Int, 0)
        XCTAssertEqual(again["already_imported"] as? Int, 6)

        let connection = try Connection.connect(conninfo)
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM store.events").int(0, 0), 6)
        XCTAssertEqual(try connection.execute("SELECT data ->> 'text' FROM store.events WHERE type = 'SourceAdded'").string(0, 0),
                       "Более половины мероприятий реализовано.")
        XCTAssertEqual(try connection.execute("SELECT data ->> 'title' FROM store.events WHERE stream = 'programme-customs' AND version = 1").string(0, 0),
                       #"Customs "quoted" ';--"#)
    }

    func testMalformedLinesRejectTheWholeFileNamingTheLine() throws {
        let conninfo = try TestDatabase.create(name)
        let ustrack = UstrackBinary(database: conninfo)
        try "text".write(to: folder.appending(path: "statement.txt"), atomically: true, encoding: .utf8)
        let bad: [(line: String, message: String)] = [
            ("{not json", "not a JSON object"),
            (#"{"command": "teleport", "id": "x"}"#, "\"command\" must be one of"),
            (#"{"command": "programme add", "portfolio": "union-state", "title": "T"}"#, "missing \"id\""),
            (#"{"command": "programme add", "id": "x", "portfolio": "union-state", "title": "T", "colour": "red"}"#, "colour"),
            (#"{"command": "progress", "scope": "union-state", "wording": "lots", "as-of": "2023-05-17", "source": "mfa"}"#, "lots"),
            (#"{"command": "programme add", "id": "x", "portfolio": "nowhere", "title": "T"}"#, "unknown portfolio"),
            (#"{"stream": "programme-x", "type": "ProgrammeAdded", "data": {"id": "x"}}"#, "event_id"),
            // Read fine, but its data is not a ProgrammeAdded: named by its own line, not a later one.
            (#"{"stream": "programme-x", "event_id": "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b", "type": "ProgrammeAdded", "data": {"id": "x"}}"#,
             "ProgrammeAdded event"),
        ]
        for (line, message) in bad {
            let file = try write(Array(commands.prefix(3)) + [line] + Array(commands.suffix(2)), to: "bad.ndjson")
            let outcome = try ustrack.run("import", file)
            XCTAssertEqual(outcome.status, 2, "\(line): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("line 4:"), "\(line): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(message), "\(line) should mention \(message): \(outcome.stderr)")
            XCTAssertEqual(try Connection.connect(conninfo).execute("SELECT count(*) FROM store.events").int(0, 0), 0)
        }
        let event = #"{"stream": "source-s", "event_id": "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b", "type": "SourceAdded", "data": {"id": "s", "title": "S", "published_on": "2023-01-01", "has_text": false}}"#
        let twice = try ustrack.run("import", try write(Array(commands.prefix(2)) + [event, event], to: "twice.ndjson"))
        XCTAssertEqual(twice.status, 2, twice.stderr)
        XCTAssertTrue(twice.stderr.contains("line 4: event id 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b appears twice (first on line 3)"),
                      twice.stderr)
        let missing = try ustrack.run("import", folder.appending(path: "absent.ndjson").path)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("absent.ndjson"), missing.stderr)
    }

    func testExportThenImportIntoAFreshDatabaseGivesTheSameLog() throws {
        let source = try TestDatabase.create(name + "a")
        let ustrack = UstrackBinary(database: source)
        try "Текст".write(to: folder.appending(path: "statement.txt"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try ustrack.run("import", try write(commands, to: "c.ndjson")).status, 0)
        let reached = try Connection.connect(source).execute("SELECT event_id FROM store.events WHERE type = 'MilestoneReached'").string(0, 0)!
        XCTAssertEqual(try ustrack.run("retract", reached, "--reason", "wrong day").status, 0)
        XCTAssertEqual(try ustrack.run("progress", "customs", "2 из 3", "--as-of", "2023-05-17", "--source", "mfa").status, 0)

        let exported = folder.appending(path: "log.ndjson").path
        let export = try ustrack.run("export", "--out", exported)
        XCTAssertEqual(export.status, 0, export.stderr)

        let target = try TestDatabase.create(name + "b")
        let restore = UstrackBinary(database: target)
        let imported = try restore.run("import", exported)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertEqual(try restore.run("import", exported, "--format", "json").stdout.contains("\"events\" : 0"), true)

        let columns = "stream, version, event_id, type, schema_version, data::text, metadata::text, recorded_at"
        let original = try Connection.connect(source).execute("SELECT \(columns) FROM store.events ORDER BY position")
        let copy = try Connection.connect(target).execute("SELECT \(columns) FROM store.events ORDER BY position")
        XCTAssertEqual(original.rowCount, 8)
        XCTAssertEqual(copy.rowCount, original.rowCount)
        for row in 0..<original.rowCount {
            for column in 0..<original.columnCount {
                XCTAssertEqual(copy.string(row, column), original.string(row, column), "row \(row) column \(original.columnNames[column])")
            }
        }
        // The restored log still decides like the original: the retracted reach can be recorded again.
        XCTAssertEqual(try restore.run("milestone", "reach", "customs", "m1", "--on", "2023-05-02", "--source", "mfa").status, 0)
    }

    /// A register kept before ustrack keeps its recording times, and reading at an earlier
    /// known-at sees only what it held then; the time of entry stays in the metadata.
    func testRecordedAtBackdatesAnImportedLineAndKnownAtSeesIt() throws {
        let conninfo = try TestDatabase.create(name)
        let ustrack = UstrackBinary(database: conninfo)
        let lines = [
            #"{"command": "portfolio define", "id": "union-state", "title": "Union State", "recorded-at": "2022-03-15T09:00:00Z"}"#,
            #"{"command": "source add", "id": "mfa", "title": "Statement", "published-on": "2022-06-30", "recorded-at": "2022-07-04T09:00:00Z"}"#,
            #"{"command": "progress", "scope": "union-state", "wording": "40 percent", "as-of": "2022-06-30", "source": "mfa", "recorded-at": "2022-07-04T09:05:00Z"}"#,
            #"{"command": "source add", "id": "minsk", "title": "Meeting", "published-on": "2023-01-19", "recorded-at": "2023-03-02T09:55:00+03:00"}"#,
            #"{"command": "progress", "scope": "union-state", "wording": "70 percent", "as-of": "2023-01-19", "source": "minsk", "recorded-at": "2023-03-02T10:00:00+03:00"}"#,
        ]
        let imported = try ustrack.run("import", try write(lines, to: "register.ndjson"))
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let connection = try Connection.connect(conninfo)
        let recorded = try connection.execute("""
            SELECT to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), metadata ->> 'entered_at' IS NOT NULL
            FROM store.events ORDER BY position
            """)
        XCTAssertEqual((0..<recorded.rowCount).map { recorded.string($0, 0)! },
                       ["2022-03-15 09:00", "2022-07-04 09:00", "2022-07-04 09:05", "2023-03-02 06:55", "2023-03-02 07:00"])
        XCTAssertEqual((0..<recorded.rowCount).map { recorded.string($0, 1)! }, ["t", "t", "t", "t", "t"])

        let then = try ustrack.run("status", "union-state", "--known-at", "2023-02-01", "--format", "json")
        XCTAssertEqual(then.status, 0, then.stderr)
        XCTAssertTrue(then.stdout.contains("\"40 percent\""), then.stdout)
        XCTAssertFalse(then.stdout.contains("\"70 percent\""), then.stdout)
        let now = try ustrack.run("status", "union-state", "--format", "json")
        XCTAssertTrue(now.stdout.contains("\"70 percent\""), now.stdout)
    }

    func testABadRecordedAtRejectsTheFile() throws {
        let conninfo = try TestDatabase.create(name)
        let ustrack = UstrackBinary(database: conninfo)
        let define = #"{"command": "portfolio define", "id": "union-state", "title": "Union State", "recorded-at": "2022-03-15T09:00:00Z"}"#
        let bad: [(lines: [String], message: String)] = [
            ([#"{"command": "portfolio define", "id": "p", "title": "P", "recorded-at": "2022-03-15"}"#], "ISO 8601 time with its zone"),
            ([#"{"command": "portfolio define", "id": "p", "title": "P", "recorded-at": 20220315}"#], "ISO 8601 time with its zone"),
            ([#"{"command": "portfolio define", "id": "p", "title": "P", "recorded-at": "2999-01-01T00:00:00Z"}"#], "is in the future"),
            // Out of order: the second line says it was recorded before the first.
            ([define, #"{"command": "programme add", "id": "x", "portfolio": "union-state", "title": "X", "recorded-at": "2022-03-14T09:00:00Z"}"#],
             "goes back in time"),
            // A line without a time is recorded now: a backdated line cannot follow it.
            ([#"{"command": "portfolio define", "id": "p", "title": "P"}"#, define], "goes back in time"),
            // Facts cannot be dated after the day they were recorded.
            ([define, #"{"command": "source add", "id": "s", "title": "S", "published-on": "2022-06-30", "recorded-at": "2022-03-16T00:00:00Z"}"#],
             "after today (2022-03-16)"),
        ]
        for (lines, message) in bad {
            let outcome = try ustrack.run("import", try write(lines, to: "bad.ndjson"))
            XCTAssertEqual(outcome.status, 2, "\(lines): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(message), "\(lines) should mention \(message): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("Nothing was imported."), outcome.stderr)
            XCTAssertEqual(try Connection.connect(conninfo).execute("SELECT count(*) FROM store.events").int(0, 0), 0)
        }
    }

    /// The same line twice in one file is one command; a command's events are named by its id,
    /// so a retraction in the same file can name them.
    func testALineGivenTwiceIsOneCommandAndItsEventIdIsDerived() throws {
        let conninfo = try TestDatabase.create(name)
        let ustrack = UstrackBinary(database: conninfo)
        let claim = #"{"command": "progress", "scope": "union-state", "wording": "more than half", "as-of": "2023-05-17", "source": "mfa", "unit": "measures"}"#
        let lines = Array(commands.prefix(3)) + [claim, claim]
        try "text".write(to: folder.appending(path: "statement.txt"), atomically: true, encoding: .utf8)
        let first = try ustrack.run("import", try write(lines, to: "twice.ndjson"), "--format", "json")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("\"events\" : 4"), first.stdout)
        XCTAssertTrue(first.stdout.contains("\"already_imported\" : 1"), first.stdout)
        let claimId = try Connection.connect(conninfo).execute("SELECT event_id FROM store.events WHERE type = 'ProgressClaimed'").string(0, 0)!

        // Another database, the same file: the same event id.
        let other = try TestDatabase.create(name + "b")
        XCTAssertEqual(try UstrackBinary(database: other).run("import", folder.appending(path: "twice.ndjson").path).status, 0)
        XCTAssertEqual(try Connection.connect(other).execute("SELECT event_id FROM store.events WHERE type = 'ProgressClaimed'").string(0, 0),
                       claimId)

        // When it was recorded is not what was recorded: the line with a time is the same command.
        let dated = claim.replacingOccurrences(of: "}", with: #", "recorded-at": "2023-05-20T09:00:00Z"}"#)
        let again = try ustrack.run("import", try write([dated], to: "dated.ndjson"), "--format", "json")
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("\"already_imported\" : 1"), again.stdout)
    }

    /// An event id is one event: an exported line whose id the log holds under another stream
    /// is not that event, and the file is refused with both streams named.
    func testAnEventIdStoredUnderAnotherStreamRejectsTheFile() throws {
        let conninfo = try TestDatabase.create(name)
        let ustrack = UstrackBinary(database: conninfo)
        XCTAssertEqual(try ustrack.run("import", try write(Array(commands.prefix(2)), to: "first.ndjson")).status, 0)
        let connection = try Connection.connect(conninfo)
        let stored = try connection.execute(
            "SELECT event_id FROM store.events WHERE stream = 'portfolio-union-state'").string(0, 0)!
        let before = try connection.execute("SELECT count(*) FROM store.events").int(0, 0)

        let fresh = #"{"stream": "source-s", "event_id": "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b", "type": "SourceAdded", "data": {"id": "s", "title": "S", "published_on": "2023-01-01", "has_text": false}}"#
        let reused = #"{"stream": "source-t", "event_id": "\#(stored)", "type": "SourceAdded", "data": {"id": "t", "title": "T", "published_on": "2023-01-01", "has_text": false}}"#
        let outcome = try ustrack.run("import", try write([fresh, reused], to: "reused.ndjson"))
        XCTAssertEqual(outcome.status, 2, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(
            "line 2: event id \(stored) is stored in stream portfolio-union-state as another event: "
                + "this one has another stream (source-t), type and data"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("Nothing was imported."), outcome.stderr)
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM store.events").int(0, 0), before)
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM store.streams WHERE name LIKE 'source-%'").int(0, 0), 0)
    }
}
