import Foundation
import Postgres

/// A log restored from another cluster (pg_dump, pg_restore) whose transaction ids run ahead of
/// this cluster's counter is hidden from gap-safe readers until the counter passes them: the
/// first command that may do so moves it on, once (db/0016_restored_log.sql).
enum RestoredLog {
    /// Beyond this the wait would be long (about 3 s a million here); the server's own tool
    /// does it at once on a stopped cluster.
    static let largestAdvance: Int64 = 50_000_000

    static func adopt(_ connection: Connection, target: DatabaseTarget) throws {
        let ahead: Int64?
        do {
            ahead = try connection.execute("SELECT store.restored_transactions_ahead()").int64(0, 0)
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            return  // a reader: the projections it reads came with the restore
        }
        guard let ahead else { return }
        guard ahead <= largestAdvance else {
            let next = (try connection.execute("SELECT max(tx)::text FROM store.events").string(0, 0)).flatMap(UInt64.init).map { $0 + 1 } ?? 0
            throw Failure.other("""
                this log was restored from another cluster whose transaction ids run \(ahead) ahead of this one's, \
                so readers cannot see the restored events yet. Stop this server and move its counter past them with \
                PostgreSQL's own tool: pg_resetwal -e \(next >> 32) -x \(max(next & 0xffff_ffff, 3)) DATADIR; then start \
                it and run ustrack again.
                """)
        }
        FileHandleOutput.standardError.write("""
            note: this log was restored from another cluster whose transaction ids run \(ahead) ahead of this one's; \
            moving this server's transaction counter past them, once, so that readers see the restored events first.

            """)
        do {
            try connection.execute("CALL store.advance_past_restored_transactions()")
        } catch let error as PostgresError where error.sqlState == .readOnlySQLTransaction {
            FileHandleOutput.standardError.write("""
                warning: this server is read-only (a standby): the restored events stay hidden from followers of \
                the log until a ustrack command runs against the primary.

                """)
        }
    }
}
