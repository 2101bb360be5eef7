import ChildProcess
import Foundation
import Postgres
import TestSupport
import XCTest

/// A log backed up with pg_dump and restored with pg_restore into a second cluster whose
/// transaction counter is lower: the whole log is read, in order, and neither a new event nor a
/// checkpoint carried over skips anything.
final class RestoreTests: XCTestCase {
    private var folder: URL!
    private var pgbin: String!
    private let owner = ProcessInfo.processInfo.environment["PGUSER"] ?? NSUserName()
    private var isRoot: Bool { getuid() == 0 }

    override func setUpWithError() throws {
        guard let bin = ProcessInfo.processInfo.environment["USTRACK_TEST_PGBIN"] else {
            throw XCTSkip("needs USTRACK_TEST_PGBIN, which scripts/test sets")
        }
        pgbin = bin
        folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-restore-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let folder, FileManager.default.fileExists(atPath: folder.appending(path: "data/postmaster.pid").path) {
            _ = try? asOwner("pg_ctl", ["-D", folder.appending(path: "data").path, "-m", "immediate", "stop"])
        }
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// Server commands run as the cluster's owner: `postgres` when the tests run as root.
    @discardableResult
    private func asOwner(_ tool: String, _ arguments: [String]) throws -> ChildProcess.Outcome {
        let outcome = isRoot
            ? try ChildProcess.run("/usr/sbin/runuser", ["-u", "postgres", "--", "\(pgbin!)/\(tool)"] + arguments)
            : try ChildProcess.run("\(pgbin!)/\(tool)", arguments)
        XCTAssertEqual(outcome.status, 0, "\(tool) \(arguments): \(outcome.stderr)")
        return outcome
    }

    @discardableResult
    private func client(_ tool: String, _ arguments: [String]) throws -> ChildProcess.Outcome {
        let outcome = try ChildProcess.run("\(pgbin!)/\(tool)", arguments)
        XCTAssertEqual(outcome.status, 0, "\(tool) \(arguments): \(outcome.stderr)")
        return outcome
    }

    /// A fresh cluster on a socket of its own; returns the socket folder.
    private func startSecondCluster() throws -> String {
        let data = folder.appending(path: "data").path
        let socket = folder.appending(path: "socket").path
        try FileManager.default.createDirectory(atPath: socket, withIntermediateDirectories: true)
        if isRoot {
            for path in [folder.path, socket] { try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: path) }
        }
        try asOwner("initdb", ["-D", data, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"])
        try asOwner("pg_ctl", ["-D", data, "-l", folder.appending(path: "server.log").path, "-w",
                               "-o", "-c listen_addresses='' -k \(socket) -c fsync=off", "start"])
        return socket
    }

    private func tables(_ connection: Connection) throws -> [String] {
        try ["claims", "timeline", "programmes", "sources"].flatMap { table in
            try connection.execute("SELECT '\(table) ' || t::text FROM projection.\(table) t ORDER BY 1").column().compactMap { $0 }
        }
    }

    func testALogRestoredIntoAClusterWithALowerCounterIsReadWholeAndInOrder() throws {
        // The log, in the test cluster, whose counter is pushed well past a fresh cluster's.
        let source = try TestDatabase.create(name)
        let original = try Connection.connect(source)
        for _ in 0..<3000 { try original.execute("SELECT pg_current_xact_id()") }
        let lines = [
            #"{"command": "portfolio define", "id": "p", "title": "P"}"#,
            #"{"command": "programme add", "id": "prog", "portfolio": "p", "title": "Prog"}"#,
            #"{"command": "source add", "id": "s", "title": "S", "published-on": "2023-01-19"}"#,
            #"{"command": "progress", "scope": "prog", "wording": "40 percent", "as-of": "2023-01-19", "source": "s"}"#,
        ]
        let file = folder.appending(path: "log.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try UstrackBinary(database: source).run("import", file.path).status, 0)
        let dump = folder.appending(path: "log.dump").path
        try client("pg_dump", ["-Fc", "-f", dump, "-d", source.replacingOccurrences(of: "dbname=", with: "")])

        // A second cluster, its roles made as `ustrack db migrate` would, and the restore.
        let socket = try startSecondCluster()
        try client("psql", ["-h", socket, "-U", owner, "-d", "postgres", "-q",
                            "-c", "CREATE ROLE ustrack_reader NOLOGIN; CREATE ROLE ustrack_writer NOLOGIN",
                            "-c", "CREATE DATABASE restored"])
        try client("pg_restore", ["-h", socket, "-U", owner, "-d", "restored", dump])
        let url = "postgresql://\(owner)@/restored?host=\(socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        let restored = UstrackBinary(database: url)
        let connection = try Connection.connect(url)
        XCTAssertLessThan(try connection.execute("SELECT pg_current_xact_id()::text::bigint").int64(0, 0)!,
                          try connection.execute("SELECT max(tx)::text::bigint FROM store.events").int64(0, 0)!,
                          "the second cluster's counter starts below the restored ids")

        // The first command moves the counter on and says so; the restored claim is there.
        let first = try restored.run("status", "prog", "--format", "json")
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("restored from another cluster"), first.stderr)
        XCTAssertTrue(first.stdout.contains("\"40 percent\""), first.stdout)

        // A new claim is read after the restored events, and the checkpoint carried over sees it.
        XCTAssertEqual(try restored.run("progress", "prog", "50 percent", "--as-of", "2023-01-19", "--source", "s").status, 0)
        let now = try restored.run("status", "prog", "--format", "json")
        XCTAssertFalse(now.stderr.contains("restored from another cluster"), "once is enough: \(now.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(now.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(rows.first?["claims"] as? Int, 2, now.stdout)
        XCTAssertEqual((rows.first?["last_claim"] as? [String: Any])?["wording"] as? String, "50 percent", now.stdout)

        // Every event, restored ones first, through the gap-safe read SQL clients use.
        let followed = try connection.execute("SELECT type FROM reporting.events_after('0', 0, 1000)").column().compactMap { $0 }
        XCTAssertEqual(followed, ["PortfolioDefined", "ProgrammeAdded", "SourceAdded", "ProgressClaimed", "ProgressClaimed"])

        // And a rebuild from the whole log gives the tables catch-up keeps.
        let caughtUp = try tables(connection)
        let rebuild = try restored.run("projections", "rebuild")
        XCTAssertEqual(rebuild.status, 0, rebuild.stderr)
        XCTAssertEqual(try tables(connection), caughtUp)
    }
}
