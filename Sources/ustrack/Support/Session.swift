import EventStore
import Tracker
import Postgres
import Projections

/// A command's database work: the connection, the store, and the projections it keeps current.
struct Session {
    let target: DatabaseTarget
    let store: EventStore
    var connection: Connection { store.connection }
    /// What the reading side asks of the database.
    var queries: ReportingQueries { ReportingQueries(connection: connection) }

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

    /// Why the projections may stand behind the log after `catchUp`.
    enum Behind {
        case mayNotUpdate, readOnly, locked(String), stopped
    }

    /// Brings the projections up to the log, so a user reads their own writes, then says on
    /// stderr what the command cannot see (DESIGN.md §2, honest reads). A reader who may not
    /// write (the reader role, a read-only standby) reads them as they are. Projections stopped
    /// at a poison event, or whose lock another session holds past USTRACK_LOCK_TIMEOUT, are not
    /// this command's failure: what it recorded is stored and what it reads is there up to where
    /// they stand, so it goes on and says so. `reading`: the warnings speak of an answer, not of
    /// a recorded event.
    func catchUp(reading: Bool = false) throws {
        var behind: Behind?
        do {
            try ProjectionRunner(store: store).catchUp()
        } catch let error as PostgresError where error.sqlState == .insufficientPrivilege {
            behind = .mayNotUpdate
        } catch let error as PostgresError where error.sqlState == .readOnlySQLTransaction {
            behind = .readOnly
        } catch let error as EventStoreError {
            guard case .checkpointLocked = error else { throw Failure.from(error, target: target) }
            behind = .locked("\(error)")
        } catch ProjectionError.poison(let stop) {
            behind = .stopped
            FileHandleOutput.standardError.write("""
                warning: the projections are stopped at \(stop.summary).
                It and the events recorded after it are stored but not in the projections yet: reports and \
                reading commands leave them out. To get past it, \(stop.remedy).

                """)
        } catch {
            throw Failure.from(error, target: target)
        }
        try warnOfWhatIsNotSeen(behind: behind, reading: reading)
    }

    /// One call to `reporting.reading_horizon()`: events committed behind a transaction still
    /// open, which no reader may take yet, and projections that stand behind what they could
    /// read because this command could not move them.
    func warnOfWhatIsNotSeen(behind: Behind?, reading: Bool) throws {
        let horizon: ReportingQueries.Horizon?
        do {
            horizon = try queries.readingHorizon()
        } catch let error as PostgresError where !error.isConnectionProblem {
            return  // a warning the server cannot give is no reason to fail the command
        } catch {
            throw Failure.from(error, target: target)
        }
        guard let horizon else { return }
        let logPosition = horizon.logPosition ?? 0, hidden = horizon.hiddenEvents ?? 0
        let position = horizon.projectionPosition ?? 0, lag = horizon.projectionLag ?? 0
        let standby = horizon.inRecovery == true
        func events(_ count: Int64) -> String { count == 1 ? "1 event" : "\(count) events" }
        var reasons: [String] = []
        if hidden > 0 {
            let holder: String
            if let pid = horizon.holderPid {
                var parts = ["user \(horizon.holderUser ?? "?")"]
                if let application = horizon.holderApplication, !application.isEmpty { parts.append("application \(application)") }
                if let state = horizon.holderState { parts.append(state) }
                if let database = horizon.holderDatabase { parts.append("database \(database)") }
                if let since = horizon.holderSince, let seconds = horizon.holderSeconds {
                    parts.append("open \(String(format: "%.1f", seconds)) s, since \(since)")
                }
                holder = "pid \(pid) (\(parts.joined(separator: ", ")))"
            } else {
                holder = standby ? "a transaction on the primary server" : "a prepared transaction (see pg_prepared_xacts)"
            }
            reasons.append("""
                \(events(hidden)) committed to the log cannot be read yet: the log is read in commit order, and a \
                transaction that began before \(hidden == 1 ? "it" : "they") committed is still open: \(holder). \
                \(hidden == 1 ? "It is" : "They are") read once that transaction ends (`ustrack db status` shows it).
                """)
        }
        let why: String? = switch behind {
        case nil, .stopped: nil  // caught up as far as it may, or already said why not
        case .mayNotUpdate where standby, .readOnly:
            "this server is a read-only standby: they move only as it replays what catch-up wrote on the primary"
        case .mayNotUpdate:
            "this login may not update them (it is not in ustrack_writer): a writer's command, or "
                + "`ustrack projections follow`, catches them up"
        case .locked(let message): message
        }
        if let why, lag > 0 {
            reasons.append("the projections are \(events(lag)) behind the log (they stand at position \(position), "
                + "the log at \(logPosition)): \(why).")
        }
        guard !reasons.isEmpty else { return }
        let head = reading
            ? "warning: this answer leaves out events the log holds:"
            : "warning: the event is stored but not in the projections yet, so reports leave it out:"
        FileHandleOutput.standardError.write(([head] + reasons.map { "  " + $0 }).joined(separator: "\n") + "\n")
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
        try session.catchUp(reading: true)
        try session.checkScope(scope, asOf: asOf, knownAt: knownAt)
        return (session, asOf, knownAt)
    }

    /// Fails with exit 2 when SCOPE names nothing known at the two times: no portfolio or
    /// programme recorded (and not retracted) by known_at, and no scope with claims then (a
    /// programme whose definition is retracted keeps its claims, and `status` lists them).
    func checkScope(_ scope: String?, asOf: CalendarDate, knownAt: String) throws {
        guard let scope else { return }
        let known = try run { try queries.isKnownScope(scope, asOf: asOf, knownAt: knownAt) }
        guard !known else { return }
        let then = knownAt == "now" ? "" : " as known at \(knownAt)"
        let ids = try run { try queries.scopeIds(asOf: asOf, knownAt: knownAt) }
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
