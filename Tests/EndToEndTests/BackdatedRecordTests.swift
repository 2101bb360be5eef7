import Foundation
import Postgres
import TestSupport
import XCTest

/// Lines imported with an earlier recording time (a restored export, or `"recorded-at"`) after
/// today's events: `--known-at` answers exactly what the recording times say, and catch-up
/// equals a rebuild.
final class BackdatedRecordTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-backdated-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func write(_ lines: [String]) throws -> String {
        let url = folder.appending(path: "\(UUID().uuidString.prefix(8)).ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func status(_ ustrack: UstrackBinary, _ arguments: String...) throws -> [[String: Any]] {
        let outcome = try ustrack.run(["status", "prog"] + arguments + ["--format", "json"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        return try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [[String: Any]] ?? []
    }

    private func tables(_ conninfo: String) throws -> [String] {
        let connection = try Connection.connect(conninfo)
        return try ["timeline", "contradictions", "claims"].flatMap { table in
            try connection.execute("SELECT '\(table) ' || t::text FROM projection.\(table) t ORDER BY 1").column().compactMap { $0 }
        }
    }

    func testAClaimImportedWithAnEarlierRecordingTimeIsKnownFromThatTimeOnly() throws {
        let conninfo = try TestDatabase.create(name)
        let ustrack = UstrackBinary(database: conninfo)
        // Today's record: a programme and a claim of 99 percent.
        XCTAssertEqual(try ustrack.run("import", try write([
            #"{"command": "portfolio define", "id": "p", "title": "P", "recorded-at": "2019-06-01T00:00:00Z"}"#,
            #"{"command": "programme add", "id": "prog", "portfolio": "p", "title": "Prog", "recorded-at": "2019-06-01T00:00:00Z"}"#,
            #"{"command": "source add", "id": "s", "title": "S", "published-on": "2019-12-01", "recorded-at": "2019-12-02T00:00:00Z"}"#,
        ])).status, 0)
        XCTAssertEqual(try ustrack.run("progress", "prog", "99 percent", "--as-of", "2019-12-01", "--source", "s").status, 0)

        // Then an exported event from an older log, recorded on 2020-01-01, and a register's line of 2020-06-01.
        let event = #"{"stream": "programme-prog", "event_id": "6f1d8c2e-3b0a-4c5d-9e8f-7a6b5c4d3e2f", "type": "ProgressClaimed", "recorded_at": "2020-01-01T00:00:00Z", "data": {"scope": "prog", "scope_kind": "programme", "wording": "10 percent", "lo": 10, "hi": 10, "lo_inclusive": true, "hi_inclusive": true, "unit": "measures", "as_of": "2019-11-01", "source": "s"}}"#
        let imported = try ustrack.run("import", try write([event]))
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let line = #"{"command": "progress", "scope": "prog", "wording": "20 percent", "as-of": "2019-11-15", "source": "s", "recorded-at": "2020-06-01T00:00:00Z"}"#
        XCTAssertEqual(try ustrack.run("import", try write([line])).status, 0)

        let early = try status(ustrack, "--known-at", "2020-03-01")
        XCTAssertEqual(early.count, 1)
        XCTAssertEqual(early.first?["claims"] as? Int, 1, "\(early)")
        XCTAssertEqual(early.first?["estimate_lo"] as? Double, 10, "\(early)")
        XCTAssertEqual(early.first?["disputed"] as? Bool, false, "\(early)")
        let later = try status(ustrack, "--known-at", "2021-01-01")
        XCTAssertEqual(later.first?["claims"] as? Int, 2, "\(later)")
        XCTAssertEqual(later.first?["estimate_lo"] as? Double, 20, "\(later)")
        XCTAssertTrue(try status(ustrack, "--known-at", "2019-12-31").isEmpty, "nothing was known of prog's progress then")
        let now = try status(ustrack)
        XCTAssertEqual(now.first?["claims"] as? Int, 3, "\(now)")
        XCTAssertEqual(now.first?["estimate_lo"] as? Double, 99, "\(now)")

        // No timeline row is known to before it is known from.
        let backwards = try Connection.connect(conninfo).execute(
            "SELECT count(*) FROM projection.timeline WHERE known_to IS NOT NULL AND known_to <= known_from").int(0, 0)
        XCTAssertEqual(backwards, 0)
        let caughtUp = try tables(conninfo)
        XCTAssertEqual(try ustrack.run("projections", "rebuild").status, 0)
        XCTAssertEqual(try tables(conninfo), caughtUp, "catch-up and rebuild give the same tables")
    }
}
