import Foundation
import Postgres

/// Reads the log from a fence on a thread and a connection of its own, turning each batch into
/// `Batch` there, while the caller handles the batches before: the server, the reading thread
/// and the caller then work at the same time. Holds at most two batches, so memory does not
/// grow with the log. Ends where `readAll` would first return nothing. Dropping it, or
/// `cancel()`, stops the thread after the query it is running.
public final class ReadAhead<Batch: Sendable> {
    /// One batch as the caller gets it: what `transform` made of it, the fence after its
    /// last event and how many events it held.
    public struct Item: Sendable {
        public let batch: Batch
        public let fence: ReadFence
        public let count: Int
    }

    private let queue = HandOver<Item>(capacity: 2)

    /// Opens a second connection like `store`'s (`Connection.connectAgain`) and starts reading.
    public convenience init(
        _ store: EventStore, after fence: ReadFence = .start, batchSize: Int,
        transform: @escaping @Sendable ([RecordedEvent]) throws -> Batch
    ) throws {
        // Handed to the thread and used only there from now on.
        nonisolated(unsafe) let reader = try store.connection.connectAgain()
        self.init { deliver in
            // The server reads each next batch while this thread transforms the current one.
            try EventStore(connection: reader).readAll(after: fence, batchSize: batchSize) { events in
                try deliver(Item(batch: try transform(events), fence: events.last!.fence, count: events.count))
            }
        }
    }

    /// Runs `read` on a thread of its own. `read` hands each item to `deliver`, which waits while
    /// two are unread and throws once the caller has gone; what `read` throws reaches `next()`.
    /// The threads and the hand-over, apart from where the items come from.
    init(reading read: @escaping @Sendable (_ deliver: (Item) throws -> Void) throws -> Void) {
        let queue = self.queue
        Thread {
            do {
                try read { item in
                    guard queue.put(.success(item)) else { throw HandOverCancelled() }
                }
                queue.finish(nil)
            } catch is HandOverCancelled {
            } catch {
                queue.finish(error)
            }
        }.start()
    }

    deinit { queue.cancel() }

    /// The next batch, nil after the last; throws what reading or `transform` threw.
    public func next() throws -> Item? { try queue.take() }

    public func cancel() { queue.cancel() }
}

/// A bounded hand-over from one producing thread to one consumer.
private final class HandOver<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every field is touched only while holding `condition`.
    private let condition = NSCondition()
    private let capacity: Int
    private var ready: [Result<Element, Error>] = []
    private var ended = false
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; false once cancelled.
    func put(_ element: Result<Element, Error>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        ready.append(element)
        condition.broadcast()
        return true
    }

    /// No more elements after those put, and `error` after them if there is one.
    func finish(_ error: Error?) {
        if let error { _ = put(.failure(error)) }
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next element, waiting for it; nil once finished and empty.
    func take() throws -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !ended { condition.wait() }
        guard !ready.isEmpty else { return nil }
        let first = ready.removeFirst()
        condition.broadcast()
        return try first.get()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Ends the reading thread's loop once the consumer has gone.
private struct HandOverCancelled: Error {}
