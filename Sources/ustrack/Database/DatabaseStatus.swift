import Foundation
import Migrations
import Postgres

/// What `db status` reports.
struct DatabaseStatus: Encodable {
    struct Reader: Encodable {
        let name: String
        let position: Int64
        /// Events committed after the reader's fence.
        let lag: Int64
    }

    struct OpenTransaction: Encodable {
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
        let server = try connection.execute("SHOW server_version").string(0, 0) ?? "?"
        let schema = try Migrator.currentVersion(connection)
        var events: Int64?, streams: Int64?, readers: [Reader] = []
        // A login in ustrack_reader may read none of these, one in ustrack_writer not the streams.
        func readable(_ table: String) throws -> Bool {  // a table of schema store
            try connection.execute("""
                SELECT CASE WHEN has_schema_privilege('store', 'USAGE') THEN has_table_privilege($1, 'SELECT') ELSE false END
                """, table).bool(0, 0) == true
        }
        if (schema ?? 0) >= 1, try readable("store.events") {
            events = try connection.execute("SELECT count(*) FROM store.events").int64(0, 0)
            if try readable("store.streams") {
                streams = try connection.execute("SELECT count(*) FROM store.streams WHERE version > 0").int64(0, 0)
            }
        }
        if (schema ?? 0) >= 1, try readable("store.events"), try readable("store.checkpoints") {
            let rows = try connection.execute("""
                SELECT c.name, c.position,
                       (SELECT count(*) FROM store.events e WHERE (e.tx, e.position) > (c.tx, c.position))
                FROM store.checkpoints c ORDER BY c.name
                """)
            readers = (0..<rows.rowCount).map {
                Reader(name: rows.string($0, 0)!, position: rows.int64($0, 1)!, lag: rows.int64($0, 2)!)
            }
        }
        let oldest = try oldestTransaction(connection, schema: schema)
        return DatabaseStatus(
            database: "\(target) (\(target.origin))", serverVersion: server, schemaVersion: schema,
            latestSchemaVersion: Migrator.latestVersion, events: events, streams: streams,
            readers: readers, oldestTransaction: oldest)
    }

    /// The oldest open transaction with an id, which gap-safe readers wait for: the one
    /// `reporting.reading_horizon()` names (as reading commands do), and what it runs if this
    /// login may see that. A schema older than that function shows none.
    static func oldestTransaction(_ connection: Connection, schema: Int?) throws -> OpenTransaction? {
        guard (schema ?? 0) >= 16 else { return nil }
        let open: QueryResult
        do {
            open = try connection.execute("""
                SELECT h.holder_pid, coalesce(h.holder_seconds, 0), coalesce(h.holder_state, ''),
                       coalesce((SELECT left(a.query, 200) FROM pg_stat_activity a WHERE a.pid = h.holder_pid), ''),
                       coalesce(h.holder_user, ''), coalesce(h.holder_application, ''), coalesce(h.holder_database, '')
                FROM reporting.reading_horizon() h WHERE h.holder_pid IS NOT NULL
                """)
        } catch let error as PostgresError where error.sqlState == .undefinedFunction {
            return nil
        }
        guard open.rowCount > 0, let pid = open.int(0, 0) else { return nil }
        return OpenTransaction(
            pid: pid, seconds: open.double(0, 1) ?? 0, state: open.string(0, 2) ?? "", query: open.string(0, 3) ?? "",
            user: open.string(0, 4) ?? "", application: open.string(0, 5) ?? "", database: open.string(0, 6) ?? "")
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
