import EventStore
import Tracker
import Postgres
import Projections

/// A command's database work: the connection, the store, and the projections it keeps current.
struct Session {
    let target: DatabaseTarget
    let store: EventStore
    var connection: Connection { store.connection }

    init(_ options: CommonOptions) throws {
        try self.init(databaseURL: options.databaseURL)
    }

    init(databaseURL: String?) throws {
        target = DatabaseTarget.resolve(databaseURL: databaseURL)
        store = EventStore(connection: try target.connectMigrated())
    }

    init(target: DatabaseTarget, store: EventStore) {
        self.target = target
        self.store = store
    }

    /// Brings the projections up to the log, so a user reads their own writes. A reader who may
    /// not write (the reader role, a read-only standby) reads them as they are.
    func catchUp() throws {
        do {
            try ProjectionRunner(store: store).catchUp()
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege || error.sqlState == .readOnlySQLTransaction {
            return
        } catch {
            throw Failure.from(error, target: target)
        }
    }

    func run<T>(_ body: () throws -> T) throws -> T {
        try withFailures(target, body)
    }

    /// What every reading command does first: check the two times, connect, catch the
    /// projections up, and make sure SCOPE exists.
    static func reading(databaseURL: String?, time: TimeOptions, scope: String?) throws
        -> (session: Session, asOf: CalendarDate, knownAt: String) {
        let asOf = try time.asOfDate()
        let session = try Session(databaseURL: databaseURL)
        let knownAt = try time.knownAtTimestamp(session.connection)
        try session.catchUp()
        try session.checkScope(scope)
        return (session, asOf, knownAt)
    }

    /// Fails with exit 2 when SCOPE names neither a portfolio nor a programme.
    func checkScope(_ scope: String?) throws {
        guard let scope else { return }
        let known = try run {
            try connection.execute("""
                SELECT 1 FROM reporting.portfolios WHERE id = $1 UNION ALL SELECT 1 FROM reporting.programmes WHERE id = $1
                """, scope).rowCount > 0
        }
        if !known {
            throw Failure.badInput("unknown scope \"\(scope)\": give a portfolio or programme id (`ustrack status` lists them)")
        }
    }
}
