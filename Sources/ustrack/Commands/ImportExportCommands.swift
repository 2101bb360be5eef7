import ArgumentParser
import EventStore
import Foundation
import Postgres
import Projections

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record the commands (or exported events) of an NDJSON file: all or nothing, idempotent.",
        discussion: """
            Each line is one JSON object: a command in the CLI's words, its keys the arguments \
            and flags as --help names them, e.g.
              {"command": "programme add", "id": "customs",
               "portfolio": "union-state-2021-2023", "title": "Customs"}
            (one line in the file), or an event line as `ustrack export` writes it. A line's \
            command id is derived from its content unless it gives "command-id", so importing \
            the same file again adds nothing. A `file` of `source add` is relative to the NDJSON file, \
            and must be in its folder or below (symbolic links and .. resolved) unless \
            --allow-files-outside is given.

            A line may give "recorded-at", an ISO 8601 time with its zone, to keep the time an \
            earlier register recorded it (lines in that order, none in the future); the time it \
            was entered is kept in the event's metadata as entered_at.
            """ + "\n\n" + Examples.text("""
                ustrack import commands.ndjson
                ustrack export --out log.ndjson
                ustrack import log.ndjson --database-url postgresql:///copy
                """))
    @Argument(help: "The NDJSON file.") var file: String
    @Flag(help: "Let a line's \"file\" name a file outside the NDJSON file's folder (only for an import file you trust).")
    var allowFilesOutside = false
    @OptionGroup var options: CommonOptions

    func run() throws {
        let session = try Session(options)
        let terminal = isatty(STDERR_FILENO) == 1
        var importer = Importer(store: session.store)
        if terminal {
            importer.progress = { done, total in
                guard total >= ImportProgressBar.minimumLines else { return }
                FileHandleOutput.standardError.write(ImportProgressBar.text(done: done, total: total))
            }
        }
        let summary = try session.run { try importer.run(FileLines(url: URL(fileURLWithPath: file), allowsFilesOutside: allowFilesOutside)) }
        // A large import is one transaction: the catch-up takes its batches in one pass
        // (ProjectionRunner.catchUp), as fast as a rebuild.
        try session.catchUp()
        switch options.format {
        case .json: try Output.json(summary)
        case .csv: Output.csv([["lines", "events", "already_imported"],
                               [String(summary.lines), String(summary.events), String(summary.alreadyImported)]])
        case .table:
            Output.line("imported \(summary.events) events from \(summary.lines) lines (\(summary.alreadyImported) lines were already imported)")
        }
    }
}

/// The line a terminal shows while a large import runs, redrawn in place.
enum ImportProgressBar {
    /// Smaller files are done before a bar would tell anything.
    static let minimumLines = 5000
    static let width = 30

    static func text(done: Int, total: Int) -> String {
        let filled = total == 0 ? width : width * min(done, total) / total
        let percent = total == 0 ? 100 : 100 * min(done, total) / total
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        return "\rimporting [\(bar)] \(percent)% \(done) of \(total) lines" + (done >= total ? "\n" : "")
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole log as NDJSON, one event a line, which `import` reads back.",
        discussion: Examples.text("""
            ustrack export --out log.ndjson
            """))
    @Option(help: "Write to this file instead of standard output.") var out: String?
    @OptionGroup var options: CommonOptions

    func run() throws {
        let session = try Session(options)
        var sink = try ExportSink(path: out)
        try session.run {
            try session.store.forEachEvent { event in try sink.write(ExportLine.line(for: event)) }
        }
        try sink.finish()
    }
}

enum ExportLine {
    /// Keys in a fixed order; `data` and `metadata` are the stored JSON, embedded as they are.
    static func line(for event: RecordedEvent) -> String {
        "{\"position\":\(event.position),\"stream\":\(quoted(event.stream)),\"version\":\(event.version),"
            + "\"event_id\":\"\(event.id.uuidString.lowercased())\",\"type\":\(quoted(event.type)),"
            + "\"schema_version\":\(event.schemaVersion),\"recorded_at\":\"\(iso(event.recordedAt))\","
            + "\"data\":\(event.data),\"metadata\":\(event.metadata)}\n"
    }

    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    /// `2024-05-01T10:11:12.123456Z`
    static func iso(_ date: Date) -> String {
        Timestamps.format(date).replacingOccurrences(of: " ", with: "T").replacingOccurrences(of: "+00", with: "Z")
    }
}

/// Buffered writes to a file (`OutputFile`: a device is written in place, a regular file replaced
/// whole once the export is complete) or stdout.
struct ExportSink {
    private let file: OutputFile?
    private var buffer = Data()

    init(path: String?) throws {
        file = try path.map { try OutputFile($0, option: "--out") }
    }

    mutating func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        if buffer.count > 1 << 20 { try flush() }
    }

    mutating func finish() throws {
        try flush()
        try file?.commit()
    }

    private mutating func flush() throws {
        if let file { try file.write(buffer) } else { try FileHandle.standardOutput.write(contentsOf: buffer) }
        buffer.removeAll(keepingCapacity: true)
    }
}
