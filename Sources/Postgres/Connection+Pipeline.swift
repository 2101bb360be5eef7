import CLibPQ
import Foundation

/// Statements to send in one round trip with `Connection.pipeline`.
public struct PipelineBatch {
    enum Item {
        case statement(sql: String, parameters: [String?])
        case prepared(name: String, parameters: [String?])
    }

    var items: [Item] = []

    public init() {}

    public mutating func add(_ sql: String, _ parameters: [any PostgresParameter] = []) {
        items.append(.statement(sql: sql, parameters: parameters.map { $0.postgresText }))
    }

    public mutating func add(_ statement: PreparedStatement, _ parameters: [any PostgresParameter] = []) {
        items.append(.prepared(name: statement.name, parameters: parameters.map { $0.postgresText }))
    }

    /// For parameters already in PostgreSQL's text format.
    public mutating func add(_ statement: PreparedStatement, _ texts: [String?]) {
        items.append(.prepared(name: statement.name, parameters: texts))
    }

    /// Both batches' statements, `first`'s before `second`'s.
    public static func + (first: PipelineBatch, second: PipelineBatch) -> PipelineBatch {
        var both = first
        both.items += second.items
        return both
    }

    public var count: Int { items.count }
}

extension Connection {
    /// Sends every statement of the batch without waiting for answers, then reads all answers:
    /// one round trip instead of one per statement. Each statement gets its own result; after
    /// the first failure the server skips the rest, which then fail as "aborted".
    /// Outside an explicit transaction the batch runs as one implicit transaction, so a failure
    /// undoes the statements before it too.
    public func pipeline(_ build: (inout PipelineBatch) -> Void) throws -> [Result<QueryResult, PostgresError>] {
        var batch = PipelineBatch()
        build(&batch)
        guard PQenterPipelineMode(handle) == 1 else {
            throw PostgresError(kind: .client, message: Self.errorText(handle))
        }
        // Non-blocking sends let us read answers while the send buffer drains, which avoids the
        // deadlock libpq warns about when both sides' buffers fill.
        PQsetnonblocking(handle, 1)
        defer {
            PQsetnonblocking(handle, 0)
            PQexitPipelineMode(handle)
        }
        for item in batch.items {
            let sent: Int32
            switch item {
            case .statement(let sql, let parameters):
                sent = withOptionalCStringArray(parameters) { pointers in
                    PQsendQueryParams(handle, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
                }
            case .prepared(let name, let parameters):
                sent = withOptionalCStringArray(parameters) { pointers in
                    PQsendQueryPrepared(handle, name, Int32(parameters.count), pointers, nil, nil, 0)
                }
            }
            // No flush per statement: libpq sends whenever 8 kB have queued up, and in
            // non-blocking mode reads answers meanwhile; one flush at the end sends the rest.
            guard sent == 1 else { throw PostgresError(kind: .connectionLost, message: Self.errorText(handle)) }
        }
        guard PQpipelineSync(handle) == 1 else {
            throw PostgresError(kind: .connectionLost, message: Self.errorText(handle))
        }
        try flushOutput()

        var results: [Result<QueryResult, PostgresError>] = []
        results.reserveCapacity(batch.count)
        for _ in batch.items {
            var outcome: Result<QueryResult, PostgresError>?
            // Each statement's answer is its result(s) followed by a NULL.
            while let raw = PQgetResult(handle) {
                if PQresultStatus(raw) == PGRES_PIPELINE_ABORTED {
                    PQclear(raw)
                    outcome = .failure(PostgresError(kind: .server, message: "skipped: an earlier statement in the pipeline failed"))
                } else {
                    outcome = checked(raw)
                }
            }
            results.append(outcome ?? .failure(PostgresError(kind: .client, message: "no result for a pipelined statement")))
        }
        // The sync marker closes the pipeline.
        while let raw = PQgetResult(handle) {
            let status = PQresultStatus(raw)
            PQclear(raw)
            if status == PGRES_PIPELINE_SYNC { break }
        }
        return results
    }

    private func flushOutput() throws {
        while true {
            switch PQflush(handle) {
            case 0: return
            case 1:
                try waitForSocket(events: Int16(POLLIN | POLLOUT), timeoutMilliseconds: -1)
                guard PQconsumeInput(handle) == 1 else {
                    throw PostgresError(kind: .connectionLost, message: Self.errorText(handle))
                }
            default:
                throw PostgresError(kind: .connectionLost, message: Self.errorText(handle))
            }
        }
    }

    /// Blocks in poll(2) until the socket is ready or the timeout passes; returns false on timeout.
    @discardableResult
    func waitForSocket(events: Int16, timeoutMilliseconds: Int32) throws -> Bool {
        var descriptor = pollfd(fd: PQsocket(handle), events: events, revents: 0)
        guard descriptor.fd >= 0 else {
            throw PostgresError(kind: .connectionLost, message: "the connection has no socket")
        }
        while true {
            let ready = poll(&descriptor, 1, timeoutMilliseconds)
            if ready >= 0 { return ready > 0 }
            if errno != EINTR {
                throw PostgresError(kind: .client, message: "poll failed: \(String(cString: strerror(errno)))")
            }
        }
    }
}
