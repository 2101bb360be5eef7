import CLibPQ
import Foundation

/// A SQLSTATE code. A struct rather than an enum so codes we have not named still round-trip,
/// and `~=` lets callers `switch` on the named ones.
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let uniqueViolation = SQLState(rawValue: "23505")
    public static let checkViolation = SQLState(rawValue: "23514")
    public static let insufficientPrivilege = SQLState(rawValue: "42501")
    public static let undefinedTable = SQLState(rawValue: "42P01")
    public static let undefinedFunction = SQLState(rawValue: "42883")
    public static let duplicateObject = SQLState(rawValue: "42710")
    public static let invalidParameterValue = SQLState(rawValue: "22023")
    public static let readOnlySQLTransaction = SQLState(rawValue: "25006")
    public static let serializationFailure = SQLState(rawValue: "40001")
    public static let deadlockDetected = SQLState(rawValue: "40P01")
    public static let queryCanceled = SQLState(rawValue: "57014")
    public static let adminShutdown = SQLState(rawValue: "57P01")
    public static let cannotConnectNow = SQLState(rawValue: "57P03")
    public static let raiseException = SQLState(rawValue: "P0001")
    /// Raised by `store.append` when the stream is not at the expected version.
    public static let wrongExpectedVersion = SQLState(rawValue: "UT001")
    /// Raised by `store.append` when some, not all, event ids of a batch were stored before.
    public static let partialDuplicate = SQLState(rawValue: "UT002")
    /// Raised by the immutability triggers on `store.events`.
    public static let immutableEvents = SQLState(rawValue: "UT003")
    /// Raised by `store.append` and `store.append_staged` when an event id the log holds comes
    /// again with another stream, type or data.
    public static let eventIdConflict = SQLState(rawValue: "UT004")

    public static func ~= (pattern: SQLState, value: SQLState?) -> Bool { pattern == value }

    /// Class 08 (connection exception) and the shutdown codes mean the server went away.
    public var isConnectionLoss: Bool {
        rawValue.hasPrefix("08") || self == .adminShutdown || self == .cannotConnectNow
    }
}

public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server could not be reached or refused the connection.
        case connectionFailed(target: String)
        /// The connection broke while in use.
        case connectionLost
        /// The server answered a statement with an error.
        case server
        /// ustrack used libpq wrongly or libpq failed locally (out of memory, bad state).
        case client
    }

    public var kind: Kind
    public var sqlState: SQLState?
    public var message: String
    public var detail: String?
    public var hint: String?

    public init(kind: Kind, sqlState: SQLState? = nil, message: String, detail: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = Redaction.redact(message)
        self.detail = detail.map(Redaction.redact)
        self.hint = hint.map(Redaction.redact)
    }

    public var description: String {
        var text = message
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        return text
    }

    public var isConnectionProblem: Bool {
        switch kind {
        case .connectionFailed, .connectionLost: true
        case .server: sqlState?.isConnectionLoss ?? false
        case .client: false
        }
    }

    static func from(result: OpaquePointer?, connection: OpaquePointer?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let result, let value = ustrack_result_field(result, code) else { return nil }
            return String(cString: value)
        }
        guard result != nil, let code = field(PG_DIAG_SQLSTATE_CODE) else {
            let lost = connection.map { PQstatus($0) == CONNECTION_BAD } ?? true
            return PostgresError(
                kind: lost ? .connectionLost : .client,
                message: connection.map(Connection.errorText) ?? "libpq failed without a message")
        }
        return PostgresError(
            kind: .server,
            sqlState: SQLState(rawValue: code),
            message: field(PG_DIAG_MESSAGE_PRIMARY_CODE) ?? "server error",
            detail: field(PG_DIAG_MESSAGE_DETAIL_CODE),
            hint: field(PG_DIAG_MESSAGE_HINT_CODE))
    }
}

let PG_DIAG_SQLSTATE_CODE = Int32(UInt8(ascii: "C"))
let PG_DIAG_MESSAGE_PRIMARY_CODE = Int32(UInt8(ascii: "M"))
let PG_DIAG_MESSAGE_DETAIL_CODE = Int32(UInt8(ascii: "D"))
let PG_DIAG_MESSAGE_HINT_CODE = Int32(UInt8(ascii: "H"))

/// Keeps passwords out of every message that leaves this module.
public enum Redaction {
    public static func redact(_ text: String) -> String {
        text
            // postgresql://user:secret@host → postgresql://user:***@host
            .replacingOccurrences(
                of: #"(postgres(ql)?://[^:/@\s]*:)[^@\s]*@"#, with: "$1***@",
                options: [.regularExpression, .caseInsensitive])
            // password=secret or password='se cret' in a conninfo string
            .replacingOccurrences(
                of: #"(password\s*=\s*)('([^'\\]|\\.)*'|\S+)"#, with: "$1***",
                options: [.regularExpression, .caseInsensitive])
    }
}
