import CLibPQ
import Foundation

/// One libpq connection. Not Sendable: it belongs to one thread or executor at a time.
/// Every call blocks until the server answers.
public final class Connection {
    /// The raw libpq handle, for what this wrapper does not cover.
    public let handle: OpaquePointer
    /// Channels to notify once the transaction `transaction(_:)` runs has committed.
    var channelsToNotifyAfterCommit: Set<String> = []
    /// The channels this connection listens on, and whether it holds each one's listener lock.
    var listenerLocks: [String: Bool] = [:]
    /// The statements `prepared(_:)` has prepared on this connection, by their SQL.
    private var preparedStatements: [String: PreparedStatement] = [:]
    /// Column types by table, for binary COPY (`columnTypes(of:_:)`).
    var columnTypesByTable: [String: [String: PostgresType]] = [:]

    private init(handle: OpaquePointer) { self.handle = handle }

    deinit { PQfinish(handle) }

    /// Connects with a conninfo string or URI; with nil, `DATABASE_URL`, then libpq's own
    /// environment (`PGHOST`, `PGDATABASE`, `PGSERVICE`, `PGPASSFILE`, …).
    public static func connect(_ conninfo: String? = nil) throws -> Connection {
        let settings = conninfo ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? ""
        return try connect(keywords: ["dbname", "fallback_application_name"], values: [settings, "ustrack"])
    }

    /// With `expand_dbname`: a `dbname` value may be a whole conninfo string or URI.
    private static func connect(keywords: [String], values: [String]) throws -> Connection {
        let raw = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let raw else {
            throw PostgresError(kind: .client, message: "libpq could not allocate a connection")
        }
        guard PQstatus(raw) == CONNECTION_OK else {
            let target = describeTarget(raw)
            let message = errorText(raw)
            PQfinish(raw)
            throw PostgresError(kind: .connectionFailed(target: target), message: message)
        }
        // Server NOTICEs ("already exists, skipping") are not for the user; libpq would print them.
        PQsetNoticeProcessor(raw, { _, _ in }, nil)
        let connection = Connection(handle: raw)
        // Timestamps are read back in UTC and ISO form whatever the server's defaults are.
        try connection.executeScript("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'")
        return connection
    }

    /// A second connection to the same server and database with the same settings (libpq's
    /// record of what this one used, password included), for work in parallel.
    public func connectAgain() throws -> Connection {
        guard let options = PQconninfo(handle) else {
            throw PostgresError(kind: .client, message: "libpq could not describe the connection")
        }
        defer { PQconninfoFree(options) }
        var keywords: [String] = [], values: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                keywords.append(String(cString: keyword))
                values.append(String(cString: value))
            }
            option += 1
        }
        return try Self.connect(keywords: keywords, values: values)
    }

    /// Where this connection points, as a person would name it: `socket /run/x/.s.PGSQL.5432`
    /// or `host db.example.org port 5432`, plus the database.
    public var target: String { Self.describeTarget(handle) }

    /// The server's version as an integer, e.g. 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// True inside BEGIN … COMMIT, including a transaction that has failed and awaits ROLLBACK.
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    public var isAlive: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs one statement with parameters ($1, $2, …) sent separately from the SQL text.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresParameter]) throws -> QueryResult {
        let texts = parameters.map { $0.postgresText }
        let result = withOptionalCStringArray(texts) { pointers in
            PQexecParams(handle, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
        }
        return try check(result)
    }

    @discardableResult
    public func execute(_ sql: String, _ parameters: any PostgresParameter...) throws -> QueryResult {
        try execute(sql, parameters)
    }

    /// Runs a script of several statements (no parameters), e.g. a migration file.
    public func executeScript(_ sql: String) throws {
        // A script may change tables: the column types binary COPY knows are read again.
        columnTypesByTable = [:]
        // PQexec runs the statements in one implicit transaction and stops at the first error.
        try check(PQexec(handle, sql))
    }

    /// Parses and plans a statement once for repeated use on this connection.
    public func prepare(_ name: String, _ sql: String) throws -> PreparedStatement {
        try check(PQprepare(handle, name, sql, 0, nil))
        return PreparedStatement(name: name)
    }

    /// `sql` prepared on this connection, the first time it is asked for: the server parses
    /// and plans a statement that runs again and again only once. The connection names it.
    public func prepared(_ sql: String) throws -> PreparedStatement {
        if let known = preparedStatements[sql] { return known }
        let statement = try prepare("ustrack_\(preparedStatements.count + 1)", sql)
        preparedStatements[sql] = statement
        return statement
    }

    @discardableResult
    public func execute(_ statement: PreparedStatement, _ parameters: [any PostgresParameter]) throws -> QueryResult {
        let texts = parameters.map { $0.postgresText }
        let result = withOptionalCStringArray(texts) { pointers in
            PQexecPrepared(handle, statement.name, Int32(texts.count), pointers, nil, nil, 0)
        }
        return try check(result)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// Inside a transaction already, `body` simply joins it; the outer one commits or rolls back.
    @discardableResult
    public func transaction<T>(
        isolation: IsolationLevel = .readCommitted, _ body: () throws -> T
    ) throws -> T {
        if isInTransaction { return try body() }
        try execute("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        let value: T
        do {
            value = try body()
            try execute("COMMIT")
        } catch {
            channelsToNotifyAfterCommit = []
            if isAlive { _ = try? execute("ROLLBACK") }
            throw error
        }
        sendNotificationsAfterCommit()
        return value
    }

    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    /// Quotes an identifier (a channel or table name) for the rare SQL that cannot take a parameter.
    public func quoteIdentifier(_ identifier: String) throws -> String {
        guard let quoted = PQescapeIdentifier(handle, identifier, identifier.utf8.count) else {
            throw PostgresError(kind: .client, message: Self.errorText(handle))
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// Turns a libpq result into a `QueryResult` or a `PostgresError`, releasing it on error.
    @discardableResult
    func check(_ result: OpaquePointer?) throws -> QueryResult {
        try checked(result).get()
    }

    func checked(_ result: OpaquePointer?) -> Result<QueryResult, PostgresError> {
        guard let result else { return .failure(PostgresError.from(result: nil, connection: handle)) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_EMPTY_QUERY,
             PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_PIPELINE_SYNC:
            return .success(QueryResult(handle: result))
        default:
            let error = PostgresError.from(result: result, connection: handle)
            PQclear(result)
            return .failure(error)
        }
    }

    static func errorText(_ connection: OpaquePointer) -> String {
        guard let text = PQerrorMessage(connection) else { return "unknown libpq error" }
        return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func describeTarget(_ connection: OpaquePointer) -> String {
        let host = PQhost(connection).map { String(cString: $0) } ?? ""
        let port = PQport(connection).map { String(cString: $0) } ?? ""
        let database = PQdb(connection).map { String(cString: $0) } ?? ""
        let place = host.isEmpty || host.hasPrefix("/")
            ? "socket \(host.isEmpty ? "/var/run/postgresql" : host)/.s.PGSQL.\(port.isEmpty ? "5432" : port)"
            : "host \(host) port \(port.isEmpty ? "5432" : port)"
        return database.isEmpty ? place : "\(place), database \(database)"
    }
}

public struct PreparedStatement: Sendable, Hashable {
    public let name: String
}

/// Keeps C strings alive for exactly the duration of the libpq call that reads them.
func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withOptionalCStringArray(strings.map(Optional.some), body)
}

func withOptionalCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let owned: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
    defer { owned.forEach { free($0) } }
    return body(owned.map { UnsafePointer($0) } + [nil])
}
