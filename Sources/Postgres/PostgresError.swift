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
    /// Class 28: the server did not accept who the client said it was.
    public static let invalidAuthorizationSpecification = SQLState(rawValue: "28000")
    public static let invalidPassword = SQLState(rawValue: "28P01")
    /// Class 53: the server ran out of something; the statement failed, the server did not.
    public static let insufficientResources = SQLState(rawValue: "53000")
    public static let diskFull = SQLState(rawValue: "53100")
    public static let outOfMemory = SQLState(rawValue: "53200")
    public static let tooManyConnections = SQLState(rawValue: "53300")
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

    /// Class 53 (insufficient resources): out of disk space, memory or connections.
    public var isOutOfResources: Bool { rawValue.hasPrefix("53") }

    /// Class 28 (invalid authorization specification): a wrong password, an unknown login.
    public var isAuthenticationFailure: Bool { rawValue.hasPrefix("28") }

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
            guard let result, let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        guard result != nil, let code = field(PG_DIAG_SQLSTATE_CODE) else {
            // libpq can report "server closed the connection unexpectedly" while PQstatus still
            // says CONNECTION_OK (seen when the server is killed under load); reading from the
            // socket settles it: a closed one fails and marks the connection bad.
            let lost = connection.map { PQstatus($0) == CONNECTION_BAD || PQconsumeInput($0) == 0 } ?? true
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
    /// Patterns whose first capture group is a password: URL user info, a conninfo or URI
    /// `password=` value, and libpq's messages that quote a token of a URL as written.
    static let patterns: [NSRegularExpression] = [
        // postgresql://user:secret@host
        #"postgres(?:ql)?://[^:/@\s]*:([^@\s]*)@"#,
        // ?password=secret&… in a URI's query
        #"[?&]password=([^&\s#]*)"#,
        // password=secret or password = 'se cret' in a conninfo string
        #"(?<![?&])password\s*=\s*('(?:[^'\\]|\\.)*'?|\S+)"#,
        // libpq, on a URL it cannot decode: invalid percent-encoded token: "secret%zz"
        #"(?:percent-encoded token|percent-encoded value): "([^"]*)""#,
    ].map { try! NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }

    /// Where passwords are in `text`, as the patterns find them.
    public static func passwordRanges(in text: String) -> [Range<String.Index>] {
        let whole = NSRange(text.startIndex..., in: text)
        let found = patterns.flatMap { pattern in
            pattern.matches(in: text, range: whole).compactMap { match -> Range<String.Index>? in
                guard match.range(at: 1).location != NSNotFound, match.range(at: 1).length > 0 else { return nil }
                return Range(match.range(at: 1), in: text)
            }
        }
        // Merged and in order, so replacing them from the end keeps the others' indices valid.
        var merged: [Range<String.Index>] = []
        for range in found.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    public static func redact(_ text: String) -> String {
        var redacted = text
        for range in passwordRanges(in: text).reversed() {
            redacted.replaceSubrange(range, with: "***")
        }
        return redacted
    }

    /// Also hides each of `secrets` (passwords known from the connection string) wherever it
    /// appears. Secrets shorter than four characters are left to the patterns: replacing every
    /// "ab" would garble the message without hiding anything the patterns miss.
    public static func redact(_ text: String, hiding secrets: [String]) -> String {
        var redacted = redact(text)
        for secret in Set(secrets).sorted(by: { $0.count > $1.count }) where secret.count >= 4 {
            redacted = redacted.replacingOccurrences(of: secret, with: "***")
        }
        return redacted
    }
}

/// What libpq makes of a connection string before connecting: whether it parses, the place it
/// names and the passwords it carries, so messages name only places that were tried and
/// never carry a password.
public enum ConnectionString {
    /// True when libpq reads `text` as a conninfo string or URI rather than a database name
    /// (`Connection.connect` passes it with `expand_dbname`).
    public static func isConnectionString(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://") || text.contains("=")
    }

    /// libpq's reason the string cannot be read (passwords redacted), or nil when it can.
    public static func problem(_ text: String) -> String? {
        guard isConnectionString(text) else { return nil }
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &error) else {
            defer { PQfreemem(error) }
            let message = error.map { String(cString: $0) } ?? "libpq cannot parse it"
            return Redaction.redact(message.trimmingCharacters(in: .whitespacesAndNewlines), hiding: passwords(in: text))
        }
        PQconninfoFree(options)
        return nil
    }

    /// The settings `text` gives explicitly (nil and a bare database name give at most
    /// `dbname`), the password left out.
    public static func settings(_ text: String?) -> [String: String] {
        guard let text, !text.isEmpty else { return [:] }
        guard isConnectionString(text) else { return ["dbname": text] }
        return parse(text).filter { $0.key != "password" }
    }

    /// The place a connection with `text` would go, named as `Connection.target` names one:
    /// explicit settings first, then libpq's defaults (PGHOST, PGPORT, PGDATABASE, …).
    public static func place(_ text: String?) -> String {
        let explicit = settings(text)
        var defaults: [String: String] = [:]
        if let options = PQconndefaults() {
            defaults = collect(options)
            PQconninfoFree(options)
        }
        func value(_ key: String) -> String {
            explicit[key].flatMap { $0.isEmpty ? nil : $0 } ?? defaults[key] ?? ""
        }
        let host = value("hostaddr").isEmpty ? value("host") : value("hostaddr")
        let port = value("port").isEmpty ? "5432" : value("port")
        let place = host.isEmpty || host.hasPrefix("/")
            ? "socket \(host.isEmpty ? "/var/run/postgresql" : host)/.s.PGSQL.\(port)"
            : "host \(host) port \(port)"
        let database = value("dbname")
        return database.isEmpty ? place : "\(place), database \(database)"
    }

    /// The passwords `text` carries, as written and as libpq decodes them, to hide wherever
    /// they turn up.
    public static func passwords(in text: String) -> [String] {
        var found = Redaction.passwordRanges(in: text).map { String(text[$0]) }
        found += found.compactMap { $0.removingPercentEncoding }
        found += found.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
        if isConnectionString(text), let password = parse(text)["password"] { found.append(password) }
        return Array(Set(found.filter { !$0.isEmpty }))
    }

    private static func parse(_ text: String) -> [String: String] {
        guard let options = PQconninfoParse(text, nil) else { return [:] }
        defer { PQconninfoFree(options) }
        return collect(options)
    }

    private static func collect(_ options: UnsafeMutablePointer<PQconninfoOption>) -> [String: String] {
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return values
    }
}
