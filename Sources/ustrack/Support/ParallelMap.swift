import Dispatch
import Foundation

extension Array {
    /// `transform` of every element, in order, worked out on every core: for the pure work an
    /// import does per line (reading JSON, building a command, encoding an event), so that it
    /// takes less of the time the database waits. `transform` must touch nothing shared that
    /// it changes.
    func parallelMap<T>(_ transform: (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let stripes = Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
        return [T](unsafeUninitializedCapacity: count) { results, initialized in
            withoutActuallyEscaping(transform) { transform in
                self.withUnsafeBufferPointer { input in
                    let work = Stripes(input: input, output: results.baseAddress!, transform: transform)
                    DispatchQueue.concurrentPerform(iterations: stripes) { stripe in
                        // Each stripe writes its own range of the results.
                        work.run(from: work.input.count * stripe / stripes, to: work.input.count * (stripe + 1) / stripes)
                    }
                }
            }
            initialized = count
        }
    }
}

/// What the stripes share: the input, read only; the results, each index written by one
/// stripe; and a transform the caller promises is pure.
private struct Stripes<Element, T>: @unchecked Sendable {
    let input: UnsafeBufferPointer<Element>
    let output: UnsafeMutablePointer<T>
    let transform: (Element) -> T

    func run(from start: Int, to end: Int) {
        for index in start..<end { (output + index).initialize(to: transform(input[index])) }
    }
}
