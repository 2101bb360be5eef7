import ChildProcess
import Foundation
import TestSupport
import XCTest

/// The embedded database lets in only the OS user who owns it (and root): its home is made
/// private, a home others could have prepared is refused, and the server authenticates by
/// peer rather than trusting whoever reaches its socket.
final class EmbeddedSecurityTests: XCTestCase {
    static let asRoot = geteuid() == 0

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) does not exist" }
    }

    /// A path under /tmp that does not exist yet; removed when the test ends.
    func freshHome(_ label: String = "home") -> URL {
        let home = URL(fileURLWithPath: "/tmp/ustrack-\(label)-\(UUID().uuidString.prefix(8).lowercased())")
        addTeardownBlock { _ = try? ChildProcess.run("/bin/rm", ["-rf", home.path]) }
        return home
    }

    /// The binary pointed at the embedded database under `home`, nothing else.
    func embedded(_ home: URL) -> UstrackBinary {
        var ustrack = UstrackBinary(database: nil, home: home.path)
        for name in ["DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE", "PGUSER"] {
            ustrack.environment[name] = nil
        }
        addTeardownBlock { _ = try? ustrack.run("db", "stop") }
        return ustrack
    }

    func mode(_ url: URL) throws -> (mode: Int, owner: uid_t, group: gid_t, symlink: Bool) {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw Missing(path: url.path) }
        return (Int(info.st_mode) & 0o7777, info.st_uid, info.st_gid, (info.st_mode & S_IFMT) == S_IFLNK)
    }

    func serverRunning(_ home: URL) -> Bool {
        FileManager.default.fileExists(atPath: home.appending(path: "pgdata/postmaster.pid").path)
    }

    @discardableResult
    func shell(_ command: String) throws -> ChildProcess.Outcome {
        try ChildProcess.run("/bin/sh", ["-c", command], mergeOutput: true)
    }

    /// A new OS user for the length of the test (root only), removed with its processes.
    func temporaryUser() throws -> String {
        guard Self.asRoot else { throw XCTSkip("creating a second OS user needs root (useradd)") }
        let name = "ustk\(UUID().uuidString.prefix(6).lowercased())"
        let made = try ChildProcess.run("/usr/sbin/useradd", ["--no-create-home", "--shell", "/bin/sh", name], mergeOutput: true)
        guard made.status == 0 else { throw XCTSkip("useradd failed: \(made.stdout)") }
        addTeardownBlock {
            _ = try? ChildProcess.run("/usr/bin/pkill", ["-KILL", "-u", name])
            _ = try? ChildProcess.run("/usr/sbin/userdel", [name])
        }
        return name
    }

    /// Runs the binary as `user` with only the environment it needs.
    func run(as user: String, _ ustrack: UstrackBinary, _ arguments: [String], environment: [String: String]) throws -> ChildProcess.Outcome {
        let settings = environment.merging(["PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": "/tmp"]) { mine, _ in mine }
        return try ChildProcess.run("/usr/sbin/runuser",
            ["-u", user, "--", "/usr/bin/env", "-i"] + settings.map { "\($0.key)=\($0.value)" }
                + [try Self.sharedCopy(of: ustrack.path)] + arguments)
    }

    static let sharedBinFolder = URL(fileURLWithPath: "/tmp").appending(path: "ustrack-shared-bin-\(getpid())")

    override class func tearDown() {
        try? FileManager.default.removeItem(at: sharedBinFolder)
        super.tearDown()
    }

    /// A copy of the binary any user may run: the checkout it was built in may be private.
    static func sharedCopy(of binary: String) throws -> String {
        let folder = sharedBinFolder
        let copy = folder.appending(path: "ustrack").path
        if !FileManager.default.fileExists(atPath: copy) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            try FileManager.default.copyItem(atPath: binary, toPath: copy)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
        }
        return copy
    }

    // MARK: the home

    func testAFreshHomeIsPrivate() throws {
        let home = freshHome()
        let ustrack = embedded(home)
        let start = try ustrack.run("db", "start")
        XCTAssertEqual(start.status, 0, start.stderr)
        let top = try mode(home)
        XCTAssertEqual(top.owner, geteuid())
        XCTAssertEqual(top.mode & 0o007, 0, "others have no access to \(home.path): \(String(top.mode, radix: 8))")
        XCTAssertEqual(top.mode & 0o020, 0, "the group may not write")
        for folder in ["pgdata", "run", "log"] {
            let inside = try mode(home.appending(path: folder))
            XCTAssertEqual(inside.mode, 0o700, "\(folder): \(String(inside.mode, radix: 8))")
            if Self.asRoot {
                XCTAssertEqual(inside.owner, getpwnam("postgres")!.pointee.pw_uid, folder)
            } else {
                XCTAssertEqual(inside.owner, geteuid(), folder)
            }
        }
        let hba = try String(contentsOf: home.appending(path: "pgdata/pg_hba.conf"), encoding: .utf8)
        let rules = hba.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        XCTAssertFalse(rules.contains { $0.contains("trust") }, hba)
        XCTAssertTrue(rules.contains { $0.hasPrefix("local") && $0.contains("peer") }, hba)
        XCTAssertTrue(try ustrack.run("db", "status").status == 0)
    }

    func testALooseHomeIsRefusedAndNothingStarts() throws {
        let home = freshHome("loose")
        for folder in [home, home.appending(path: "run"), home.appending(path: "log")] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            XCTAssertEqual(chmod(folder.path, 0o777), 0)
        }
        let ustrack = embedded(home)
        let start = try ustrack.run("db", "start")
        XCTAssertEqual(start.status, 2, start.stdout + start.stderr)
        XCTAssertTrue(start.stderr.contains(home.path), start.stderr)
        XCTAssertTrue(start.stderr.contains("others can write"), start.stderr)
        XCTAssertTrue(start.stderr.contains("USTRACK_HOME"), "says what to do: \(start.stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: home.appending(path: "pgdata").path), "nothing created")
        XCTAssertEqual(try mode(home.appending(path: "run")).mode, 0o777, "nothing changed")

        // Any command on the embedded database refuses it the same way.
        let status = try ustrack.run("db", "status")
        XCTAssertEqual(status.status, 2, status.stderr)
        XCTAssertFalse(serverRunning(home))
    }

    func testAHomeAnotherUserOwnsIsRefused() throws {
        let home = freshHome("foreign")
        if Self.asRoot {
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            XCTAssertEqual(chown(home.path, 65534, 65534), 0)
            XCTAssertEqual(chmod(home.path, 0o700), 0)
        }
        // Not root: a folder root owns stands in for another user's.
        let target = Self.asRoot ? home : URL(fileURLWithPath: "/usr/share")
        let ustrack = embedded(target)
        let start = try ustrack.run("db", "start")
        XCTAssertEqual(start.status, 2, start.stdout + start.stderr)
        XCTAssertTrue(start.stderr.contains("belongs to"), start.stderr)
        XCTAssertTrue(start.stderr.contains("USTRACK_HOME"), start.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.appending(path: "pgdata").path))
    }

    func testASymlinkInsideTheHomeIsNeverFollowed() throws {
        let home = freshHome("link")
        let elsewhere = freshHome("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        XCTAssertEqual(chmod(elsewhere.path, 0o700), 0)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        XCTAssertEqual(chmod(home.path, 0o700), 0)
        try FileManager.default.createSymbolicLink(at: home.appending(path: "log"), withDestinationURL: elsewhere)

        let ustrack = embedded(home)
        let start = try ustrack.run("db", "start")
        XCTAssertEqual(start.status, 2, start.stdout + start.stderr)
        XCTAssertTrue(start.stderr.contains("symbolic link"), start.stderr)
        XCTAssertTrue(start.stderr.contains(home.appending(path: "log").path), start.stderr)
        let target = try mode(elsewhere)
        XCTAssertEqual(target.owner, geteuid(), "the link's target was not given away")
        XCTAssertEqual(target.mode, 0o700)
        XCTAssertFalse(serverRunning(home))

        // A link made inside a working home later is refused too.
        let good = freshHome("relink")
        let other = embedded(good)
        XCTAssertEqual(try other.run("db", "start").status, 0)
        XCTAssertEqual(try other.run("db", "stop").status, 0)
        try FileManager.default.removeItem(at: good.appending(path: "run"))
        try FileManager.default.createSymbolicLink(at: good.appending(path: "run"), withDestinationURL: elsewhere)
        let again = try other.run("db", "start")
        XCTAssertEqual(again.status, 2, again.stdout + again.stderr)
        XCTAssertTrue(again.stderr.contains("symbolic link"), again.stderr)
        XCTAssertEqual(try mode(elsewhere).owner, geteuid())
    }

    // MARK: who gets in

    func testASecondUserCannotConnectEvenThroughAnOpenedSocket() throws {
        let other = try temporaryUser()
        let home = freshHome("peer")
        let ustrack = embedded(home)
        XCTAssertEqual(try ustrack.run("db", "start").status, 0)
        let url = "host=\(home.path)/run port=5432 dbname=ustrack user=postgres connect_timeout=5"

        let blocked = try run(as: other, ustrack, ["db", "status"], environment: ["DATABASE_URL": url])
        XCTAssertEqual(blocked.status, 4, blocked.stdout + blocked.stderr)

        // Were the folders opened (as an earlier version left root's home), the server itself
        // would still refuse: it authenticates the OS user, it does not trust the socket.
        XCTAssertEqual(chmod(home.path, 0o711), 0)
        XCTAssertEqual(chmod(home.appending(path: "run").path, 0o711), 0)
        defer {
            _ = chmod(home.path, 0o710)
            _ = chmod(home.appending(path: "run").path, 0o700)
        }
        let refused = try run(as: other, ustrack, ["db", "status"], environment: ["DATABASE_URL": url])
        XCTAssertEqual(refused.status, 4, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("authentication failed for user \"postgres\""), refused.stderr)
        XCTAssertFalse(refused.stdout.contains("schema"), refused.stdout)
    }

    func testAnOrdinaryUserRunsTheDemoInAFreshHome() throws {
        let user = try temporaryUser()
        let home = freshHome("user")
        let ustrack = UstrackBinary(database: nil, home: home.path)
        let settings = ["USTRACK_HOME": home.path]
        defer { _ = try? run(as: user, ustrack, ["db", "stop"], environment: settings) }

        let demo = try run(as: user, ustrack, ["demo"], environment: settings)
        XCTAssertEqual(demo.status, 0, demo.stdout + demo.stderr)
        let status = try run(as: user, ustrack, ["db", "status"], environment: settings)
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains(home.path), status.stdout)
        let owner = try mode(home)
        XCTAssertEqual(owner.owner, getpwnam(user)!.pointee.pw_uid)
        XCTAssertEqual(owner.mode, 0o700)
        let stop = try run(as: user, ustrack, ["db", "stop"], environment: settings)
        XCTAssertEqual(stop.status, 0, stop.stderr)
        XCTAssertTrue(stop.stdout.contains("stopped"), stop.stdout)
        XCTAssertFalse(serverRunning(home))
    }

    func testAnEarlierTrustDatabaseIsMigratedOnStartOnce() throws {
        let home = freshHome("trust")
        let ustrack = embedded(home)
        XCTAssertEqual(try ustrack.run("db", "start").status, 0)
        XCTAssertEqual(try ustrack.run("db", "stop").status, 0)
        // What initdb --auth trust wrote for earlier versions, kept in place (same owner).
        let hba = home.appending(path: "pgdata/pg_hba.conf")
        let earlier = """
            local   all             all                                     trust
            host    all             all             127.0.0.1/32            trust
            host    all             all             ::1/128                 trust

            """
        let handle = try FileHandle(forWritingTo: hba)
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(earlier.utf8))
        try handle.close()
        if Self.asRoot { XCTAssertEqual(chmod(home.path, 0o755), 0, "as earlier versions left root's home") }

        let start = try ustrack.run("db", "start")
        XCTAssertEqual(start.status, 0, start.stderr)
        XCTAssertTrue(start.stderr.contains("trust"), "says it migrated: \(start.stderr)")
        let rewritten = try String(contentsOf: hba, encoding: .utf8)
        XCTAssertFalse(rewritten.split(separator: "\n").contains { !$0.hasPrefix("#") && $0.contains("trust") }, rewritten)
        XCTAssertEqual(try mode(home).mode & 0o027, 0, "the home is made private again")
        let quiet = try ustrack.run("db", "status")
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(quiet.stderr, "", "said once")

        // A running server is reloaded.
        let live = try FileHandle(forWritingTo: hba)
        try live.truncate(atOffset: 0)
        try live.write(contentsOf: Data(earlier.utf8))
        try live.close()
        let status = try ustrack.run("db", "status")
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stderr.contains("trust"), status.stderr)
        if Self.asRoot {
            let other = try temporaryUser()
            XCTAssertEqual(chmod(home.path, 0o711), 0)
            XCTAssertEqual(chmod(home.appending(path: "run").path, 0o711), 0)
            defer {
                _ = chmod(home.path, 0o710)
                _ = chmod(home.appending(path: "run").path, 0o700)
            }
            let url = "host=\(home.path)/run port=5432 dbname=ustrack user=postgres connect_timeout=5"
            let refused = try run(as: other, ustrack, ["db", "status"], environment: ["DATABASE_URL": url])
            XCTAssertEqual(refused.status, 4, "the reloaded server no longer trusts: \(refused.stdout) \(refused.stderr)")
        }
    }

    // MARK: passwords

    func testFollowScrubsThePasswordFromItsCommandLine() throws {
        let database = try TestDatabase.create(name)
        let environment = ProcessInfo.processInfo.environment
        let socket = (environment["PGHOST"] ?? "/var/run/postgresql").addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let user = environment["PGUSER"] ?? NSUserName()
        let name = database.replacingOccurrences(of: "dbname=", with: "")
        let forms = [
            "postgresql://\(user):Sup3r-Secret-Word@/\(name)?host=\(socket)&port=\(environment["PGPORT"] ?? "5432")",
            "dbname=\(name) user=\(user) password=Sup3r-Secret-Word",
        ]
        for form in forms {
            var ustrack = UstrackBinary(database: nil)
            ustrack.environment["DATABASE_URL"] = nil
            let follower = try ustrack.start("projections", "follow", "--poll", "0.2", "--database-url", form)
            defer { follower.signal(SIGKILL) }
            let cmdline = "/proc/\(follower.pid)/cmdline"
            var scrubbed = false
            var seen = ""
            for _ in 0..<100 {
                seen = (try? String(contentsOfFile: cmdline, encoding: .utf8)) ?? ""
                if !seen.isEmpty && !seen.contains("Sup3r-Secret-Word") { scrubbed = true; break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            XCTAssertTrue(scrubbed, "the password is still in \(cmdline): \(seen)")
            XCTAssertTrue(seen.contains("projections\0follow"), seen)
            let arguments = [ustrack.path, "projections", "follow", "--poll", "0.2", "--database-url", form]
            XCTAssertEqual(seen.utf8.count, arguments.map { $0.utf8.count + 1 }.reduce(0, +), "the arguments keep their length")
            Thread.sleep(forTimeInterval: 0.5)
            follower.signal(SIGINT)
            let outcome = follower.wait()
            XCTAssertTrue(outcome.stdout.contains("following"), outcome.stdout + outcome.stderr)
            XCTAssertFalse(outcome.stdout.contains("Sup3r-Secret-Word") || outcome.stderr.contains("Sup3r-Secret-Word"))
        }
    }
}
