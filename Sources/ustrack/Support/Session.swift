import EventStore
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
}
