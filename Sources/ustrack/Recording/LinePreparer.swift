import Foundation
import Tracker

/// A line read on its own, before the lines above it are decided: the pure work of an import.
/// What the line's own content gets wrong beyond its JSON waits, as `payload` or `command`, to
/// be said in the order the lines are decided.
struct PreparedLine {
    let number: Int
    let line: ImportLine
    /// An event line's data read as its type, for a stream ustrack manages.
    var payload: Result<TrackerEvent, any Error>?
    /// A command line's command.
    var command: Result<Command, any Error>?

    static func prepare(_ number: Int, _ bytes: [UInt8], from source: LineSource) -> Result<PreparedLine, any Error> {
        Result {
            try atLine(number) {
                let line = try bytes.withUnsafeBytes {
                    try ImportLine.parse($0, baseDirectory: source.baseDirectory, allowsFilesOutside: source.allowsFilesOutside)
                }
                var prepared = PreparedLine(number: number, line: line)
                switch line {
                case .event(let event):
                    if let stream = StreamName(event.stream), StreamKind.allCases.contains(stream.kind) {
                        prepared.payload = Result {
                            try Recorder.decode(type: event.type, schemaVersion: event.schemaVersion, data: event.data)
                        }
                    }
                case .command(let arguments, _, _):
                    prepared.command = Result { try arguments.command() }
                }
                return prepared
            }
        }
    }

    /// Bad input names its line.
    static func atLine<T>(_ number: Int, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as Failure where error.code == .badInput {
            throw Failure.badInput("line \(number): \(error.message)\nNothing was imported.")
        } catch let error as Tracker.ValidationError {
            throw Failure.badInput("line \(number): \(error.message)\nNothing was imported.")
        }
    }
}

/// Reads and prepares an import's lines on a thread of its own, a few chunks ahead of the
/// decisions, so that reading JSON and building commands runs while the database works on the
/// chunks before. Each chunk is prepared on every core. Memory: `ahead` chunks.
final class LinePreparer: @unchecked Sendable {
    struct Batch {
        /// Each non-blank line, prepared, or why it cannot be (naming its line).
        var lines: [Result<PreparedLine, any Error>]
        var lastNumber: Int
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var ready: [Batch] = []
    private var failure: (any Error)?
    private var finished = false
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)
    private let ahead: Int

    private struct Stopped: Error {}

    /// Space, tab and carriage return: a line of only these is no line.
    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0d }

    init(source: LineSource, chunkSize: Int, ahead: Int = 2) {
        self.ahead = ahead
        let thread = Thread { [self] in
            defer { done.signal() }
            do {
                var read: [(number: Int, bytes: [UInt8])] = []
                func publish() throws {
                    guard let last = read.last?.number else { return }
                    let batch = Batch(lines: read.parallelMap { PreparedLine.prepare($0.number, $0.bytes, from: source) },
                                      lastNumber: last)
                    read.removeAll(keepingCapacity: true)
                    condition.lock()
                    defer { condition.unlock() }
                    while ready.count >= ahead && !stopped { condition.wait() }
                    if stopped { throw Stopped() }
                    ready.append(batch)
                    condition.broadcast()
                }
                try source.forEachLine { number, text in
                    guard !text.allSatisfy(Self.isBlank) else { return }
                    read.append((number, Array(text)))
                    if read.count >= chunkSize { try publish() }
                }
                try publish()
                finish(nil)
            } catch is Stopped {
                finish(nil)
            } catch {
                finish(error)
            }
        }
        thread.name = "ustrack import reader"
        thread.start()
    }

    private func finish(_ error: (any Error)?) {
        condition.lock()
        failure = error
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk in file order; nil after the last. Throws what stopped the reading (a file
    /// that cannot be read) once the chunks before it are taken.
    func next() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        if !ready.isEmpty {
            condition.broadcast()
            return ready.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the reading and waits for the thread to end: call it however the import ends.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }
}
