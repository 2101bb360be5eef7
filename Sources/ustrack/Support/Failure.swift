import ArgumentParser
import EventStore
import Foundation
import Postgres
import Tracker

/// An error the user sees: what went wrong and what would be right, with its exit code.
struct Failure: Error, CustomStringConvertible {
    enum Code: Int32 {
        case failure = 1
        case badInput = 2
        case conflict = 3
        case unreachable = 4
    }

    let code: Code
    let message: String

    var description: String { message }

    static func badInput(_ message: String) -> Failure { Failure(code: .badInput, message: message) }
    static func conflict(_ message: String) -> Failure { Failure(code: .conflict, message: message) }
    static func other(_ message: String) -> Failure { Failure(code: .failure, message: message) }

    /// For a connection lost after an append was sent: it may have committed.
    static let outcomeUnknown = """
        Whether it was recorded is unknown: the connection was lost after the command was sent. \
        Running the same command again is safe: what the log already holds is not recorded twice.
        """

    static func unreachable(_ error: PostgresError, target: DatabaseTarget) -> Failure {
        let place: String
        if case .connectionFailed(let tried) = error.kind { place = tried } else { place = target.description }
        return Failure(code: .unreachable, message: """
            cannot reach the database at \(place) (\(target.origin)): \(error.message)
            Point ustrack at a running server with --database-url URL, DATABASE_URL, or \
            PGHOST/PGPORT/PGDATABASE/PGSERVICE; or unset them all to use the embedded database \
            (`ustrack db start`).
            """)
    }
}

extension Failure {
    /// Maps lower layers' errors to what the CLI reports.
    static func from(_ error: Error, target: DatabaseTarget) -> Error {
        switch error {
        case let failure as Failure: return failure
        case let error as Tracker.ValidationError: return badInput(error.message)
        case let error as WordingError: return badInput(error.description)
        case let error as PostgresError where error.isConnectionProblem:
            return unreachable(error, target: target)
        case let error as EventStoreError:
            if case .wrongExpectedVersion = error {
                return conflict("\(error); other writers kept changing it. Try again.")
            }
            if case .eventIdConflict = error {
                return badInput("\(error). An event id names one event: give this one an id of its own.")
            }
            return other("\(error)")
        case let error as PostgresError where error.sqlState == .insufficientPrivilege:
            return other("""
                the database refused: \(error). This login's role may not do that: recording and \
                `projections` need a member of ustrack_writer, reading commands one of ustrack_reader or \
                ustrack_writer, and `db migrate` the database's owner
                """)
        case let error as PostgresError:
            return other("the database refused: \(error)")
        default:
            return error
        }
    }
}

enum FileHandleOutput {
    case standardOutput, standardError

    func write(_ text: String) {
        let handle: FileHandle = self == .standardOutput ? .standardOutput : .standardError
        handle.write(Data(text.utf8))
    }
}
