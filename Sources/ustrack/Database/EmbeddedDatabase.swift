import ChildProcess
import Foundation
import Postgres

/// The default database: a private PostgreSQL cluster under $USTRACK_HOME, reachable only
/// through a Unix socket in a directory only its owner can enter, and letting in only the OS
/// user who owns it and root (peer authentication; DESIGN.md §4). As root the server runs as
/// the `postgres` system user, since PostgreSQL refuses to run as root.
///
/// ustrack makes the home itself, private, and refuses one that others could have prepared or
/// can change: a home or server folder that another user owns or others can write to, a folder
/// above it others can write to without the sticky bit, a symbolic link anywhere inside it.
struct EmbeddedDatabase {
    let home: URL
    let asRoot: Bool
    static let databaseName = "ustrack"
    static let port = 5432

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        asRoot = geteuid() == 0
        if let home = environment["USTRACK_HOME"], !home.isEmpty {
            self.home = URL(fileURLWithPath: home).standardizedFileURL
        } else if asRoot {
            home = URL(fileURLWithPath: "/var/lib/ustrack")  // root's home is private to root
        } else {
            home = FileManager.default.homeDirectoryForCurrentUser.appending(path: ".local/share/ustrack")
        }
    }

    var dataDirectory: URL { home.appending(path: "pgdata") }
    var socketDirectory: URL { home.appending(path: "run") }
    var logDirectory: URL { home.appending(path: "log") }
    var logFile: URL { logDirectory.appending(path: "postgres.log") }
    /// The database user ustrack logs in as: `postgres` as root, else the OS user's name.
    var user: String { asRoot ? "postgres" : Self.osUserName }

    /// The name of the OS user this process runs as.
    static var osUserName: String {
        getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? NSUserName()
    }

    var conninfo: String {
        "host='\(socketDirectory.path)' port=\(Self.port) dbname=\(Self.databaseName) user='\(user)'"
    }

    var isInitialized: Bool {
        FileManager.default.fileExists(atPath: dataDirectory.appending(path: "PG_VERSION").path)
    }

    var isRunning: Bool {
        isInitialized && (try? pgCtl(["status"])) != nil
    }

    /// Checks a home that exists before anything connects through it: refuses one others could
    /// have prepared or can change (exit 2), tightens one this user owns that others could read,
    /// and moves a cluster an earlier version made with trust authentication to peer.
    func secure() throws {
        guard try Self.inspect(home) != nil else { return }  // `start` makes it
        try checkAncestors()
        try checkHome()
        try checkServerFolders()
        if isInitialized, try usesTrust() {
            let lock = try FileLock(home.appending(path: ".lock"))
            defer { lock.release() }
            try migrateAuthentication()
        }
    }

    /// Creates the cluster on first use, starts it if it is down, and makes sure the
    /// `ustrack` database exists. Returns what it did, for `db start` to report.
    @discardableResult
    func start() throws -> [String] {
        try makeHome()
        // Several ustrack processes may start at once: one does the work, the others wait.
        let lock = try FileLock(home.appending(path: ".lock"))
        defer { lock.release() }
        try checkServerFolders()
        for folder in [dataDirectory, socketDirectory, logDirectory] where try Self.inspect(folder) == nil {
            try makeServerFolder(folder)
        }
        try checkServerFolders()
        var done: [String] = []
        if !isInitialized {
            try initialize()
            done.append("created a PostgreSQL cluster in \(dataDirectory.path)")
        } else {
            try migrateAuthentication()
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
        try secure()
        guard isRunning else { return false }
        try pgCtl(["stop", "-w", "-m", "fast"])
        return true
    }

    private func initialize() throws {
        try run(try Self.serverBinary("initdb"), [
            "-D", dataDirectory.path, "--username", user, "--auth-local", "peer", "--auth-host", "reject",
            "--encoding", "UTF8", "--locale", "C.UTF-8",
        ])
        try writeAuthentication()
        // Only the socket, only in our private directory.
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

    // MARK: who may connect

    /// Peer authentication through the socket, mapped (pg_ident.conf) from the OS user who owns
    /// the home, and root, to the database user ustrack uses. No other login, no TCP.
    var authenticationRules: (hba: String, ident: String) {
        func quoted(_ name: String) -> String { "\"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"" }
        let owners = asRoot ? ["root"] : [Self.osUserName, "root"]
        let hba = """
            # ustrack: who may connect to this embedded database. Only through its Unix socket (there
            # is no TCP listener), and only as an OS user pg_ident.conf maps to the database user
            # ustrack uses: the OS user who owns $USTRACK_HOME, and root. ustrack rewrites this file
            # when it finds trust authentication in it.
            local   all   all   peer map=ustrack

            """
        let ident = """
            # ustrack: the OS users who may log in as the database user ustrack uses (pg_hba.conf)
            # MAPNAME   SYSTEM-USERNAME   PG-USERNAME

            """ + owners.map { "ustrack   \(quoted($0))   \(quoted(user))\n" }.joined()
        return (hba, ident)
    }

    private func writeAuthentication() throws {
        let rules = authenticationRules
        try writeServerFile("pg_hba.conf", rules.hba)
        try writeServerFile("pg_ident.conf", rules.ident)
    }

    /// True when pg_hba.conf has a rule with trust authentication, as earlier versions made it.
    private func usesTrust() throws -> Bool {
        let path = dataDirectory.appending(path: "pg_hba.conf").path
        guard let info = try Self.inspect(path) else { return false }
        guard info.kind == S_IFREG else {
            throw refuse(path, "is not a plain file", remedy: "Remove the link or file; ustrack will not read through it.")
        }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.systemFailure("cannot read \(path)") }
        let text = String(decoding: FileHandle(fileDescriptor: descriptor, closeOnDealloc: true).readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").contains { line in
            let rule = line.prefix { $0 != "#" }
            return rule.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains { $0 == "trust" }
        }
    }

    /// Earlier versions let anyone who reached the socket in as any database user (trust). Their
    /// rules are replaced, the server reloads them if it runs, and the user is told, once.
    private func migrateAuthentication() throws {
        guard isInitialized, try usesTrust() else { return }
        try writeAuthentication()
        let running = isRunning
        if running { try pgCtl(["reload"]) }
        FileHandleOutput.standardError.write("""
            note: the embedded database under \(home.path) let in anyone who reached its socket, as any \
            database user (trust authentication, as earlier versions of ustrack set it up). It now lets in \
            only \(asRoot ? "root" : "OS user \(Self.osUserName) and root"), as database user \(user) (peer \
            authentication): pg_hba.conf and pg_ident.conf in \(dataDirectory.path) are rewritten\
            \(running ? " and the server has reloaded them" : "").

            """)
    }

    // MARK: the home and its folders

    /// What lstat says of a path, or nil when there is nothing there.
    struct Entry {
        let kind: mode_t
        let mode: mode_t
        let owner: uid_t
        let group: gid_t
    }

    static func inspect(_ url: URL) throws -> Entry? { try inspect(url.path) }

    static func inspect(_ path: String) throws -> Entry? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw systemFailure("cannot inspect \(path)")
        }
        return Entry(kind: info.st_mode & S_IFMT, mode: info.st_mode & 0o7777, owner: info.st_uid, group: info.st_gid)
    }

    /// The account the server's folders belong to: `postgres` as root, else this user.
    private func serverAccount() throws -> (uid: uid_t, gid: gid_t, name: String) {
        guard asRoot else { return (geteuid(), getegid(), Self.osUserName) }
        guard let account = getpwnam("postgres") else {
            throw Failure.other("""
                as root the embedded database runs its server as the postgres system user, and there is \
                none: install the PostgreSQL server package (`apt-get install postgresql` creates it), or \
                run ustrack as an ordinary user.
                """)
        }
        return (account.pointee.pw_uid, account.pointee.pw_gid, "postgres")
    }

    private var remedy: String {
        """
        Point USTRACK_HOME at a folder that does not exist yet, which ustrack creates private (mode \
        \(asRoot ? "0710, group postgres" : "0700")), or remove \(home.path) if nothing in it is yours and \
        run the command again.
        """
    }

    private func refuse(_ path: String, _ why: String, remedy: String? = nil) -> Failure {
        Failure.badInput("ustrack will not use the embedded database under \(home.path): \(path) \(why).\n\(remedy ?? self.remedy)")
    }

    private static func octal(_ mode: mode_t) -> String { "0" + String(mode, radix: 8) }

    private static func name(of uid: uid_t) -> String {
        getpwuid(uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(uid)"
    }

    private static func systemFailure(_ what: String) -> Failure {
        Failure.other("\(what): \(String(cString: strerror(errno)))")
    }

    /// The folders above the home: each must belong to root or this user, and any that others
    /// may write to must be sticky (as /tmp is), or someone else could replace the home. As
    /// root, the postgres user must also be able to pass through them.
    private func checkAncestors() throws {
        let parent = home.deletingLastPathComponent().path
        func prefixes(_ path: String) -> [String] {
            var result = ["/"]
            var current = ""
            for component in path.split(separator: "/") {
                current += "/" + component
                result.append(current)
            }
            return result
        }
        var paths = prefixes(parent)
        if let resolved = realpath(parent, nil) {
            paths += prefixes(String(cString: resolved))
            free(resolved)
        }
        let server = asRoot ? try serverAccount() : nil
        var seen = Set<String>()
        for path in paths where seen.insert(path).inserted {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let mode = info.st_mode & 0o7777
            if info.st_uid != 0 && info.st_uid != geteuid() {
                throw refuse(path, "(a folder above it) belongs to \(Self.name(of: info.st_uid)), who could replace the home", remedy: """
                    Choose a USTRACK_HOME whose folders above it belong to you or root.
                    """)
            }
            if mode & 0o022 != 0 && mode & mode_t(S_ISVTX) == 0 {
                throw refuse(path, "(a folder above it) others can write to (mode \(Self.octal(mode)), not sticky): they could replace the home", remedy: """
                    Choose a USTRACK_HOME whose folders above it only you or root can write to.
                    """)
            }
            if let server {
                let passes = info.st_uid == server.uid ? mode & 0o100 != 0
                    : info.st_gid == server.gid ? mode & 0o010 != 0 : mode & 0o001 != 0
                if !passes {
                    throw refuse(path, "(a folder above it) the postgres user cannot pass through (mode \(Self.octal(mode)))", remedy: """
                        As root the server runs as postgres, which must reach its folders: choose a USTRACK_HOME \
                        outside \(path), such as /var/lib/ustrack (the default).
                        """)
                }
            }
        }
    }

    /// The home: a real folder (not a link) of this user's that others cannot write to; made
    /// private if others could read it: 0700, or as root 0710 with the postgres group, so the
    /// server can pass through to its own folders and nobody else can.
    private func checkHome() throws {
        guard let entry = try Self.inspect(home) else { return }
        if entry.kind == S_IFLNK {
            throw refuse(home.path, "is a symbolic link", remedy: "Point USTRACK_HOME at the folder itself, not a link to it.")
        }
        if entry.kind != S_IFDIR { throw refuse(home.path, "is not a folder") }
        if entry.owner != geteuid() {
            throw refuse(home.path, """
                belongs to \(Self.name(of: entry.owner)), not to \(Self.osUserName): ustrack uses only a home \
                of its user's, which it makes itself
                """)
        }
        if entry.mode & 0o022 != 0 {
            throw refuse(home.path, """
                is a folder others can write to (mode \(Self.octal(entry.mode))): they could have put files \
                there, or replace the server's folders and reach its socket
                """)
        }
        let group = asRoot ? try serverAccount().gid : entry.group
        let mode: mode_t = asRoot ? 0o710 : 0o700
        if entry.mode != mode || entry.group != group {
            try Self.adjust(home.path, owner: entry.owner, group: group, mode: mode)
        }
    }

    /// pgdata, run and log: real folders of the server's account that nobody else can write
    /// to; run and log made 0700 if others could read them; the log file a plain file.
    private func checkServerFolders() throws {
        let server = try serverAccount()
        for folder in [dataDirectory, socketDirectory, logDirectory] {
            guard let entry = try Self.inspect(folder) else { continue }
            if entry.kind == S_IFLNK {
                let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: folder.path)).map { " (to \($0))" } ?? ""
                throw refuse(folder.path, "is a symbolic link\(destination): ustrack never follows links inside its home", remedy: """
                    Remove the link (`rm \(folder.path)`); ustrack makes the folder again.
                    """)
            }
            if entry.kind != S_IFDIR { throw refuse(folder.path, "is not a folder") }
            if entry.owner != server.uid {
                throw refuse(folder.path, "belongs to \(Self.name(of: entry.owner)), not to \(server.name), which runs the server")
            }
            if entry.mode & 0o022 != 0 {
                throw refuse(folder.path, "is a folder others can write to (mode \(Self.octal(entry.mode)))")
            }
            if folder != dataDirectory, entry.mode & 0o077 != 0 {
                try Self.adjust(folder.path, owner: server.uid, group: server.gid, mode: 0o700)
            }
        }
        if let log = try Self.inspect(logFile), log.kind != S_IFREG {
            throw refuse(logFile.path, log.kind == S_IFLNK ? "is a symbolic link: ustrack never follows links inside its home" : "is not a plain file",
                         remedy: "Remove it (`rm \(logFile.path)`); the server starts a new log.")
        }
    }

    private func makeHome() throws {
        if try Self.inspect(home) == nil {
            try FileManager.default.createDirectory(at: home.deletingLastPathComponent(), withIntermediateDirectories: true)
            try checkAncestors()
            guard mkdir(home.path, 0o700) == 0 || errno == EEXIST else { throw Self.systemFailure("cannot create \(home.path)") }
        }
        try checkAncestors()
        try checkHome()
    }

    private func makeServerFolder(_ folder: URL) throws {
        guard mkdir(folder.path, 0o700) == 0 || errno == EEXIST else { throw Self.systemFailure("cannot create \(folder.path)") }
        let server = try serverAccount()
        try Self.adjust(folder.path, owner: server.uid, group: server.gid, mode: 0o700)
    }

    /// Sets a folder's owner and mode through a descriptor opened without following links.
    private static func adjust(_ path: String, owner: uid_t, group: gid_t, mode: mode_t) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw systemFailure("cannot open \(path)") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw systemFailure("cannot inspect \(path)") }
        if info.st_uid != owner || info.st_gid != group {
            guard fchown(descriptor, owner, group) == 0 else { throw systemFailure("cannot give \(path) to its owner") }
        }
        guard fchmod(descriptor, mode) == 0 else { throw systemFailure("cannot make \(path) private") }
    }

    /// Replaces a file in pgdata whole (a new file renamed over it), owned by the server's account.
    private func writeServerFile(_ name: String, _ text: String) throws {
        let path = dataDirectory.appending(path: name).path
        let temporary = path + ".ustrack-new"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.systemFailure("cannot write \(temporary)") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: Data(text.utf8))
        let server = try serverAccount()
        guard fchown(descriptor, server.uid, server.gid) == 0, fsync(descriptor) == 0 else {
            throw Self.systemFailure("cannot write \(temporary)")
        }
        try handle.close()
        guard rename(temporary, path) == 0 else { throw Self.systemFailure("cannot replace \(path)") }
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
        descriptor = open(url.path, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0o600)
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
