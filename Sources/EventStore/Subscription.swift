import Foundation
import Postgres

/// Reads every event once, in (transaction, position) order: first what the log holds, then
/// new events as they commit. NOTIFY only wakes it early; it re-reads every `pollInterval`
/// anyway, so a missed wake-up delays it at most that long and loses nothing.
public final class Subscription {
    public let name: String?
    public let store: EventStore
    public private(set) var fence: ReadFence
    public var batchSize: Int
    public var pollInterval: Duration

    /// With a name, the subscription starts from that checkpoint and saves it in the same
    /// transaction as each batch's handling; without one, it starts at `from` and keeps its
    /// fence in memory.
    public init(store: EventStore, name: String? = nil, from fence: ReadFence = .start,
                batchSize: Int = 500, pollInterval: Duration = .seconds(1)) throws {
        self.store = store
        self.name = name
        self.fence = try name.map(store.checkpoint) ?? fence
        self.batchSize = batchSize
        self.pollInterval = pollInterval
    }

    /// Handles whatever is committed now and returns how many events that was. A named
    /// subscription handles each batch under its checkpoint's lock, after checking that the
    /// checkpoint is still where this reader thinks: another process catching up the same name
    /// at the same time waits, then goes on from where this one left off, and no batch is
    /// handled twice.
    @discardableResult
    public func catchUp(_ handle: ([RecordedEvent]) throws -> Void) throws -> Int {
        var total = 0
        while true {
            // Unlocked first: when nothing is new, as after most commands, that is all it costs.
            var batch = try store.readAll(after: fence, limit: batchSize)
            guard !batch.isEmpty else { return total }
            total += try store.connection.transaction {
                if let name {
                    try store.lockCheckpoint(name)
                    let stored = try store.checkpoint(name)
                    if stored != fence {
                        fence = stored
                        batch = try store.readAll(after: fence, limit: batchSize)
                    }
                }
                guard let last = batch.last else { return 0 }
                try handle(batch)
                if let name { try store.saveCheckpoint(name, last.fence) }
                fence = last.fence
                return batch.count
            }
        }
    }

    /// Catches up, then follows new events until `shouldStop` returns true (checked after each
    /// batch and at least every `pollInterval`).
    public func follow(until shouldStop: () -> Bool, _ handle: ([RecordedEvent]) throws -> Void) throws {
        // Listen before the first read, so an event committed in between still wakes us.
        try store.connection.listen(EventStore.channel)
        defer { _ = try? store.connection.unlisten(EventStore.channel) }
        while !shouldStop() {
            if try catchUp(handle) > 0 { continue }
            if try store.connection.waitForNotification(timeout: pollInterval) != nil {
                while try store.connection.nextNotification() != nil {}
            }
        }
    }
}
