import Foundation
import Postgres
import TestSupport
import XCTest

/// An import keeps only a hash of each decided event's content: a line that repeats a fact
/// under another command id is told by reading the original back, whether it was decided in
/// the same chunk, in an earlier part of the import, or by an earlier command. XCTest, as
/// LargeImportTests: its long transaction must not overlap other tests' reads.
final class ImportRepeatTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-repeat-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func write(_ lines: [String], to name: String) throws -> String {
        let url = folder.appending(path: name)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func claim(_ note: String, commandId: UUID = UUID()) -> String {
        #"{"command": "progress", "scope": "customs", "wording": "40%", "as-of": "2023-01-19", "source": "mfa", "note": "\#(note)", "command-id": "\#(commandId.uuidString)"}"#
    }

    func testAFactGivenAgainUnderAnotherCommandIdIsARepeatNearOrFarUntilItIsRetracted() throws {
        let database = try TestDatabase.create("import_repeat")
        let ustrack = UstrackBinary(database: database)
        let connection = try Connection.connect(database)
        func claims(_ note: String) throws -> Int {
            try connection.execute("SELECT count(*) FROM store.events WHERE type = 'ProgressClaimed' AND data ->> 'note' = $1", note).int(0, 0)!
        }
        let setup = [
            #"{"command": "portfolio define", "id": "union-state", "title": "Union State"}"#,
            #"{"command": "source add", "id": "mfa", "title": "Statement", "published-on": "2023-05-17"}"#,
            #"{"command": "programme add", "id": "customs", "portfolio": "union-state", "title": "Customs"}"#,
        ]
        // The same fact three times: twice in the first chunk, once more after a part went into the log.
        let filler = (0..<2100).map { claim("filler \($0)") }
        let lines = setup + [claim("repeated"), claim("repeated")] + filler + [claim("repeated")]
        let first = try ustrack.run("import", try write(lines, to: "first.ndjson"), "--format", "json")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("\"events\" : \(3 + 1 + 2100)"), first.stdout)
        XCTAssertTrue(first.stdout.contains("\"already_imported\" : 2"), first.stdout)
        XCTAssertEqual(try claims("repeated"), 1)

        // Against the stored log: still a repeat; retracted, the same fact is new.
        let again = try ustrack.run("import", try write([claim("repeated")], to: "again.ndjson"), "--format", "json")
        XCTAssertTrue(again.stdout.contains("\"already_imported\" : 1"), again.stdout)
        let id = try XCTUnwrap(try connection.execute(
            "SELECT event_id::text FROM store.events WHERE type = 'ProgressClaimed' AND data ->> 'note' = 'repeated'").string(0, 0))
        XCTAssertEqual(try ustrack.run("retract", id, "--reason", "wrong source").status, 0)
        let anew = try ustrack.run("import", try write([claim("repeated"), claim("repeated")], to: "anew.ndjson"), "--format", "json")
        XCTAssertEqual(anew.status, 0, anew.stderr)
        XCTAssertTrue(anew.stdout.contains("\"events\" : 1"), anew.stdout)
        XCTAssertTrue(anew.stdout.contains("\"already_imported\" : 1"), anew.stdout)
        XCTAssertEqual(try claims("repeated"), 2)
    }
}
