import Foundation
import Migrations
import Postgres

/// Which database a command uses, and how it was chosen (DESIGN.md §4).
struct DatabaseTarget: CustomStringConvertible {
    enum Origin: CustomStringConvertible {
        case flag
        case environment([String])
        case embedded(EmbeddedDatabase)

        var description: String {
            switch self {
            case .flag: "from --database-url"
            case .environment(let names): "from \(names.joined(separator: ", "))"
            case .embedded(let database): "the embedded database under \(database.home.path)"
            }
        }
    }

    /// nil: libpq's own environment (PGHOST, PGSERVICE, …).
    let conninfo: String?
    let origin: Origin

    /// Environment variables that name a server; credentials alone (PGUSER, PGPASSWORD) do not.
    static let targetVariables = ["DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE"]

    static func resolve(_ options: CommonOptions, environment: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseTarget {
        resolve(databaseURL: options.databaseURL, environment: environment)
    }

    static func resolve(databaseURL: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseTarget {
        if let url = databaseURL { return DatabaseTarget(conninfo: url, origin: .flag) }
        let set = targetVariables.filter { !(environment[$0] ?? "").isEmpty }
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return DatabaseTarget(conninfo: url, origin: .environment(["DATABASE_URL"]))
        }
        if !set.isEmpty { return DatabaseTarget(conninfo: nil, origin: .environment(set)) }
        let embedded = EmbeddedDatabase(environment: environment)
        return DatabaseTarget(conninfo: embedded.conninfo, origin: .embedded(embedded))
    }

    var embedded: EmbeddedDatabase? {
        if case .embedded(let database) = origin { database } else { nil }
    }

    /// Where a connection goes, as a person would name it; never the password.
    var description: String {
        switch origin {
        case .embedded(let database): "socket \(database.socketDirectory.path)"
        default:
            if let conninfo, ConnectionString.problem(conninfo) != nil { origin.description }
            else { ConnectionString.place(conninfo) }
        }
    }

    /// The database user a connection logs in as.
    var user: String {
        if let embedded { return embedded.user }
        return ConnectionString.settings(conninfo)["user"]
            ?? ProcessInfo.processInfo.environment["PGUSER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? EmbeddedDatabase.osUserName
    }

    /// The passwords this target carries, for messages to hide.
    var passwords: [String] {
        (conninfo.map(ConnectionString.passwords(in:)) ?? [])
            + [ProcessInfo.processInfo.environment["PGPASSWORD"]].compactMap { $0 }
    }

    /// A connection string libpq cannot read is bad input (exit 2), said as such: connecting
    /// with it would name a default socket that was never tried.
    func checkConnectionString() throws {
        guard let conninfo, embedded == nil, let problem = ConnectionString.problem(conninfo) else { return }
        throw Failure.badInput("""
            the connection string \(origin) is invalid: \(problem)
            A URL reads postgresql://USER@HOST:PORT/DATABASE, with characters such as @ : / % in a \
            password percent-encoded (%40 for @, %25 for %); a conninfo string reads \
            host=HOST port=PORT dbname=DATABASE user=USER. Better keep the password out of it: \
            put it in a password file (PGPASSFILE, by default ~/.pgpass).
            """)
    }

    /// Connects, starting the embedded database when that is the target (and migrating it,
    /// unless `migrate` is false). An unreachable server becomes exit code 4 with a message
    /// naming where it looked; an unreadable connection string exit 2.
    func connect(migrate: Bool = true) throws -> Connection {
        do {
            try checkConnectionString()
            guard let embedded else { return try Connection.connect(conninfo) }
            // A home others could have prepared is refused before anything connects through it.
            try embedded.secure()
            let connection: Connection
            do {
                connection = try Connection.connect(conninfo)
            } catch let error as PostgresError where error.isConnectionProblem {
                try embedded.start()
                connection = try Connection.connect(conninfo)
            }
            if migrate { try Migrator.migrate(connection) }
            return connection
        } catch {
            throw Failure.from(error, target: self)
        }
    }

    /// Connects and checks that the schema is the one this binary knows.
    func connectMigrated() throws -> Connection {
        let connection = try connect()
        let current = try Migrator.currentVersion(connection) ?? 0
        guard current >= Migrator.latestVersion else {
            throw Failure.other("""
                the database (\(self)) has schema version \(current), this ustrack needs \(Migrator.latestVersion): \
                run `ustrack db migrate` first
                """)
        }
        try withFailures(self) { try RestoredLog.adopt(connection, target: self) }
        return connection
    }
}
