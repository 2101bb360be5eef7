import Foundation
import Postgres
import TestSupport
import XCTest

/// An import larger than one chunk: its events are staged part by part, yet it stays one
/// all-or-nothing, idempotent write, and commands see what earlier parts staged. XCTest, not
/// Swift Testing: XCTest cases run one at a time, and this import's long transaction would hold
/// back what concurrent tests in other databases of the cluster can read (reads wait for the
/// oldest open transaction, DESIGN.md §2).
final class LargeImportTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-large-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func write(_ lines: [String], to name: String) throws -> String {
        let url = folder.appending(path: name)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// An exported log (event lines) first, then claims on the programme those lines add, then
    /// a retraction of an exported claim: commands decide on events staged in earlier parts.
    func lines(claims: Int) throws -> (lines: [String], retracted: String) {
        let origin = try TestDatabase.create("large_origin")
        let ustrack = UstrackBinary(database: origin)
        let setup = [
            #"{"command": "portfolio define", "id": "union-state", "title": "Union State"}"#,
            #"{"command": "source add", "id": "mfa", "title": "Statement", "published-on": "2023-05-17"}"#,
            #"{"command": "programme add", "id": "customs", "portfolio": "union-state", "title": "Customs", "measures": 12}"#,
            #"{"command": "progress", "scope": "customs", "wording": "40%", "as-of": "2023-01-19", "source": "mfa"}"#,
        ]
        XCTAssertTrue(try ustrack.run("import", try write(setup, to: "setup.ndjson")).status == 0)
        let exported = try ustrack.run("export")
        let retracted = try XCTUnwrap(try Connection.connect(origin).execute(
            "SELECT event_id::text FROM store.events WHERE type = 'ProgressClaimed'").string(0, 0))
        var lines = exported.stdout.split(separator: "\n").map(String.init)
        // Claims over several programmes: each claim is checked against its scope's earlier ones.
        let scopes = ["customs"] + (1..<10).map { "p\($0)" }
        for scope in scopes.dropFirst() {
            lines.append(#"{"command": "programme add", "id": "\#(scope)", "portfolio": "union-state", "title": "\#(scope)"}"#)
        }
        for claim in 0..<claims {
            lines.append(#"{"command": "progress", "scope": "\#(scopes[claim % scopes.count])", "wording": "\#(claim % 90 + 1) percent", "as-of": "2023-05-17", "source": "mfa", "note": "claim \#(claim)"}"#)
        }
        lines.append(#"{"command": "retract", "event-id": "\#(retracted)", "reason": "superseded"}"#)
        return (lines, retracted)
    }

    func testALargeImportIsOneWriteThatCommandsOfLaterPartsSeeAndTheSameFileTwiceAddsNothing() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let (lines, retracted) = try lines(claims: 5200)
        let database = try TestDatabase.create("large_import")
        let ustrack = UstrackBinary(database: database)
        let connection = try Connection.connect(database)
        func count() throws -> Int { try connection.execute("SELECT count(*) FROM store.events").int(0, 0)! }

        // A bad last line leaves nothing, though earlier parts were staged.
        let bad = try ustrack.run("import", try write(lines + [#"{"command": "progress", "scope": "customs", "wording": "lots", "as-of": "2023-05-17", "source": "mfa"}"#], to: "bad.ndjson"))
        XCTAssertTrue(bad.status == 2, "\(bad.stderr)")
        XCTAssertTrue(bad.stderr.contains("line \(lines.count + 1):"), "\(bad.stderr)")
        XCTAssertTrue(bad.stderr.contains("Nothing was imported."), "\(bad.stderr)")
        XCTAssertTrue(try count() == 0)

        let file = try write(lines, to: "large.ndjson")
        let first = try ustrack.run("import", file, "--format", "json")
        XCTAssertTrue(first.status == 0, "\(first.stderr)")
        XCTAssertTrue(first.stdout.contains("\"events\" : \(4 + 9 + 5200 + 1)"), "\(first.stdout)")
        // Not a terminal: no progress bar.
        XCTAssertTrue(!first.stderr.contains("importing"), "\(first.stderr)")
        XCTAssertTrue(!first.stderr.contains("\r"), "\(first.stderr)")
        XCTAssertTrue(try count() == 4 + 9 + 5200 + 1)
        // Versions are gapless, in line order.
        XCTAssertTrue(try connection.execute("""
            SELECT count(*) FROM (SELECT version, row_number() OVER (PARTITION BY stream ORDER BY position) AS n
                                  FROM store.events) v WHERE version <> n
            """).int(0, 0) == 0)
        XCTAssertTrue(try connection.execute(
            "SELECT count(*) FROM store.events WHERE type = 'EventRetracted' AND data ->> 'event_id' = $1", retracted).int(0, 0) == 1)

        let again = try ustrack.run("import", file, "--format", "json")
        XCTAssertTrue(again.status == 0, "\(again.stderr)")
        XCTAssertTrue(again.stdout.contains("\"events\" : 0"), "\(again.stdout)")
        XCTAssertTrue(try count() == 4 + 9 + 5200 + 1)
    }

    func testAnEventIdGivenTwiceFarApartIsNamedWithItsFirstLine() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let (lines, _) = try lines(claims: 2100)
        let database = try TestDatabase.create("large_twice")
        let outcome = try UstrackBinary(database: database).run("import", try write(lines + [lines[1]], to: "twice.ndjson"))
        XCTAssertTrue(outcome.status == 2, "\(outcome.stderr)")
        XCTAssertTrue(outcome.stderr.contains("line \(lines.count + 1): event id"), "\(outcome.stderr)")
        XCTAssertTrue(outcome.stderr.contains("appears twice (first on line 2)"), "\(outcome.stderr)")
        XCTAssertTrue(try Connection.connect(database).execute("SELECT count(*) FROM store.events").int(0, 0) == 0)
    }

    /// Two imports that write the same two streams in opposite orders, chunk by chunk, lock
    /// each other's next stream: the server ends one with a deadlock, which is a lost race like
    /// any other, so that import starts again and both land whole.
    func testTwoImportsLockingStreamsInOppositeOrdersBothLand() throws {
        let conninfo = try TestDatabase.create(name)
        let ustrack = UstrackBinary(database: conninfo)
        func events(_ streams: [String]) -> [String] {
            streams.flatMap { stream in
                (0..<2500).map { n in
                    #"{"stream": "test-\#(stream)", "event_id": "\#(UUID().uuidString.lowercased())", "type": "Tick", "data": {"n": \#(n)}}"#
                }
            }
        }
        let forward = try write(events(["a", "b"]), to: "forward.ndjson")
        let backward = try write(events(["b", "a"]), to: "backward.ndjson")
        for _ in 0..<3 {
            let imports = [try ustrack.start("import", forward), try ustrack.start("import", backward)]
            for outcome in imports.map({ $0.wait() }) { XCTAssertEqual(outcome.status, 0, outcome.stderr) }
        }
        let connection = try Connection.connect(conninfo)
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM store.events").int(0, 0), 10_000)
        XCTAssertEqual(try connection.execute("SELECT string_agg(name || ':' || version, ' ' ORDER BY name) FROM store.streams").string(0, 0),
                       "test-a:5000 test-b:5000")
    }
}
