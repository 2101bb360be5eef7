import CLibPQ

public struct Notification: Sendable, Hashable {
    public let channel: String
    public let payload: String
    public let senderPID: Int32
}

/// Listeners announce themselves with an advisory lock, so that a writer can skip its wake-up
/// when nobody listens: a NOTIFY is cheap to skip and dear to send (see `notifyAfterCommit`).
/// One listener per channel holds the lock; the others keep trying (`waitForNotification`)
/// and meanwhile get the wake-ups the holder's presence causes.
extension Connection {
    public func listen(_ channel: String) throws {
        try execute("LISTEN \(try quoteIdentifier(channel))")
        listenerLocks[channel] = try tryListenerLock(channel)
    }

    public func unlisten(_ channel: String) throws {
        try execute("UNLISTEN \(try quoteIdentifier(channel))")
        if listenerLocks.removeValue(forKey: channel) == true {
            try execute("SELECT pg_advisory_unlock(hashtext('listening:' || $1))", channel)
        }
    }

    private func tryListenerLock(_ channel: String) throws -> Bool {
        try execute("SELECT pg_try_advisory_lock(hashtext('listening:' || $1))", channel).bool(0, 0) ?? false
    }

    /// Notifies `channel` now, whether anyone listens or not.
    public func notify(_ channel: String, payload: String = "") throws {
        try execute("SELECT pg_notify($1, $2)", channel, payload)
    }

    /// Notifies `channel` once the current transaction has committed, or now outside one, if
    /// anyone listens. PostgreSQL holds a database-wide lock from a notifying transaction's
    /// commit to its end, so a NOTIFY inside a durable write would queue every writer's flush
    /// behind the others'; this one runs in a short transaction of its own that does not wait
    /// for the disk. Inside a transaction it goes out when `transaction(_:)` commits, and not
    /// at all if it rolls back.
    public func notifyAfterCommit(_ channel: String) throws {
        if isInTransaction {
            channelsToNotifyAfterCommit.insert(channel)
        } else {
            try execute(try prepared(Self.notifyIfListened), [channel])
        }
    }

    /// Skipped while no listener holds the lock. No wake-up is lost by that: a listener takes
    /// the lock before it reads, and the data this wakes for is committed before the check, so
    /// a listener that arrives after the check finds it by reading. A wake-up lost in a crash
    /// costs nothing either: listeners poll.
    static let notifyIfListened = """
        SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')
        WHERE \(isListened(channel: "$1"))
        """

    /// SQL that is true while a listener holds `channel`'s lock, for a writer to ask in its
    /// own transaction. It holds a shared lock on it until that transaction ends, so a listener
    /// can only take the lock after the commit, and then reads what was committed: the answer
    /// "nobody listens" stays true for as long as it matters.
    public static func isListened(channel expression: String) -> String {
        "NOT pg_try_advisory_xact_lock_shared(hashtext('listening:' || \(expression)))"
    }

    /// The data is committed by now: a failed wake-up is not the caller's failure, and
    /// listeners poll anyway.
    func sendNotificationsAfterCommit() {
        let channels = channelsToNotifyAfterCommit
        channelsToNotifyAfterCommit = []
        for channel in channels.sorted() {
            _ = try? notifyAfterCommit(channel)
        }
    }

    /// Waits on the connection's socket (no sleeping in a loop) until a notification arrives or
    /// `timeout` passes. Returns nil on timeout. A broken connection throws.
    public func waitForNotification(timeout: Duration) throws -> Notification? {
        if let pending = try nextNotification() { return pending }
        for (channel, holds) in listenerLocks where !holds {
            listenerLocks[channel] = try tryListenerLock(channel)
        }
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
