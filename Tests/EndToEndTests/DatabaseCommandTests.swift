import Foundation
import TestSupport
import XCTest

final class DatabaseCommandTests: XCTestCase {
    func testMigrateIsIdempotentAndStatusReportsTheSchema() throws {
        let ustrack = UstrackBinary(database: try TestDatabase.create(name, migrate: false))
        let first = try ustrack.run("db", "migrate")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("applied 0001 event_store"), first.stdout)
        let second = try ustrack.run("db", "migrate")
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("schema is up to date"), second.stdout)
        XCTAssertFalse(second.stdout.contains("applied"), second.stdout)

        let status = try ustrack.run("db", "status", "--format", "json")
        XCTAssertEqual(status.status, 0, status.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["events"] as? Int, 0)
        XCTAssertEqual(json["schema_version"] as? Int, json["latest_schema_version"] as? Int)
        XCTAssertTrue((json["server_version"] as? String ?? "").hasPrefix("1"), "\(json)")
    }

    func testUnreachableServerExitsWithFourAndSaysWhereItLookedWithoutThePassword() throws {
        let ustrack = UstrackBinary(database: "postgresql://alice:hunter2-secret@127.0.0.1:1/ustrack?connect_timeout=3")
        let outcome = try ustrack.run("db", "status")
        XCTAssertEqual(outcome.status, 4)
        XCTAssertTrue(outcome.stderr.contains("127.0.0.1"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("port 1"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("--database-url"), "says how to point elsewhere: \(outcome.stderr)")
        XCTAssertFalse(outcome.stderr.contains("hunter2-secret"))

        var viaSocket = UstrackBinary(database: nil)
        viaSocket.environment["PGHOST"] = "/nonexistent/socket-dir"
        viaSocket.environment["DATABASE_URL"] = nil
        let socket = try viaSocket.run("db", "status")
        XCTAssertEqual(socket.status, 4)
        XCTAssertTrue(socket.stderr.contains("/nonexistent/socket-dir/.s.PGSQL"), socket.stderr)
        XCTAssertTrue(socket.stderr.contains("from PGHOST"), socket.stderr)
    }

    func testUsageErrorsExitWithTwo() throws {
        let ustrack = UstrackBinary(database: try TestDatabase.create(name))
        let unknown = try ustrack.run("db", "frobnicate")
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("frobnicate"), unknown.stderr)
        let format = try ustrack.run("db", "status", "--format", "xml")
        XCTAssertEqual(format.status, 2)
        XCTAssertTrue(format.stderr.contains("table") && format.stderr.contains("json"), format.stderr)
        XCTAssertEqual(try ustrack.run("--help").status, 0)
    }

    /// The embedded default: created, started and stopped under $USTRACK_HOME, socket only.
    func testEmbeddedDatabaseStartsOnFirstUseAndStops() throws {
        let home = FileManager.default.temporaryDirectory.appending(path: "ustrack-home-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: home) }
        var ustrack = UstrackBinary(database: nil, home: home.path)
        for name in ["DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGSERVICE", "PGHOSTADDR"] {
            ustrack.environment[name] = nil
        }
        defer { _ = try? ustrack.run("db", "stop") }

        let status = try ustrack.run("db", "status", "--format", "json")
        XCTAssertEqual(status.status, 0, status.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        XCTAssertTrue((json["database"] as? String ?? "").contains(home.path), "\(json)")
        XCTAssertEqual(json["schema_version"] as? Int, json["latest_schema_version"] as? Int, "migrated on first use")
        let conf = try String(contentsOf: home.appending(path: "pgdata/postgresql.conf"), encoding: .utf8)
        XCTAssertTrue(conf.contains("listen_addresses = ''"), "Unix socket only")

        let stop = try ustrack.run("db", "stop")
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertTrue(stop.stdout.contains("stopped"), stop.stdout)
        XCTAssertTrue(try ustrack.run("db", "stop").stdout.contains("not running"))
        let start = try ustrack.run("db", "start")
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertTrue(start.stdout.contains("started PostgreSQL"), start.stdout)
    }
}
