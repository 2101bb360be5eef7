import EventStore
import Foundation
import Postgres
import Tracker

/// Lines to import, read as often as needed: once to check and decide, once to write.
protocol LineSource {
    var baseDirectory: URL { get }
    /// Whether a line may name a file outside `baseDirectory` (`import --allow-files-outside`).
    var allowsFilesOutside: Bool { get }
    /// Calls `body` with each line and its 1-based number.
    func forEachLine(_ body: (Int, Substring) throws -> Void) throws
}

extension LineSource {
    var allowsFilesOutside: Bool { false }
}

struct FileLines: LineSource {
    let url: URL
    var allowsFilesOutside = false
    var baseDirectory: URL { url.deletingLastPathComponent() }

    func forEachLine(_ body: (Int, Substring) throws -> Void) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure.badInput("cannot import \(url.path): it is a directory: give an NDJSON file, e.g. \(url.appending(path: "commands.ndjson").path)")
        }
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw Failure.badInput("cannot read \(url.path): give the path of an NDJSON file")
        }
        defer { try? handle.close() }
        var number = 0
        var carry = Data()
        // Chunks keep memory flat for large files.
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            carry.append(chunk)
            var start = carry.startIndex
            while let newline = carry[start...].firstIndex(of: 10) {
                number += 1
                try body(number, Substring(String(decoding: carry[start..<newline], as: UTF8.self)))
                start = carry.index(after: newline)
            }
            carry = Data(carry[start...])
        }
        if !carry.isEmpty {
            number += 1
            try body(number, Substring(String(decoding: carry, as: UTF8.self)))
        }
    }
}

struct MemoryLines: LineSource {
    let text: String
    let baseDirectory: URL

    func forEachLine(_ body: (Int, Substring) throws -> Void) throws {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            try body(index + 1, line)
        }
    }
}

/// Imports NDJSON: all or nothing per file, idempotent (lines whose command id or event id the
/// log holds are skipped). First every line is read, checked and decided in memory; then the
/// lines are read again and their events stream through one COPY, in one transaction.
struct Importer {
    struct Summary: Encodable {
        var lines = 0
        var events = 0
        var alreadyImported = 0
        enum CodingKeys: String, CodingKey { case lines, events, alreadyImported = "already_imported" }
    }

    let store: EventStore
    var progress: ((Int, Int) -> Void)?

    func run(_ source: LineSource) throws -> Summary {
        try ConflictRetry.run { try attempt(source) }
    }

    private func attempt(_ source: LineSource) throws -> Summary {
        let recorder = Recorder(store: store)
        var summary = Summary()
        // What pass two writes for each command line, by line number.
        var decided: [Int: (stream: StreamName, events: [NewEvent])] = [:]
        var skipped: Set<Int> = []
        var firstLineOf: [UUID: Int] = [:]
        // Backdated lines keep the order they were recorded in; a line without a time is now.
        var latestRecordedAt: (date: Date, line: Int)?
        // Lines are read in chunks, and each chunk asks the log once which of its command and
        // event ids it already holds (not once a line), then is folded in order into the states.
        var chunk: [(number: Int, line: ImportLine)] = []

        func atLine<T>(_ number: Int, _ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch let error as Failure where error.code == .badInput {
                throw Failure.badInput("line \(number): \(error.message)\nNothing was imported.")
            } catch let error as Tracker.ValidationError {
                throw Failure.badInput("line \(number): \(error.message)\nNothing was imported.")
            }
        }

        func foldChunk() throws {
            var commandIds: [UUID] = [], events: [(stream: String, event: NewEvent)] = []
            for (_, line) in chunk {
                switch line {
                case .command(_, let id, _): commandIds.append(id)
                case .event(let event):
                    events.append((event.stream, NewEvent(id: event.id, type: event.type, schemaVersion: event.schemaVersion,
                                                          data: event.data, metadataJSON: event.metadata, recordedAt: nil)))
                }
            }
            let knownCommands = commandIds.isEmpty ? [] : try store.knownCommandIds(commandIds)
            // A known event id is skipped only as the same event; under another stream, type
            // or data it is refused, naming its line.
            let knownEvents: Set<UUID>
            do {
                knownEvents = try store.knownEvents(events)
            } catch let error as EventStoreError {
                guard case .eventIdConflict(let id, _, _, _) = error,
                      let (number, _) = chunk.first(where: { if case .event(let event) = $0.line { event.id == id } else { false } })
                else { throw error }
                throw Failure.badInput("line \(number): \(error)\nNothing was imported.")
            }
            for (number, line) in chunk {
                try atLine(number) {
                    switch line {
                    case .event(let event):
                        if knownEvents.contains(event.id) { skipped.insert(number); return }
                        if let stream = StreamName(event.stream), StreamKind.allCases.contains(stream.kind) {
                            let decodedEvent = try Recorder.decode(
                                type: event.type, schemaVersion: event.schemaVersion, data: event.data)
                            try recorder.applyImported(decodedEvent, id: event.id, stream: stream)
                        }
                    case .command(let command, let id, let recordedAt):
                        if knownCommands.contains(id) { skipped.insert(number); return }
                        let decision = try recorder.decide(try command.command(), on: recordedAt.map { CalendarDate($0, in: .current) })
                        // The log holds this command's facts already, recorded by another command.
                        if decision.repeated != nil { skipped.insert(number); return }
                        let events = try Recorder.newEvents(decision, commandId: id, recordedAt: recordedAt)
                        recorder.apply(decision, ids: events.map(\.id))
                        decided[number] = (decision.stream, events)
                    }
                }
            }
            chunk.removeAll(keepingCapacity: true)
        }

        try source.forEachLine { number, text in
            guard !text.allSatisfy(\.isWhitespace) else { return }
            summary.lines += 1
            let parsed = try atLine(number) { () throws -> ImportLine? in
                let line = try ImportLine.parse(text, baseDirectory: source.baseDirectory, allowsFilesOutside: source.allowsFilesOutside)
                let (id, what, recordedAt): (UUID, String, Date?) = switch line {
                case .event(let event): (event.id, "event id", nil)
                case .command(_, let id, let recordedAt): (id, "command id", recordedAt ?? Date())
                }
                if let first = firstLineOf[id] {
                    // A command given twice is one command, as the log treats a known command id.
                    if case .command = line { return nil }
                    throw Failure.badInput("\(what) \(id.uuidString.lowercased()) appears twice (first on line \(first))")
                }
                firstLineOf[id] = number
                if let recordedAt {
                    if let latest = latestRecordedAt, recordedAt < latest.date {
                        throw Failure.badInput("""
                            "recorded-at" goes back in time: line \(latest.line) was recorded later, at \
                            \(ExportLine.iso(latest.date)); order the lines as they were recorded
                            """)
                    }
                    latestRecordedAt = (recordedAt, number)
                }
                return line
            }
            guard let parsed else { skipped.insert(number); return }
            chunk.append((number, parsed))
            if chunk.count >= 2000 { try foldChunk() }
        }
        try foldChunk()
        summary.alreadyImported = skipped.count

        let expected = Dictionary(uniqueKeysWithValues: recorder.loadedVersions.map { ($0.key.description, Int64($0.value)) })
        let total = summary.lines
        summary.events = try store.appendBulk(expectedVersions: expected) { emit in
            var lines = 0
            try source.forEachLine { number, text in
                guard !text.allSatisfy(\.isWhitespace) else { return }
                lines += 1
                if lines % 1000 == 0 { progress?(lines, total) }
                if skipped.contains(number) { return }
                if let decided = decided[number] {
                    for event in decided.events { try emit(decided.stream.description, event) }
                } else if case .event(let event) = try ImportLine.parse(text, baseDirectory: source.baseDirectory, allowsFilesOutside: source.allowsFilesOutside) {
                    try emit(event.stream, NewEvent(
                        id: event.id, type: event.type, schemaVersion: event.schemaVersion, data: event.data,
                        metadataJSON: event.metadata, recordedAt: event.recordedAt))
                }
            }
            progress?(total, total)
        }
        return summary
    }
}
