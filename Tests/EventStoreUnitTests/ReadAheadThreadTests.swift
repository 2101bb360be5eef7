import Foundation
import TestThreads
import Testing
@testable import EventStore

/// ReadAhead's reading thread and hand-over, fed by a closure instead of a server, so these
/// run anywhere and under the thread sanitizer.
@Suite struct ReadAheadThreadTests {
    private static func item(_ n: Int) -> ReadAhead<Int>.Item {
        ReadAhead.Item(batch: n, fence: ReadFence(tx: UInt64(n), position: Int64(n)), count: 1)
    }

    @Test func handsOverEveryItemOnceInOrderThenEnds() throws {
        let ahead = ReadAhead<Int> { deliver in
            for n in 0..<5_000 { try deliver(Self.item(n)) }
        }
        var seen: [Int] = []
        while let item = try ahead.next() { seen.append(item.batch) }
        #expect(seen == Array(0..<5_000))
        #expect(try ahead.next() == nil, "stays ended")
    }

    @Test func handsOverWhatTheReaderThrowsAfterTheItemsBeforeIt() throws {
        struct Broken: Error {}
        let ahead = ReadAhead<Int> { deliver in
            for n in 0..<3 { try deliver(Self.item(n)) }
            throw Broken()
        }
        #expect(try (0..<3).map { _ in try ahead.next()?.batch } == [0, 1, 2])
        #expect(throws: Broken.self) { try ahead.next() }
    }

    @Test func theReaderWaitsWhileTwoItemsAreUnread() throws {
        let delivered = Locked(0)
        let ahead = ReadAhead<Int> { deliver in
            for n in 0..<10 {
                try deliver(Self.item(n))
                delivered.withLock { $0 += 1 }
            }
        }
        try waitUntil { delivered.withLock { $0 } >= 2 }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(delivered.withLock { $0 } == 2, "a third item waits for room")
        #expect(try ahead.next()?.batch == 0)
        try waitUntil { delivered.withLock { $0 } >= 3 }
        var rest: [Int] = []
        while let item = try ahead.next() { rest.append(item.batch) }
        #expect(rest == Array(1..<10))
    }

    @Test(arguments: [false, true])
    func aCallerThatGoesLetsTheReaderEnd(cancelling: Bool) throws {
        let ended = Locked<Error?>(nil), delivered = Locked(0)
        let done = DispatchSemaphore(value: 0)
        do {
            let ahead = ReadAhead<Int> { deliver in
                defer { done.signal() }
                do {
                    for n in 0... {
                        try deliver(Self.item(n))
                        delivered.withLock { $0 += 1 }
                    }
                } catch {
                    ended.withLock { $0 = error }
                    throw error
                }
            }
            #expect(try ahead.next()?.batch == 0)
            if cancelling { ahead.cancel() }
        }
        // Dropped or cancelled while the reader waits for room: its next hand-over throws.
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(ended.withLock { $0 } != nil)
        #expect(delivered.withLock { $0 } <= 3)
    }

    /// Several readers and callers at once, each pair on threads of its own: what the thread
    /// sanitizer watches.
    @Test func manyReadersAndCallersAtOnceEachGetTheirOwnItems() throws {
        let sums = try onThreads(4) { index in
            let ahead = ReadAhead<Int> { deliver in
                for n in 0..<2_000 { try deliver(Self.item(index * 10_000 + n)) }
            }
            var sum = 0, count = 0
            while let item = try ahead.next() {
                sum += item.batch
                count += 1
            }
            return [count, sum]
        }
        for (index, result) in sums.enumerated() {
            #expect(result == [2_000, (0..<2_000).reduce(0) { $0 + index * 10_000 + $1 }])
        }
    }

    private func waitUntil(_ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(10)
        while !condition() {
            guard Date() < deadline else { throw TimedOut() }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    private struct TimedOut: Error {}
}
