/// A connection for async code: an actor whose executor is a dedicated thread, so the
/// connection is used by one executor at a time and its blocking calls stay off the
/// cooperative pool.
public actor PostgresClient {
    private let executor: ThreadExecutor
    private var connection: Connection?
    private let conninfo: String?

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Connects on the client's own thread.
    public static func connect(_ conninfo: String? = nil, name: String = "ustrack-postgres") async throws -> PostgresClient {
        let client = PostgresClient(conninfo: conninfo, executor: ThreadExecutor(name: name))
        try await client.open()
        return client
    }

    private init(conninfo: String?, executor: ThreadExecutor) {
        self.conninfo = conninfo
        self.executor = executor
    }

    deinit { executor.shutdown() }

    /// True when called on the client's own thread, where its connection is used.
    public nonisolated var isOnClientThread: Bool { executor.isCurrent }

    private func open() throws {
        connection = try Connection.connect(conninfo)
    }

    /// Runs `body` with the connection on the client's thread.
    public func withConnection<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        guard let connection else {
            throw PostgresError(kind: .client, message: "the client's connection is closed")
        }
        return try body(connection)
    }

    /// Closes the connection now rather than when the client is released.
    public func close() {
        connection = nil
    }
}
