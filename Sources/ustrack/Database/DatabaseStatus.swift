import Foundation
import Migrations
import Postgres

/// What `db status` reports.
struct DatabaseStatus: Encodable {
    struct Reader: Codable {
        let name: String
        let position: Int64
        /// Events committed after the reader's fence.
        let lag: Int64
    }

    struct OpenTransaction: Codable {
        let pid: Int
        let seconds: Double
        let state: String
        let query: String
        let user: String
        let application: String
        let database: String
    }

    let database: String
    let serverVersion: String
    let schemaVersion: Int?
    let latestSchemaVersion: Int
    let events: Int64?
    let streams: Int64?
    let readers: [Reader]
    /// The oldest transaction still running, which readers of the log must wait for.
    let oldestTransaction: OpenTransaction?

    enum CodingKeys: String, CodingKey {
        case database, serverVersion = "server_version", schemaVersion = "schema_version",
             latestSchemaVersion = "latest_schema_version", events, streams, readers,
             oldestTransaction = "oldest_transaction"
    }

    static func read(_ connection: Connection, target: DatabaseTarget) throws -> DatabaseStatus {
        let queries = ReportingQueries(connection: connection)
        let server = try queries.serverVersion() ?? "?"
        let schema = try Migrator.currentVersion(connection)
        var events: Int64?, streams: Int64?, readers: [Reader] = []
        // A login in ustrack_reader may read none of these, one in ustrack_writer not the streams.
        if (schema ?? 0) >= 1, try queries.mayRead("store.events") {
            events = try queries.eventCount()
            if try queries.mayRead("store.streams") {
                streams = try queries.streamCount()
            }
        }
        if (schema ?? 0) >= 1, try queries.mayRead("store.events"), try queries.mayRead("store.checkpoints") {
            readers = try queries.readers()
        }
        let oldest = try oldestTransaction(queries, schema: schema)
        return DatabaseStatus(
            database: "\(target) (\(target.origin))", serverVersion: server, schemaVersion: schema,
            latestSchemaVersion: Migrator.latestVersion, events: events, streams: streams,
            readers: readers, oldestTransaction: oldest)
    }

    /// The oldest open transaction with an id, which gap-safe readers wait for: the one
    /// `reporting.reading_horizon()` names (as reading commands do), and what it runs if this
    /// login may see that. A schema older than that function shows none.
    static func oldestTransaction(_ queries: ReportingQueries, schema: Int?) throws -> OpenTransaction? {
        guard (schema ?? 0) >= 16 else { return nil }
        do {
            return try queries.oldestTransaction()
        } catch let error as PostgresError where error.sqlState == .undefinedFunction {
            return nil
        }
    }

    var fields: [(String, String)] {
        var pairs: [(String, String)] = [
            ("database", database),
            ("server", "PostgreSQL \(serverVersion)"),
            ("schema version", schemaVersion.map { "\($0) (this ustrack knows \(latestSchemaVersion))" }
                ?? "none: run `ustrack db migrate`"),
            ("events", events.map(String.init) ?? "-"),
            ("streams", streams.map(String.init) ?? "-"),
        ]
        for reader in readers {
            pairs.append(("reader \(reader.name)", "at position \(reader.position), \(reader.lag) events behind"))
        }
        if let oldest = oldestTransaction {
            pairs.append(("oldest open transaction",
                          "pid \(oldest.pid) (user \(oldest.user)\(oldest.application.isEmpty ? "" : ", application \(oldest.application)"), "
                            + "database \(oldest.database)), open \(String(format: "%.1f", oldest.seconds)) s, \(oldest.state): readers wait for it"))
        } else {
            pairs.append(("oldest open transaction", "none"))
        }
        return pairs
    }
}
