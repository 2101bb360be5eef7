import ChildProcess
import Foundation
import Migrations
import Postgres
// The thread helpers need no server; tests that need one get both with one import.
@_exported import TestThreads

/// Fresh databases on the throwaway server `scripts/test` starts (found through libpq's
/// PGHOST/PGPORT/PGUSER), one per test, so tests never see each other's events.
public enum TestDatabase {
    /// Creates and migrates a new database; returns a conninfo string that reaches it.
    public static func create(_ label: String = #function, migrate: Bool = true) throws -> String {
        let slug = label.lowercased().unicodeScalars
            .map { CharacterSet.alphanumerics.contains($0) ? String($0) : "_" }.joined().prefix(30)
        let name = "t_\(slug)_\(UUID().uuidString.prefix(8).lowercased())"
        let admin: Connection
        do {
            admin = try Connection.connect("dbname=postgres")
        } catch let error as PostgresError where error.isConnectionProblem {
            throw SetupError("""
                the tests need a PostgreSQL server: run them with scripts/test, which starts one \
                (or point PGHOST/PGPORT/PGUSER at a server you may create databases on). \(error)
                """)
        }
        try admin.execute("CREATE DATABASE \(try admin.quoteIdentifier(name))")
        let conninfo = "dbname=\(name)"
        if migrate {
            try Migrator.migrate(try Connection.connect(conninfo))
        }
        return conninfo
    }

    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

/// The throwaway server scripts/test started.
public enum TestCluster {
    /// Restarts it (fast shutdown), as an operator would; every connection is cut.
    public static func restart() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let data = environment["USTRACK_TEST_PGDATA"], let bin = environment["USTRACK_TEST_PGBIN"] else {
            throw TestDatabase.SetupError("restarting the server needs USTRACK_TEST_PGDATA and USTRACK_TEST_PGBIN: run scripts/test")
        }
        // With a log file the new server does not hold our output pipe open.
        let log = URL(fileURLWithPath: data).deletingLastPathComponent().appending(path: "log/server.log").path
        let command = ["\(bin)/pg_ctl", "restart", "-D", data, "-m", "fast", "-w", "-l", log]
        let outcome = geteuid() == 0
            ? try ChildProcess.run("/usr/sbin/runuser", ["-u", "postgres", "--"] + command, mergeOutput: true)
            : try ChildProcess.run(command[0], Array(command.dropFirst()), mergeOutput: true)
        guard outcome.status == 0 else { throw TestDatabase.SetupError("pg_ctl restart failed: \(outcome.stdout)") }
    }
}
