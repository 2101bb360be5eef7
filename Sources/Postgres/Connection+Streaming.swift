import CLibPQ

extension Connection {
    /// Runs a query and hands the rows to `body` one at a time as they arrive (libpq's
    /// single-row mode), so a large result never sits in memory whole. Each call of `body`
    /// gets a result holding exactly one row. Returning false stops early.
    public func stream(
        _ sql: String, _ parameters: [any PostgresParameter] = [],
        _ body: (QueryResult) throws -> Bool
    ) throws {
        let texts = parameters.map { $0.postgresText }
        let sent = withOptionalCStringArray(texts) { pointers in
            PQsendQueryParams(handle, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
        }
        guard sent == 1 else { throw PostgresError(kind: .connectionLost, message: Self.errorText(handle)) }
        PQsetSingleRowMode(handle)
        var failure: Error?
        var stopped = false
        while let raw = PQgetResult(handle) {
            if failure != nil || stopped { PQclear(raw); continue }
            do {
                let result = try check(raw)
                if PQresultStatus(raw) == PGRES_SINGLE_TUPLE, try !body(result) {
                    stopped = true
                    cancelRunningQuery()
                }
            } catch {
                failure = error
                cancelRunningQuery()
            }
        }
        if let failure { throw failure }
    }

    /// Asks the server to stop the current statement; the remaining results are then drained.
    func cancelRunningQuery() {
        guard let cancel = PQgetCancel(handle) else { return }
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &message, Int32(message.count))
        PQfreeCancel(cancel)
    }
}

extension Connection {
    /// Sends a statement and returns at once: the server works on it while the caller does
    /// something else, then `receive()` collects the answer. In between, the connection must
    /// not be used for anything else.
    public func send(_ sql: String, _ parameters: [any PostgresParameter]) throws {
        let texts = parameters.map { $0.postgresText }
        let sent = withOptionalCStringArray(texts) { pointers in
            PQsendQueryParams(handle, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
        }
        guard sent == 1 else { throw PostgresError(kind: .connectionLost, message: Self.errorText(handle)) }
    }

    /// The answer to what `send` sent, waiting for it if need be.
    public func receive() throws -> QueryResult {
        var outcome: Result<QueryResult, PostgresError>?
        while let raw = PQgetResult(handle) {
            if outcome == nil { outcome = checked(raw) } else { PQclear(raw) }
        }
        guard let outcome else { throw PostgresError(kind: .client, message: "receive() without a statement sent") }
        return try outcome.get()
    }
}
