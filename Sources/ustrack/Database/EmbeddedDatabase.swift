import ChildProcess
import Foundation
import Postgres

/// The default database: a private PostgreSQL cluster under $USTRACK_HOME, reachable only
/// through a Unix socket in a directory only its owner can enter (DESIGN.md §4). As root the
/// server runs as the `postgres` system user, since PostgreSQL refuses to run as root.
struct EmbeddedDatabase {
    let home: URL
    let asRoot: Bool
    static let databaseName = "ustrack"
    static let port = 5432

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        asRoot = geteuid() == 0
        if let home = environment["USTRACK_HOME"], !home.isEmpty {
            self.home = URL(fileURLWithPath: home)
        } else if asRoot {
            home = URL(fileURLWithPath: "/var/lib/ustrack")  // root's home is private to root
        } else {
            home = FileManager.default.homeDirectoryForCurrentUser.appending(path: ".local/share/ustrack")
        }
    }

    var dataDirectory: URL { home.appending(path: "pgdata") }
    var socketDirectory: URL { home.appending(path: "run") }
    var logFile: URL { home.appending(path: "log/postgres.log") }
    var user: String { asRoot ? "postgres" : NSUserName() }

    var conninfo: String {
        "host='\(socketDirectory.path)' port=\(Self.port) dbname=\(Self.databaseName) user='\(user)'"
    }

    var isInitialized: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appending(path: "PG_VERSION").path)
    }

    var isRunning: Bool {
        isInitialized && (try? pgCtl(["status"])) != nil
    }

    /// Creates the cluster on first use, starts it if it is down, and makes sure the
    /// `ustrack` database exists. Returns what it did, for `db start` to report.
    @discardableResult
    func start() throws -> [String] {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        // Several ustrack processes may start at once: one does the work, the others wait.
        let lock = try FileLock(home.appending(path: ".lock"))
        defer { lock.release() }
        var done: [String] = []
        if !isInitialized {
            try initialize()
            done.append("created a PostgreSQL cluster in \(dataDirectory.path)")
        }
        if !isRunning {
            try pgCtl(["start", "-w", "-t", "60", "-l", logFile.path])
            done.append("started PostgreSQL on socket \(socketDirectory.path)")
        }
        let admin = try Connection.connect(
            "host='\(socketDirectory.path)' port=\(Self.port) dbname=postgres user='\(user)'")
        if try admin.execute("SELECT 1 FROM pg_database WHERE datname = $1", Self.databaseName).rowCount == 0 {
            try admin.execute("CREATE DATABASE \(try admin.quoteIdentifier(Self.databaseName))")
            done.append("created database \(Self.databaseName)")
        }
        return done
    }

    /// Stops the server; returns false when it was not running.
    @discardableResult
    func stop() throws -> Bool {
        guard isRunning else { return false }
        try pgCtl(["stop", "-w", "-m", "fast"])
        return true
    }

    private func initialize() throws {
        let owned = [dataDirectory, socketDirectory, logFile.deletingLastPathComponent()]
        for directory in owned {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if asRoot {
                try FileManager.default.setAttributes(
                    [.ownerAccountName: "postgres", .groupOwnerAccountName: "postgres"], ofItemAtPath: directory.path)
            }
        }
        if asRoot {
            // The postgres user must be able to pass through $USTRACK_HOME to its own folders.
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: home.path)
        }
        try run(try Self.serverBinary("initdb"), [
            "-D", dataDirectory.path, "--username", user, "--auth", "trust",
            "--encoding", "UTF8", "--locale", "C.UTF-8",
        ])
        // Only the socket, only in our private directory: trust auth is safe behind 0700.
        let settings = """

            # ustrack: a private server reachable through its Unix socket only
            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory.path)'
            port = \(Self.port)

            """
        let configuration = try FileHandle(forWritingTo: dataDirectory.appending(path: "postgresql.conf"))
        try configuration.seekToEnd()
        try configuration.write(contentsOf: Data(settings.utf8))
        try configuration.close()
    }

    @discardableResult
    private func pgCtl(_ arguments: [String]) throws -> String {
        try run(try Self.serverBinary("pg_ctl"), arguments + ["-D", dataDirectory.path])
    }

    /// Runs a server program, as `postgres` when we are root, and returns its output.
    @discardableResult
    private func run(_ program: URL, _ arguments: [String]) throws -> String {
        let outcome = asRoot
            ? try ChildProcess.run("/usr/sbin/runuser", ["-u", "postgres", "--", program.path] + arguments, mergeOutput: true)
            : try ChildProcess.run(program.path, arguments, mergeOutput: true)
        guard outcome.status == 0 else {
            throw Failure.other("""
                \(program.lastPathComponent) \(arguments.first ?? "") failed (exit \(outcome.status)): \
                \(outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
                See \(logFile.path) for the server's log.
                """)
        }
        return outcome.stdout
    }

    /// The newest installed PostgreSQL server's program of that name.
    static func serverBinary(_ name: String) throws -> URL {
        let fileManager = FileManager.default
        let debian = (try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let candidates = debian.compactMap(Int.init).sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin/\(name)" }
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
        guard let found = candidates.first(where: fileManager.isExecutableFile(atPath:)) else {
            throw Failure.other("""
                no PostgreSQL server found (looked for \(name) in /usr/lib/postgresql/*/bin and PATH). \
                Install it with `scripts/setup` or `apt-get install postgresql`, or point ustrack at a \
                server with --database-url or DATABASE_URL.
                """)
        }
        return URL(fileURLWithPath: found)
    }
}

/// An exclusive lock on a file, held until released (flock(2), so it dies with the process).
struct FileLock {
    private let descriptor: Int32

    init(_ url: URL) throws {
        descriptor = open(url.path, O_CREAT | O_RDWR, 0o600)
        guard descriptor >= 0 else { throw Failure.other("cannot open lock file \(url.path): \(String(cString: strerror(errno)))") }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Failure.other("cannot lock \(url.path): \(String(cString: strerror(errno)))") }
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
