import ChildProcess
import Foundation
import Migrations
import Postgres

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

/// Runs `body` on `count` threads of their own (not Swift's cooperative pool) and waits for all.
public func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let results = Locked<[Int: Result<T, Error>]>([:])
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            let outcome = Result { try body(index) }
            results.withLock { $0[index] = outcome }
            group.leave()
        }
        thread.start()
    }
    group.wait()
    return try (0..<count).map { index in try results.withLock { $0[index]! }.get() }
}

/// A value behind a lock, for tests that share state between threads.
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Lets threads wait until all of them have arrived, to make them race on purpose.
public final class Barrier: @unchecked Sendable {
    // @unchecked: `waiting` is only touched while holding `condition`.
    private let condition = NSCondition()
    private let parties: Int
    private var waiting = 0

    public init(parties: Int) { self.parties = parties }

    public func arriveAndWait() {
        condition.lock()
        waiting += 1
        if waiting >= parties { condition.broadcast() }
        while waiting < parties { condition.wait() }
        condition.unlock()
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
