import EventStore
import Foundation
import NDJSON
import Postgres
import Tracker

/// Lines to import, read as often as needed: once to check and decide, again only to name a
/// line in an error. Lines are bytes, valid only during the call.
protocol LineSource: Sendable {
    var baseDirectory: URL { get }
    /// Whether a line may name a file outside `baseDirectory` (`import --allow-files-outside`).
    var allowsFilesOutside: Bool { get }
    /// Calls `body` with each line and its 1-based number.
    func forEachLine(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws
    /// How many lines there are, for a progress bar.
    func lineCount() throws -> Int
}

extension LineSource {
    var allowsFilesOutside: Bool { false }

    func lineCount() throws -> Int {
        var count = 0
        try forEachLine { number, _ in count = number }
        return count
    }
}

struct FileLines: LineSource {
    let url: URL
    var allowsFilesOutside = false
    var baseDirectory: URL { url.deletingLastPathComponent() }

    func forEachLine(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        let descriptor = try open()
        defer { close(descriptor) }
        try LineReader.forEachLine(fileDescriptor: descriptor, body)
    }

    func lineCount() throws -> Int {
        let descriptor = try open()
        defer { close(descriptor) }
        return try LineReader.count(fileDescriptor: descriptor)
    }

    private func open() throws -> Int32 {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure.badInput("cannot import \(url.path): it is a directory: give an NDJSON file, e.g. \(url.appending(path: "commands.ndjson").path)")
        }
        let descriptor = Foundation.open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure.badInput("cannot read \(url.path): give the path of an NDJSON file") }
        return descriptor
    }
}

struct MemoryLines: LineSource {
    let text: String
    let baseDirectory: URL

    func forEachLine(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        try LineReader.forEachLine(in: text, body)
    }
}

/// Imports NDJSON: all or nothing per file, idempotent (lines whose command id or event id the
/// log holds are skipped). One pass, in one transaction: a reader thread reads lines in chunks
/// and prepares each chunk on every core (LinePreparer); each chunk then asks the log once
/// which of its command and event ids it holds, is checked and decided in order, and its events
/// go in with one COPY, into the log at once, while the reader prepares the chunks after it.
/// Memory is bounded by a few chunks, the event ids seen (an event id given twice is refused)
/// and the states of the streams commands decide on.
struct Importer {
    struct Summary: Encodable {
        var lines = 0
        var events = 0
        var alreadyImported = 0
        enum CodingKeys: String, CodingKey { case lines, events, alreadyImported = "already_imported" }
    }

    let store: EventStore
    /// Called with the lines done and the lines in the file, after each chunk and at the end.
    var progress: ((Int, Int) -> Void)?
    /// Lines read, checked and decided between two COPYs.
    static let chunkSize = 2000

    func run(_ source: LineSource) throws -> Summary {
        try ConflictRetry.run { try attempt(source) }
    }

    /// A decided event on its way to the log: encoded when its part is staged, on every core.
    private enum Staging {
        case ready(NewEvent)
        case decided(TrackerEvent, index: Int, commandId: UUID, recordedAt: Date?)

        func newEvent() throws -> NewEvent {
            switch self {
            case .ready(let event): event
            case .decided(let event, let index, let commandId, let recordedAt):
                try Recorder.newEvent(event, index: index, commandId: commandId, recordedAt: recordedAt)
            }
        }
    }

    private func attempt(_ source: LineSource) throws -> Summary {
        let recorder = Recorder(store: store)
        var summary = Summary()
        var seenCommands: Set<UUID> = [], seenEvents: Set<UUID> = []
        // Backdated lines keep the order they were recorded in; a line without a time is now.
        var latestRecordedAt: (date: Date, line: Int)?
        // Lines prepared and checked, not decided yet.
        var chunk: [PreparedLine] = []
        // Decided events not staged yet, in line order.
        var part: [(stream: String, event: Staging, expected: Int64?)] = []
        let total = progress == nil ? 0 : try source.lineCount()
        defer { recorder.beforeLoad = nil }

        func atLine<T>(_ number: Int, _ body: () throws -> T) throws -> T { try PreparedLine.atLine(number, body) }

        summary.events = try store.appendStaged { staged in
            // A restore into an empty log: no event id of the file can be in it but the file's
            // own (each refused when given twice), so the chunks need not ask. (An event a
            // concurrent writer stores meanwhile under the same id meets store.append_staged.)
            let logWasEmpty = try store.connection.execute("SELECT NOT EXISTS (SELECT 1 FROM store.events)").bool(0, 0) ?? false
            func stagePart() throws {
                guard !part.isEmpty else { return }
                let events = part.parallelMap { row in Result { try row.event.newEvent() } }
                try staged.stage { emit in
                    for (row, event) in zip(part, events) { try emit(row.stream, try event.get(), row.expected) }
                }
                part.removeAll(keepingCapacity: true)
                recorder.forgetPending()
            }
            // A stream loaded mid-chunk must find the events decided for it before.
            recorder.beforeLoad = stagePart

            func foldChunk() throws {
                var commandIds: [UUID] = [], events: [(stream: String, event: NewEvent)] = []
                for prepared in chunk {
                    switch prepared.line {
                    case .command(_, let id, _): commandIds.append(id)
                    case .event(let event): events.append((event.stream, event.newEvent()))
                    }
                }
                let knownCommands = commandIds.isEmpty ? [] : try store.knownCommandIds(commandIds)
                // A known event id is skipped only as the same event; under another stream, type
                // or data it is refused, naming its line.
                let knownEvents: Set<UUID>
                do {
                    knownEvents = logWasEmpty ? [] : try store.knownEvents(events)
                } catch let error as EventStoreError {
                    guard case .eventIdConflict(let id, _, _, _) = error,
                          let prepared = chunk.first(where: { $0.line.eventId == id })
                    else { throw error }
                    throw Failure.badInput("line \(prepared.number): \(error)\nNothing was imported.")
                }
                for prepared in chunk {
                    try atLine(prepared.number) {
                        switch prepared.line {
                        case .event(let event):
                            if knownEvents.contains(event.id) { summary.alreadyImported += 1; return }
                            var expected: Int64?
                            if let stream = StreamName(event.stream), let payload = try prepared.payload?.get() {
                                recorder.applyImported(payload, id: event.id, stream: stream)
                                expected = recorder.loadedVersions[stream].map(Int64.init)
                            }
                            part.append((event.stream, .ready(event.newEvent(keepingTime: true)), expected))
                        case .command(_, let id, let recordedAt):
                            if knownCommands.contains(id) { summary.alreadyImported += 1; return }
                            let decision = try recorder.decide(
                                try prepared.command!.get(), on: recordedAt.map { CalendarDate($0, in: .current) })
                            // The log holds this command's facts already, recorded by another command.
                            if decision.repeated != nil { summary.alreadyImported += 1; return }
                            let ids = decision.events.indices.map { UUID(event: $0, ofCommand: id) }
                            recorder.apply(decision, ids: ids)
                            let expected = recorder.loadedVersions[decision.stream].map(Int64.init)
                            for (index, event) in decision.events.enumerated() {
                                part.append((decision.stream.description,
                                             .decided(event, index: index, commandId: id, recordedAt: recordedAt), expected))
                            }
                        }
                    }
                }
                chunk.removeAll(keepingCapacity: true)
                try stagePart()
            }

            // Checks each prepared line in order against the lines before it, and decides them.
            let preparer = LinePreparer(source: source, chunkSize: Self.chunkSize)
            defer { preparer.stop() }
            while let batch = try preparer.next() {
                summary.lines += batch.lines.count
                for result in batch.lines {
                    let line = try result.get()
                    let number = line.number
                    let accepted = try atLine(number) { () throws -> Bool in
                        switch line.line {
                        case .event(let event):
                            if !seenEvents.insert(event.id).inserted {
                                let first = try firstLine(in: source, before: number) { $0.eventId == event.id }
                                throw Failure.badInput("event id \(event.id.uuidString.lowercased()) appears twice (first on line \(first))")
                            }
                        case .command(_, let id, let recordedAt):
                            // A command given twice is one command, as the log treats a known command id.
                            if !seenCommands.insert(id).inserted { return false }
                            let recordedAt = recordedAt ?? Date()
                            if let latest = latestRecordedAt, recordedAt < latest.date {
                                throw Failure.badInput("""
                                    "recorded-at" goes back in time: line \(latest.line) was recorded later, at \
                                    \(ExportLine.iso(latest.date)); order the lines as they were recorded
                                    """)
                            }
                            latestRecordedAt = (recordedAt, number)
                        }
                        return true
                    }
                    if accepted { chunk.append(line) } else { summary.alreadyImported += 1 }
                }
                try foldChunk()
                // The chunk's commands are in the log now, where the next chunks' look-up finds
                // them: the set need not grow with the file.
                seenCommands.removeAll(keepingCapacity: true)
                progress?(batch.lastNumber, total)
            }
        }
        progress?(total, total)
        return summary
    }

    /// The number of the first line before `limit` that `matches`: read again only to name it in
    /// an error, so that telling a repeat needs no line numbers kept for every id.
    private func firstLine(in source: LineSource, before limit: Int, where matches: (ImportLine) -> Bool) throws -> Int {
        struct Found: Error { let number: Int }
        do {
            try source.forEachLine { number, text in
                guard number < limit else { throw Found(number: 0) }
                if let line = try? ImportLine.parse(text, baseDirectory: source.baseDirectory, allowsFilesOutside: true),
                   matches(line) { throw Found(number: number) }
            }
        } catch let found as Found {
            return found.number
        }
        return 0
    }
}

extension ImportLine {
    var eventId: UUID? {
        if case .event(let event) = self { event.id } else { nil }
    }
}

extension ExportedEvent {
    /// As the store takes it; `keepingTime` keeps the time the export says it was recorded.
    func newEvent(keepingTime: Bool = false) -> NewEvent {
        NewEvent(id: id, type: type, schemaVersion: schemaVersion, data: data, metadataJSON: metadata,
                 recordedAt: keepingTime ? recordedAt : nil)
    }
}
