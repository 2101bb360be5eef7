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
        let open = try connection.execute("""
            SELECT pid, extract(epoch FROM now() - xact_start)::float8, state, left(query, 200)
            FROM pg_stat_activity
            WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
            ORDER BY xact_start LIMIT 1
            """)
        let oldest = open.rowCount == 0 ? nil : OpenTransaction(
            pid: open.int(0, 0)!, seconds: open.double(0, 1) ?? 0,
            state: open.string(0, 2) ?? "", query: open.string(0, 3) ?? "")
        return DatabaseStatus(
            database: "\(target) (\(target.origin))", serverVersion: server, schemaVersion: schema,
            latestSchemaVersion: Migrator.latestVersion, events: events, streams: streams,
            readers: readers, oldestTransaction: oldest)
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
                          "pid \(oldest.pid), open \(String(format: "%.1f", oldest.seconds)) s, \(oldest.state): readers wait for it"))
        } else {
            pairs.append(("oldest open transaction", "none"))
        }
        return pairs
    }
}
