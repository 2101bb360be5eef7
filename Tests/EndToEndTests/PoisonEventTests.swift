import Foundation
import Postgres
import TestSupport
import XCTest

/// An event the binary cannot read, appended by a writer login through `store.append` as any
/// such login can: the projections stop there and say so, every command still does what it can,
/// and `ustrack retract` of that event is the recorded way past it.
final class PoisonEventTests: XCTestCase {
    private var conninfo: String!
    private var ustrack: UstrackBinary!
    private var connection: Connection!

    override func setUpWithError() throws {
        conninfo = try TestDatabase.create(name)
        ustrack = UstrackBinary(database: conninfo)
        connection = try Connection.connect(conninfo)
    }

    func testAProgressClaimWithABadPayloadStopsTheProjectionsUntilItIsRetracted() throws {
        try checkPoisonEvent(type: "ProgressClaimed", data: #"{"scope":"prog"}"#)
    }

    func testAnEventOfUnknownTypeStopsTheProjectionsUntilItIsRetracted() throws {
        try checkPoisonEvent(type: "ProgrammeTeleported", data: #"{"id":"prog"}"#)
    }

    @discardableResult
    private func run(_ arguments: String..., status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line)
        throws -> (stdout: String, stderr: String) {
        let outcome = try ustrack.run(arguments)
        XCTAssertEqual(outcome.status, status, "\(arguments): \(outcome.stdout) \(outcome.stderr)", file: file, line: line)
        return (outcome.stdout, outcome.stderr)
    }

    /// Appends the event as a login in ustrack_writer would, with the SQL function itself.
    private func appendAsWriter(stream: String, type: String, data: String) throws -> (id: String, position: Int64) {
        try connection.execute("""
            DO $$ BEGIN CREATE ROLE poison_writer LOGIN IN ROLE ustrack_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$
            """)
        let writer = try Connection.connect("\(conninfo!) user=poison_writer")
        let id = UUID().uuidString.lowercased()
        let result = try writer.execute("""
            SELECT event_id::text, position FROM store.append($1, NULL, ARRAY[$2::uuid], ARRAY[$3::text], ARRAY[$4::jsonb])
            """, [stream, id, type, data])
        XCTAssertEqual(result.string(0, 0), id)
        return (id, result.int64(0, 1)!)
    }

    /// Every reporting view and projection table, each row as text, sorted.
    private func snapshot() throws -> [String: [String]] {
        var tables: [String: [String]] = [:]
        for schema in ["reporting", "projection"] {
            let names = try connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema).column().compactMap { $0 }
            for name in names {
                tables["\(schema).\(name)"] = try connection.execute("SELECT t::text FROM \(schema).\(name) t ORDER BY 1")
                    .column().map { $0 ?? "" }
            }
        }
        return tables
    }

    private func eventCount() throws -> Int {
        try connection.execute("SELECT count(*) FROM store.events").int(0, 0)!
    }

    private func checkPoisonEvent(type: String, data: String) throws {
        try run("portfolio", "define", "p", "--title", "P", "--programmes", "2")
        try run("source", "add", "s", "--title", "S", "--published-on", "2023-05-17")
        try run("source", "add", "later", "--title", "Later", "--published-on", "2023-06-30")
        try run("programme", "add", "prog", "--portfolio", "p", "--title", "Prog")
        try run("programme", "add", "other", "--portfolio", "p", "--title", "Other")
        try run("progress", "prog", "40 percent", "--as-of", "2023-05-17", "--source", "s")
        let (id, position) = try appendAsWriter(stream: "programme-prog", type: type, data: data)
        let fix = "ustrack retract \(id) --reason"
        func assertNamesTheStop(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
            for part in ["position \(position)", "programme-prog", type, id, fix] {
                XCTAssertTrue(text.contains(part), "\(part): \(text)", file: file, line: line)
            }
        }

        // Reading: answers from what the projections hold, and warns.
        let status = try run("status")
        XCTAssertTrue(status.stdout.contains("prog") && status.stdout.contains("40 percent"), status.stdout)
        assertNamesTheStop(status.stderr)

        // Another programme's claim is recorded; the catch-up after it stops, which it says.
        let before = try eventCount()
        let other = try run("progress", "other", "30 percent", "--as-of", "2023-05-17", "--source", "s")
        XCTAssertTrue(other.stdout.contains("recorded ProgressClaimed in programme-other"), other.stdout)
        assertNamesTheStop(other.stderr)
        XCTAssertEqual(try eventCount(), before + 1)
        XCTAssertFalse(try run("status").stdout.contains("30 percent"), "not projected while stopped")

        // A rebuild stops at it, with what to run.
        assertNamesTheStop(try run("projections", "rebuild", status: 1).stderr)

        // A command that must decide on the stream holding it refuses, and says what to run.
        let refused = try run("progress", "prog", "50 percent", "--as-of", "2023-05-17", "--source", "s", status: 1)
        XCTAssertTrue(refused.stderr.contains(fix) && refused.stderr.contains("position \(position)"), refused.stderr)
        XCTAssertEqual(try eventCount(), before + 1, "nothing written")

        // The way past it: a recorded retraction.
        let retracted = try run("retract", id, "--reason", "written outside ustrack; unreadable")
        XCTAssertTrue(retracted.stdout.contains("recorded EventRetracted in programme-prog"), retracted.stdout)
        XCTAssertFalse(retracted.stderr.contains("stopped"), retracted.stderr)
        XCTAssertEqual(try connection.execute("""
            SELECT data ->> 'target_type' FROM store.events WHERE type = 'EventRetracted' AND data ->> 'event_id' = $1
            """, id).string(0, 0), type)
        XCTAssertEqual(try run("retract", id, "--reason", "again", status: 2).stderr.contains("already retracted"), true)

        // Then everything works again, with no warning.
        let after = try run("status")
        XCTAssertTrue(after.stdout.contains("30 percent"), after.stdout)
        XCTAssertFalse(after.stderr.contains("stopped"), after.stderr)
        let claim = try run("progress", "prog", "50 percent", "--as-of", "2023-06-01", "--source", "later")
        XCTAssertTrue(claim.stdout.contains("recorded ProgressClaimed in programme-prog"), claim.stdout)
        XCTAssertFalse(claim.stderr.contains("stopped"), claim.stderr)
        XCTAssertTrue(try run("status", "prog").stdout.contains("50 percent"))
        let lags = try run("projections", "status", "--format", "json").stdout
        let rows = try JSONSerialization.jsonObject(with: Data(lags.utf8)) as! [[String: Any]]
        XCTAssertEqual(rows.map { $0["lag"] as? Int }, [0, 0], lags)

        let caughtUp = try snapshot()
        let rebuilt = try run("projections", "rebuild")
        XCTAssertFalse(rebuilt.stderr.contains("stopped"), rebuilt.stderr)
        XCTAssertEqual(try snapshot(), caughtUp, "catch-up and rebuild give the same tables")
    }
}
