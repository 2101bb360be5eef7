import Foundation

/// Runs `body` on `count` threads of their own (not Swift's cooperative pool) and waits for all.
public func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let results = Locked<[Int: Result<T, Error>]>([:])
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            let outcome = Result { try body(index) }
            results.withLock { $0[index] = outcome }
            group.leave()
        }
        thread.start()
    }
    group.wait()
    return try (0..<count).map { index in try results.withLock { $0[index]! }.get() }
}

/// A value behind a lock, for tests that share state between threads.
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Lets threads wait until all of them have arrived, to make them race on purpose.
public final class Barrier: @unchecked Sendable {
    // @unchecked: `waiting` is only touched while holding `condition`.
    private let condition = NSCondition()
    private let parties: Int
    private var waiting = 0

    public init(parties: Int) { self.parties = parties }

    public func arriveAndWait() {
        condition.lock()
        waiting += 1
        if waiting >= parties { condition.broadcast() }
        while waiting < parties { condition.wait() }
        condition.unlock()
    }
}
