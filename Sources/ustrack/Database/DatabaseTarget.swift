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

    var description: String {
        switch origin {
        case .embedded(let database): "socket \(database.socketDirectory.path)"
        default: origin.description
        }
    }

    /// Connects, starting the embedded database when that is the target (and migrating it,
    /// unless `migrate` is false). An unreachable server becomes exit code 4 with a message
    /// naming where it looked.
    func connect(migrate: Bool = true) throws -> Connection {
        do {
            guard let embedded else { return try Connection.connect(conninfo) }
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
