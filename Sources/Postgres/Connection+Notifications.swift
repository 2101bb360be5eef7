import CLibPQ

public struct Notification: Sendable, Hashable {
    public let channel: String
    public let payload: String
    public let senderPID: Int32
}

extension Connection {
    public func listen(_ channel: String) throws {
        try execute("LISTEN \(try quoteIdentifier(channel))")
    }

    public func unlisten(_ channel: String) throws {
        try execute("UNLISTEN \(try quoteIdentifier(channel))")
    }

    public func notify(_ channel: String, payload: String = "") throws {
        try execute("SELECT pg_notify($1, $2)", channel, payload)
    }

    /// Waits on the connection's socket (no sleeping in a loop) until a notification arrives or
    /// `timeout` passes. Returns nil on timeout. A broken connection throws.
    public func waitForNotification(timeout: Duration) throws -> Notification? {
        if let pending = try nextNotification() { return pending }
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000
            + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard try waitForSocket(events: Int16(POLLIN), timeoutMilliseconds: milliseconds) else { return nil }
        return try nextNotification()
    }

    /// Reads what the socket holds and returns one queued notification, if any.
    public func nextNotification() throws -> Notification? {
        guard PQconsumeInput(handle) == 1 else {
            throw PostgresError(kind: .connectionLost, message: Self.errorText(handle))
        }
        guard let raw = PQnotifies(handle) else { return nil }
        defer { PQfreemem(raw) }
        return Notification(
            channel: String(cString: raw.pointee.relname),
            payload: String(cString: raw.pointee.extra),
            senderPID: raw.pointee.be_pid)
    }
}
