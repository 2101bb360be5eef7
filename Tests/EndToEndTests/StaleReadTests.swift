import ChildProcess
import Foundation
import Postgres
import TestSupport
import XCTest

/// Honest reads (DESIGN.md §2): when a command cannot see the whole log, or the projections lag
/// it, it still answers and exits 0, and says so on stderr with the numbers and the reason; a
/// wait for the projections' lock ends after USTRACK_LOCK_TIMEOUT and names who holds it.
final class StaleReadTests: XCTestCase {
    private var conninfo: String!
    private var ustrack: UstrackBinary!
    private var connection: Connection!

    override func setUpWithError() throws {
        conninfo = try TestDatabase.create(name)
        ustrack = UstrackBinary(database: conninfo)
        ustrack.environment["USTRACK_LOCK_TIMEOUT"] = "1"
        connection = try Connection.connect(conninfo)
    }

    private struct Run {
        let stdout: String
        let stderr: String
        let seconds: Double
    }

    @discardableResult
    private func run(_ arguments: String..., as binary: UstrackBinary? = nil, status: Int32 = 0, limit: Double = 30,
                     file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        try run(arguments, as: binary, status: status, limit: limit, file: file, line: line)
    }

    /// Runs the binary, killing it after `limit` seconds, so a wait that never ends fails the
    /// test instead of hanging the suite.
    @discardableResult
    private func run(_ arguments: [String], as binary: UstrackBinary? = nil, status: Int32 = 0, limit: Double = 30,
                     file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let binary = binary ?? ustrack!
        let started = Date()
        let running = try ChildProcess.spawn(binary.path, arguments, environment: binary.environment)
        let killed = Locked(false)
        let watchdog = DispatchWorkItem {
            killed.withLock { $0 = true }
            running.signal(SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: watchdog)
        let outcome = running.wait()
        watchdog.cancel()
        XCTAssertFalse(killed.withLock { $0 }, "\(arguments) still running after \(limit) s", file: file, line: line)
        XCTAssertEqual(outcome.status, status, "\(arguments): \(outcome.stdout) \(outcome.stderr)", file: file, line: line)
        return Run(stdout: outcome.stdout, stderr: outcome.stderr, seconds: Date().timeIntervalSince(started))
    }

    private func setUpProgramme() throws {
        try run("portfolio", "define", "p", "--title", "P", "--programmes", "1")
        try run("source", "add", "s", "--title", "S", "--published-on", "2023-06-30")
        try run("programme", "add", "prog", "--portfolio", "p", "--title", "Prog")
        let first = try run("progress", "prog", "40 percent", "--as-of", "2023-05-17", "--source", "s")
        XCTAssertEqual(first.stderr, "", "nothing lags")
    }

    func testATransactionHeldOpenElsewhereIsNamedAndItsEndLetsTheWriteThrough() throws {
        try setUpProgramme()
        let holder = try Connection.connect(conninfo)
        try holder.execute("SET application_name = 'held-open'")
        let pid = try holder.execute("SELECT pg_backend_pid()").int(0, 0)!
        try holder.execute("BEGIN")
        try holder.execute("SELECT pg_current_xact_id()")

        let recorded = try run("progress", "prog", "60 percent", "--as-of", "2023-06-01", "--source", "s")
        XCTAssertTrue(recorded.stdout.contains("ProgressClaimed"), recorded.stdout)
        for part in ["stored", "not in the projections yet", "pid \(pid)", "held-open", "idle in transaction"] {
            XCTAssertTrue(recorded.stderr.contains(part), "\(part): \(recorded.stderr)")
        }
        for arguments in [["status"], ["status", "prog"]] {
            let read = try run(arguments)
            for part in ["1 event ", "pid \(pid)", "held-open", "idle in transaction", "open "] {
                XCTAssertTrue(read.stderr.contains(part), "\(arguments) \(part): \(read.stderr)")
            }
            XCTAssertFalse(read.stdout.contains("[60, 60]"), "the write is not visible yet: \(read.stdout)")
        }
        // Another recording command, also behind the open transaction.
        let again = try run("progress", "prog", "65 percent", "--as-of", "2023-06-02", "--source", "s")
        XCTAssertTrue(again.stderr.contains("pid \(pid)"), again.stderr)
        XCTAssertTrue(try run("status", "prog").stderr.contains("2 events "))

        try holder.execute("ROLLBACK")
        let after = try run("status", "prog")
        XCTAssertEqual(after.stderr, "", "the fence has passed")
        XCTAssertTrue(after.stdout.contains("[65, 65]"), after.stdout)
    }

    /// A login in ustrack_reader may not catch the projections up: events appended after the
    /// last writer's catch-up are left out, and it says how many and where the projections stand.
    func testAReaderLoginWhoseProjectionsLagTheLogIsToldByHowMuch() throws {
        try setUpProgramme()
        try connection.execute("""
            DO $$ BEGIN CREATE ROLE stale_reader LOGIN IN ROLE ustrack_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$
            """)
        var reader = ustrack!
        reader.environment["DATABASE_URL"] = reader.environment["DATABASE_URL"]!.replacingOccurrences(
            of: #"^postgresql://[^@]*@"#, with: "postgresql://stale_reader@", options: .regularExpression)
        let checkpoint = try connection.execute(
            "SELECT min(position) FROM store.checkpoints WHERE name LIKE 'projection.%'").int64(0, 0)!
        XCTAssertEqual(try run("status", "prog", as: reader).stderr, "", "caught up: nothing to say")

        // Appended by the owner straight into the store: nobody catches the projections up.
        for lo in [70.0, 75.0] {
            try connection.execute("""
                SELECT * FROM store.append('programme-prog', NULL, ARRAY[gen_random_uuid()], ARRAY['ProgressClaimed'],
                    ARRAY[jsonb_build_object('scope', 'prog', 'scope_kind', 'programme', 'wording', $1::text, 'lo', $2::float8,
                          'hi', $2::float8, 'lo_inclusive', true, 'hi_inclusive', true, 'unit', 'measures',
                          'as_of', '2023-06-01', 'source', 's')])
                """, "\(Int(lo))%", lo)
        }
        for arguments in [["status", "prog"], ["status"], ["history", "prog"]] {
            let read = try run(arguments, as: reader)
            for part in ["2 events behind", "position \(checkpoint)", "may not update"] {
                XCTAssertTrue(read.stderr.contains(part), "\(arguments) \(part): \(read.stderr)")
            }
        }
        XCTAssertFalse(try run("status", "prog", as: reader).stdout.contains("[75, 75]"))

        // A writer's command catches them up; the reader then sees everything, silently.
        try run("status", "prog")
        let read = try run("status", "prog", as: reader)
        XCTAssertEqual(read.stderr, "")
        XCTAssertTrue(read.stdout.contains("[75, 75]"), read.stdout)
    }

    /// Another session holding the projections' lock in an open transaction: commands wait
    /// USTRACK_LOCK_TIMEOUT seconds, then go on, naming the holder; a rebuild cannot and exits 1.
    func testAWaitForTheProjectionsLockTimesOutAndNamesItsHolder() throws {
        try setUpProgramme()
        let holder = try Connection.connect(conninfo)
        try holder.execute("SET application_name = 'lock-holder'")
        let pid = try holder.execute("SELECT pg_backend_pid()").int(0, 0)!
        try holder.execute("BEGIN")
        try holder.execute("SELECT pg_advisory_xact_lock(hashtext('ustrack checkpoint:' || 'projection.catalog'))")

        let recorded = try run("progress", "prog", "60 percent", "--as-of", "2023-06-01", "--source", "s", limit: 20)
        XCTAssertLessThan(recorded.seconds, 8, "waited USTRACK_LOCK_TIMEOUT=1 s, not forever")
        XCTAssertTrue(recorded.stdout.contains("ProgressClaimed"), recorded.stdout)
        for part in ["stored", "not in the projections yet", "lock", "pid \(pid)", "lock-holder"] {
            XCTAssertTrue(recorded.stderr.contains(part), "\(part): \(recorded.stderr)")
        }
        let read = try run("status", "prog", limit: 20)
        XCTAssertLessThan(read.seconds, 8)
        for part in ["1 event behind", "lock", "pid \(pid)", "lock-holder"] {
            XCTAssertTrue(read.stderr.contains(part), "\(part): \(read.stderr)")
        }
        XCTAssertTrue(read.stdout.contains("[40, 40]"), "answers from the projections as they are: \(read.stdout)")

        let rebuild = try run("projections", "rebuild", status: 1, limit: 20)
        XCTAssertTrue(rebuild.stderr.contains("pid \(pid)"), rebuild.stderr)

        try holder.execute("COMMIT")
        let after = try run("status", "prog")
        XCTAssertEqual(after.stderr, "")
        XCTAssertTrue(after.stdout.contains("[60, 60]"), after.stdout)
    }

    /// A streaming standby (`pg_basebackup -R`) of a cluster of the test's own: its projections
    /// stand where the primary's catch-up left them, and a reading command there says how far
    /// that is behind the log it has replayed, and why.
    func testAReadOnlyStandbyWhoseProjectionsLagSaysSo() throws {
        guard let pgbin = ProcessInfo.processInfo.environment["USTRACK_TEST_PGBIN"] else {
            throw XCTSkip("needs USTRACK_TEST_PGBIN, which scripts/test sets")
        }
        let isRoot = getuid() == 0
        let owner = ProcessInfo.processInfo.environment["PGUSER"] ?? NSUserName()
        let folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-standby-\(UUID().uuidString.prefix(8))")
        @discardableResult
        func asOwner(_ tool: String, _ arguments: [String]) throws -> ChildProcess.Outcome {
            let outcome = isRoot
                ? try ChildProcess.run("/usr/sbin/runuser", ["-u", "postgres", "--", "\(pgbin)/\(tool)"] + arguments)
                : try ChildProcess.run("\(pgbin)/\(tool)", arguments)
            XCTAssertEqual(outcome.status, 0, "\(tool) \(arguments): \(outcome.stderr)")
            return outcome
        }
        let primary = folder.appending(path: "primary").path, standby = folder.appending(path: "standby").path
        let primarySocket = folder.appending(path: "primary-socket").path
        let standbySocket = folder.appending(path: "standby-socket").path
        try FileManager.default.createDirectory(atPath: primarySocket, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: standbySocket, withIntermediateDirectories: true)
        if isRoot {
            for path in [folder.path, primarySocket, standbySocket] {
                try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: path)
            }
        }
        defer {
            for data in [standby, primary] where FileManager.default.fileExists(atPath: "\(data)/postmaster.pid") {
                _ = try? asOwner("pg_ctl", ["-D", data, "-m", "immediate", "stop"])
            }
            try? FileManager.default.removeItem(at: folder)
        }
        func start(_ data: String, socket: String) throws {
            try asOwner("pg_ctl", ["-D", data, "-l", "\(data).log", "-w",
                                   "-o", "-c listen_addresses='' -k \(socket) -c fsync=off", "start"])
        }
        try asOwner("initdb", ["-D", primary, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"])
        try start(primary, socket: primarySocket)
        func url(_ socket: String, _ database: String) -> String {
            "postgresql://\(owner)@/\(database)?host=\(socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        }
        let admin = try Connection.connect(url(primarySocket, "postgres"))
        try admin.execute("CREATE DATABASE tracker")
        var onPrimary = ustrack!
        onPrimary.environment["DATABASE_URL"] = url(primarySocket, "tracker")
        try run("db", "migrate", as: onPrimary)
        try run("portfolio", "define", "p", "--title", "P", "--programmes", "1", as: onPrimary)
        try run("source", "add", "s", "--title", "S", "--published-on", "2023-06-30", as: onPrimary)
        try run("programme", "add", "prog", "--portfolio", "p", "--title", "Prog", as: onPrimary)
        try run("progress", "prog", "40 percent", "--as-of", "2023-05-17", "--source", "s", as: onPrimary)

        try asOwner("pg_basebackup", ["-D", standby, "-R", "-X", "stream", "-c", "fast", "-h", primarySocket, "-U", owner])
        try start(standby, socket: standbySocket)
        var onStandby = ustrack!
        onStandby.environment["DATABASE_URL"] = url(standbySocket, "tracker")
        let replica = try Connection.connect(url(standbySocket, "tracker"))
        XCTAssertEqual(try replica.execute("SELECT pg_is_in_recovery()").bool(0, 0), true)
        XCTAssertEqual(try run("status", "prog", as: onStandby).stderr, "", "the standby holds what the primary caught up")

        // Appended on the primary without a catch-up: the standby replays the event, not its projection.
        let writer = try Connection.connect(url(primarySocket, "tracker"))
        try writer.execute("""
            SELECT * FROM store.append('programme-prog', NULL, ARRAY[gen_random_uuid()], ARRAY['ProgressClaimed'],
                ARRAY[jsonb_build_object('scope', 'prog', 'scope_kind', 'programme', 'wording', '70%', 'lo', 70,
                      'hi', 70, 'lo_inclusive', true, 'hi_inclusive', true, 'unit', 'measures',
                      'as_of', '2023-06-01', 'source', 's')])
            """)
        let deadline = Date().addingTimeInterval(20)
        while try replica.execute("SELECT count(*) FROM store.events").int(0, 0)! < 5 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let read = try run("status", "prog", as: onStandby)
        for part in ["1 event behind", "read-only standby"] {
            XCTAssertTrue(read.stderr.contains(part), "\(part): \(read.stderr)")
        }
        XCTAssertTrue(read.stdout.contains("[40, 40]"), read.stdout)
    }
}
