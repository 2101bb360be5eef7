import ChildProcess
import Foundation
import Postgres
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

    // MARK: messages that say what happened

    func testAConnectionStringThatCannotBeParsedIsBadInputAndHidesThePassword() throws {
        var ustrack = UstrackBinary(database: nil)
        ustrack.environment["DATABASE_URL"] = nil
        let flag = try ustrack.run("db", "status", "--database-url", "postgresql://clerk:PASSWORD%zz@127.0.0.1:1/ustrack")
        XCTAssertEqual(flag.status, 2, flag.stderr)
        XCTAssertTrue(flag.stderr.contains("connection string"), flag.stderr)
        XCTAssertTrue(flag.stderr.contains("invalid percent-encoded token"), "says why: \(flag.stderr)")
        XCTAssertTrue(flag.stderr.contains("--database-url"), flag.stderr)
        XCTAssertFalse(flag.stderr.contains("PASSWORD"), flag.stderr)
        XCTAssertFalse(flag.stderr.contains("socket"), "names no socket it never tried: \(flag.stderr)")
        XCTAssertFalse(flag.stderr.contains("cannot reach"), flag.stderr)

        ustrack.environment["DATABASE_URL"] = "host=/tmp password='never closed"
        let environment = try ustrack.run("status")
        XCTAssertEqual(environment.status, 2, environment.stderr)
        XCTAssertTrue(environment.stderr.contains("DATABASE_URL"), environment.stderr)
        XCTAssertFalse(environment.stderr.contains("never closed"), environment.stderr)
    }

    func testLibpqMessagesThatQuoteThePasswordAreRedacted() {
        XCTAssertEqual(Redaction.redact(#"invalid percent-encoded token: "PASSWORD%zz""#),
                       #"invalid percent-encoded token: "***""#)
        XCTAssertEqual(Redaction.redact(#"forbidden value %00 in percent-encoded value: "PA%00SS""#),
                       #"forbidden value %00 in percent-encoded value: "***""#)
        XCTAssertEqual(Redaction.redact("host=db password=se-cret user=x"), "host=db password=*** user=x")
        XCTAssertEqual(Redaction.redact("host=db password = 'se cret' user=x"), "host=db password = *** user=x")
        XCTAssertEqual(Redaction.redact("postgresql://u:se-cret@db/x?sslmode=require"), "postgresql://u:***@db/x?sslmode=require")
        XCTAssertEqual(Redaction.redact("postgresql://db/x?password=se-cret&sslmode=require"),
                       "postgresql://db/x?password=***&sslmode=require")
    }

    /// A login whose password is wrong: authentication failed, for that user, and how to give one.
    func testAWrongPasswordSaysAuthenticationFailed() throws {
        guard let bin = ProcessInfo.processInfo.environment["USTRACK_TEST_PGBIN"] else {
            throw XCTSkip("needs USTRACK_TEST_PGBIN, which scripts/test sets")
        }
        let home = URL(fileURLWithPath: "/tmp/ustrack-password-\(UUID().uuidString.prefix(8).lowercased())")
        defer { _ = try? ChildProcess.run("/bin/rm", ["-rf", home.path]) }
        var embedded = UstrackBinary(database: nil, home: home.path)
        for name in ["DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE", "PGUSER"] {
            embedded.environment[name] = nil
        }
        defer { _ = try? embedded.run("db", "stop") }
        XCTAssertEqual(try embedded.run("db", "start").status, 0)
        // A second login with a password, let in by password only.
        let owner = geteuid() == 0 ? "postgres" : NSUserName()
        let hba = home.appending(path: "pgdata/pg_hba.conf")
        let rules = try String(contentsOf: hba, encoding: .utf8)
        let handle = try FileHandle(forWritingTo: hba)
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(("local all clerk scram-sha-256\n" + rules).utf8))
        try handle.close()
        let psql = try ChildProcess.run("\(bin)/psql", [
            "host=\(home.path)/run port=5432 dbname=ustrack user=\(owner)", "-v", "ON_ERROR_STOP=1",
            "-c", "CREATE ROLE clerk LOGIN PASSWORD 'the-right-one'", "-c", "SELECT pg_reload_conf()",
        ], mergeOutput: true)
        XCTAssertEqual(psql.status, 0, psql.stdout)

        var ustrack = UstrackBinary(database: nil)
        ustrack.environment["DATABASE_URL"] = nil
        let url = "postgresql://clerk:Wrong-Secret@/ustrack?host=\(home.path)/run"
        let outcome = try ustrack.run("db", "status", "--database-url", url)
        XCTAssertEqual(outcome.status, 4, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("authentication failed for user \"clerk\""), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("PGPASSFILE") && outcome.stderr.contains("DATABASE_URL"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("cannot reach"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("Wrong-Secret"), outcome.stderr)
    }

    /// A full disk is not an unreachable server. A trigger raising SQLSTATE 53100 stands in for
    /// it: filling a real disk is not something a test can do safely on a shared machine.
    func testAFullDiskIsExitOneAndNothingIsWritten() throws {
        let (database, connection) = try databaseWhoseAppendsRun("""
            RAISE EXCEPTION 'could not extend file "base/1/2": No space left on device' USING ERRCODE = 'disk_full';
            """)
        let ustrack = UstrackBinary(database: database)
        let outcome = try ustrack.run("portfolio", "define", "full-disk", "--title", "A full disk")
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("out of disk space"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("nothing was written"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("cannot reach"), outcome.stderr)
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM store.events").int(0, 0), 0)
    }

    /// The server going away in the middle of a command: the connection was lost, exit 4.
    func testAServerLostMidCommandSaysTheConnectionWasLost() throws {
        let (database, _) = try databaseWhoseAppendsRun("""
            PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); RETURN NEW;
            """)
        let ustrack = UstrackBinary(database: database)
        let outcome = try ustrack.run("portfolio", "define", "crash", "--title", "A crash")
        XCTAssertEqual(outcome.status, 4, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("lost the connection"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("at from"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("(from DATABASE_URL) (from DATABASE_URL)"), outcome.stderr)
    }

    /// A test database whose event inserts run `body` first (a trigger): a fault on the server's side.
    private func databaseWhoseAppendsRun(_ body: String) throws -> (String, Connection) {
        let database = try TestDatabase.create(name)
        let connection = try Connection.connect(database)
        try connection.executeScript("""
            CREATE FUNCTION public.fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \(body) END $$;
            CREATE TRIGGER fault BEFORE INSERT ON store.events FOR EACH ROW EXECUTE FUNCTION public.fault();
            """)
        return (database, connection)
    }
}
