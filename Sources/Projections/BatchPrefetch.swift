import EventStore
import Foundation
import Postgres
import Tracker

/// A batch of the log read and decoded, and the fence after it.
struct DecodedBatch: Sendable {
    let events: [(RecordedEvent, TrackerEvent)]
    let fence: ReadFence
    /// Events read, those of other categories included.
    let count: Int
}

/// Reads and decodes the log's next batches on a thread and a connection of its own while
/// the caller writes the current one, so that the two wait on each other less. Holds at most
/// two batches: memory does not grow with the log.
final class BatchPrefetch: @unchecked Sendable {
    // @unchecked: `ready`, `ended` and `cancelled` are touched only while holding `condition`.
    private let condition = NSCondition()
    private var ready: [Result<DecodedBatch, Error>] = []
    private var ended = false
    private var cancelled = false
    private static let depth = 2

    init(
        connection: Connection, batchSize: Int,
        decode: @escaping @Sendable ([RecordedEvent]) throws -> [(RecordedEvent, TrackerEvent)]
    ) throws {
        // Handed to the thread and used only there from now on.
        nonisolated(unsafe) let reader = try connection.connectAgain()
        Thread { [self] in
            struct Cancelled: Error {}
            do {
                // The server reads each next batch while this thread decodes the current one.
                try EventStore(connection: reader).readAll(batchSize: batchSize) { batch in
                    let decoded = DecodedBatch(events: try decode(batch), fence: batch.last!.fence, count: batch.count)
                    guard deliver(.success(decoded)) else { throw Cancelled() }
                }
                finish(nil)
            } catch is Cancelled {
            } catch {
                finish(error)
            }
        }.start()
    }

    /// The next batch, nil after the last; throws what reading or decoding threw.
    func next() throws -> DecodedBatch? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !ended { condition.wait() }
        guard !ready.isEmpty else { return nil }
        let first = ready.removeFirst()
        condition.broadcast()
        return try first.get()
    }

    /// Stops the reader after the query it is running, if any.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for room; false once cancelled.
    private func deliver(_ batch: Result<DecodedBatch, Error>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= Self.depth && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        ready.append(batch)
        condition.broadcast()
        return true
    }

    private func finish(_ error: Error?) {
        if let error { _ = deliver(.failure(error)) }
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }
}
