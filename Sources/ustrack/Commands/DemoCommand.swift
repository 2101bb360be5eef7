import ArgumentParser
import EventStore
import Foundation
import Reports
import Tracker

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Load the bundled Union State sample dataset into the default database and show it.",
        discussion: """
            Loading is idempotent: running the demo again adds nothing. With --sources, the full \
            texts of the source documents are stored too (scripts/demo passes ../shared/sources).
            """ + "\n\n" + Examples.text("""
                ustrack demo
                ustrack demo --sources ../shared/sources
                """))
    @Option(help: "A folder holding the source documents' text files, to store their full text.")
    var sources: String?
    @OptionGroup var options: CommonOptions

    static let datasetName = "union-state-2021-2023.ndjson"

    func run() throws {
        let target = DatabaseTarget.resolve(options)
        let store = EventStore(connection: try target.connectMigrated())
        let folder = URL(fileURLWithPath: sources ?? FileManager.default.currentDirectoryPath)
        let (dataset, missing) = Self.dataset(attachingTextsFrom: folder)
        let summary = try withFailures(target) { try Importer(store: store).run(MemoryLines(text: dataset, baseDirectory: folder)) }
        try Session(target: target, store: store).catchUp()

        Output.line("ustrack \(Ustrack.version) — sample dataset \(Self.datasetName)")
        Output.line("database: \(target) (\(target.origin))")
        Output.line("loaded \(summary.events) new events from \(summary.lines) lines (\(summary.alreadyImported) lines were already loaded)")
        if !missing.isEmpty {
            Output.line("source texts not attached (\(missing.count) files not found in \(folder.path)); pass --sources DIR to store them")
        }
        let counts = try withFailures(target) {
            try store.connection.execute("""
                SELECT type, count(*) FROM store.events GROUP BY type ORDER BY type
                """)
        }
        Output.line()
        Output.line("the log now holds:")
        for row in 0..<counts.rowCount {
            Output.line("  \(counts.string(row, 1)!.padding(toLength: 4, withPad: " ", startingAt: 0)) \(counts.string(row, 0)!)")
        }
        Output.line()
        Output.line("where the portfolio stands (ustrack status):")
        let session = Session(target: target, store: store)
        let today = CalendarDate(Date(), in: .current)
        let report = try session.run {
            try ReportLoader(connection: store.connection, asOf: today, knownAt: "now", knownAtLabel: nil).load(scope: Self.portfolio)
        }
        for summary in report.summary where summary.scope == Self.portfolio {
            Output.line("  \(summary.scope) (\(summary.unit)): \(summary.estimate) percent\(summary.disputed ? ", disputed" : ""), from \(summary.claims) claims; last: \"\(summary.lastClaim.wording)\" (\(summary.lastClaim.asOf))")
        }
        if let timeline = report.timelines.first(where: { $0.scope == Self.portfolio }) {
            Output.line()
            let fancy = Terminal.isOutputTerminal
            Output.line(TerminalChart.timeline(timeline, title: "\(report.title) — \(timeline.unit)", width: min(Terminal.width, 100),
                                               unicode: fancy, colour: fancy && Terminal.allowsColour))
        }
        let reports = EmbeddedDatabase().home.appending(path: "reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        let html = reports.appending(path: "\(Self.portfolio).html").path
        try ReportCommand.write(report, format: .html, to: html)
        Output.line()
        Output.line("""
            the HTML report: \(html)
            look further:
              ustrack status · ustrack history \(Self.portfolio) · ustrack contradictions
              ustrack chart \(Self.portfolio) --svg progress.svg
              ustrack report \(Self.portfolio) --out report.md
              psql "\(target.embedded?.conninfo ?? "$DATABASE_URL")" -c 'SELECT * FROM reporting.status'
            """)
    }

    static let portfolio = "union-state-2021-2023"

    /// The bundled lines, with `file` kept where the text exists in `folder` and dropped
    /// elsewhere, so the demo works without the documents too.
    static func dataset(attachingTextsFrom folder: URL) -> (text: String, missing: [String]) {
        let bundled = String(decoding: PackageResources.union_state_2021_2023_ndjson, as: UTF8.self)
        var missing: [String] = []
        let lines = bundled.split(separator: "\n").map { line -> String in
            guard line.contains("\"file\""),
                  var object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  let file = object["file"] as? String else { return String(line) }
            if FileManager.default.fileExists(atPath: folder.appending(path: file).path) { return String(line) }
            missing.append(file)
            // Same command id with or without the text, so a later run does not add it again.
            object["command-id"] = (try? ImportLine.commandId(object))?.uuidString
            object["file"] = nil
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(line.utf8)
            return String(decoding: data, as: UTF8.self)
        }
        return (lines.joined(separator: "\n"), missing)
    }
}
