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
    /// not write (the reader role, a read-only standby) reads them as they are. Projections
    /// stopped at a poison event are not this command's failure: what it recorded is stored and
    /// what it reads is there up to that event, so it goes on and says so on stderr.
    func catchUp() throws {
        do {
            try ProjectionRunner(store: store).catchUp()
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege || error.sqlState == .readOnlySQLTransaction {
            return
        } catch ProjectionError.poison(let stop) {
            FileHandleOutput.standardError.write("""
                warning: the projections are stopped at \(stop.summary).
                It and the events recorded after it are stored but not in the projections yet: reports and \
                reading commands leave them out. To get past it, \(stop.remedy).

                """)
        } catch {
            throw Failure.from(error, target: target)
        }
    }

    func run<T>(_ body: () throws -> T) throws -> T {
        try withFailures(target, body)
    }

    /// What every reading command does first: check the two times, connect, catch the
    /// projections up, and make sure SCOPE was known then.
    static func reading(databaseURL: String?, time: TimeOptions, scope: String?) throws
        -> (session: Session, asOf: CalendarDate, knownAt: String) {
        let asOf = try time.asOfDate()
        let session = try Session(databaseURL: databaseURL)
        let knownAt = try time.knownAtTimestamp(session.connection)
        try session.catchUp()
        try session.checkScope(scope, asOf: asOf, knownAt: knownAt)
        return (session, asOf, knownAt)
    }

    /// Fails with exit 2 when SCOPE names nothing known at the two times: no portfolio or
    /// programme recorded (and not retracted) by known_at, and no scope with claims then (a
    /// programme whose definition is retracted keeps its claims, and `status` lists them).
    /// Asked in that order, each only if the one before found nothing: each function computes
    /// every scope's estimate.
    func checkScope(_ scope: String?, asOf: CalendarDate, knownAt: String) throws {
        guard let scope else { return }
        let known = try run {
            try connection.execute("""
                SELECT EXISTS (SELECT 1 FROM reporting.status_at($2::date, $3::timestamptz) WHERE scope = $1)
                    OR EXISTS (SELECT 1 FROM reporting.programmes_at($2::date, $3::timestamptz) WHERE id = $1)
                    OR EXISTS (SELECT 1 FROM reporting.portfolios_at($2::date, $3::timestamptz) WHERE id = $1)
                """, [scope, asOf, knownAt]).bool(0, 0) == true
        }
        guard !known else { return }
        let then = knownAt == "now" ? "" : " as known at \(knownAt)"
        let ids = try run {
            try connection.execute("""
                SELECT id FROM reporting.portfolios_at($1::date, $2::timestamptz)
                UNION SELECT id FROM reporting.programmes_at($1::date, $2::timestamptz)
                """, [asOf, knownAt]).column().compactMap { $0 }
        }
        let hint: String
        if ids.isEmpty {
            hint = knownAt == "now"
                ? "no portfolio or programme is recorded yet: add one with `ustrack portfolio define` or `ustrack programme add`"
                : "no portfolio or programme had been recorded by then"
        } else {
            let near = NearestNames.nearest(to: scope, among: ids)
            hint = "give a portfolio or programme id"
                + (near.isEmpty ? "" : ", such as \(near.map { "\"\($0)\"" }.joined(separator: " or "))")
                + " (\(ids.count) known; `ustrack report` lists every programme)"
        }
        throw Failure.badInput("unknown scope \"\(scope)\"\(then): \(hint)")
    }
}
