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

    /// A connection that could not be made or was lost: where, from which setting, and why.
    static func connection(_ error: PostgresError, target: DatabaseTarget) -> Failure {
        guard case .connectionFailed(let tried) = error.kind else {
            return Failure(code: .unreachable, message: """
                lost the connection to the database at \(target) (\(target.origin)) in the middle of the \
                command: \(error.message)
                The server may have crashed or been restarted. Run the command again once it answers \
                (`ustrack db status` says whether it does).
                """)
        }
        if let refusal = authentication(error, tried: tried, target: target) { return refusal }
        if error.message.contains("No space left on device") { return outOfResources(error) }
        return Failure(code: .unreachable, message: """
            cannot reach the database at \(tried) (\(target.origin)): \(error.message)
            Point ustrack at a running server with --database-url URL, DATABASE_URL, or \
            PGHOST/PGPORT/PGDATABASE/PGSERVICE; or unset them all to use the embedded database \
            (`ustrack db start`).
            """)
    }

    /// The server answered but did not let this login in (exit 4: the database is out of
    /// reach until the login is right), or nil when that is not what happened.
    static func authentication(_ error: PostgresError, tried: String?, target: DatabaseTarget) -> Failure? {
        let text = error.message
        let named = text.firstMatch(of: /for user "([^"]*)"/).map { String($0.1) }
        let user = named ?? target.user
        let place = "\(tried ?? target.description) (\(target.origin))"
        let password = """
            Give the password in a password file (PGPASSFILE, by default ~/.pgpass, mode 0600) or in \
            DATABASE_URL rather than on the command line, and check the user name (PGUSER, or the \
            URL's user).
            """
        if text.contains("Peer authentication failed") || text.contains("Ident authentication failed") {
            return Failure(code: .unreachable, message: """
                authentication failed for user "\(user)" at \(place): \(text)
                This server lets a login in through its socket only as the OS users it maps to it \
                (pg_ident.conf): the embedded database, only the OS user who owns $USTRACK_HOME, and root. \
                Run ustrack as that user, or give others access through a server of their own (see README).
                """)
        }
        if text.contains("authentication failed for user") || error.sqlState?.isAuthenticationFailure == true
            && !text.contains("no pg_hba.conf entry") {
            return Failure(code: .unreachable, message: "authentication failed for user \"\(user)\" at \(place): \(text)\n\(password)")
        }
        if text.contains("no password supplied") {
            return Failure(code: .unreachable, message: """
                authentication failed for user "\(user)" at \(place): the server asks for a password and none was given.
                \(password)
                """)
        }
        if text.contains("no pg_hba.conf entry") {
            return Failure(code: .unreachable, message: """
                the server at \(place) lets no login in as user "\(user)" from here: \(text)
                Its administrator decides that in pg_hba.conf; or connect as another user.
                """)
        }
        return nil
    }

    /// SQLSTATE class 53: the server is up but ran out of disk space, memory or connections.
    static func outOfResources(_ error: PostgresError) -> Failure {
        let what = error.sqlState == .diskFull || error.message.contains("No space left on device")
            ? "out of disk space" : "out of resources"
        return other("""
            the database server is \(what): \(error)
            The statement failed and its transaction was rolled back, so nothing was written by it. \
            Free space on the server (or ask its administrator to), then run the command again.
            """)
    }
}

extension Failure {
    /// Maps lower layers' errors to what the CLI reports.
    static func from(_ error: Error, target: DatabaseTarget) -> Error {
        let mapped = map(error, target: target)
        guard let failure = mapped as? Failure else { return mapped }
        return Failure(code: failure.code, message: Redaction.redact(failure.message, hiding: target.passwords))
    }

    private static func map(_ error: Error, target: DatabaseTarget) -> Error {
        switch error {
        case let failure as Failure: return failure
        case let error as Tracker.ValidationError: return badInput(error.message)
        case let error as WordingError: return badInput(error.description)
        case let error as PostgresError where error.isConnectionProblem:
            return connection(error, target: target)
        case let error as PostgresError where error.sqlState?.isOutOfResources == true:
            return outOfResources(error)
        case let error as PostgresError where error.sqlState?.isAuthenticationFailure == true:
            return authentication(error, tried: nil, target: target) ?? other("the database refused: \(error)")
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
