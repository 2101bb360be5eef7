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
        let session = Session(target: target, store: store)
        try session.catchUp()
        let today = CalendarDate(Date(), in: .current)
        let ustrack = Self.invocation

        Output.line("ustrack \(Ustrack.version): the Union State sample (\(Self.datasetName))")
        Output.line("database: \(target) (\(target.origin))")
        Output.line("loaded \(summary.events) new events from \(summary.lines) lines (\(summary.alreadyImported) lines were already loaded)")
        if !missing.isEmpty {
            Output.line("source texts not attached (\(missing.count) files not found in \(folder.path)); pass --sources DIR to store them")
        }

        Output.line()
        Output.line("Where the programmes stand today (ustrack status):")
        let queries = ReportingQueries(connection: store.connection)
        for row in try session.run({ try queries.standing(asOf: today) }) {
            let interval = bracketed(row.estimateLo, row.estimateHi, row.estimateLoInclusive, row.estimateHiInclusive)
            Output.line(Output.safe("  \(row.scope), \(row.unit): \(interval) %\(row.disputed ? ", disputed" : "") "
                + "from \(row.claims) claims; last \"\(row.lastClaimWording)\" "
                + "(\(row.lastClaimSpeaker.map { "\($0), " } ?? "")\(row.lastClaimAsOf))", keepingLayout: false))
        }
        for row in try session.run({ try queries.milestoneEvidence(asOf: today) }) {
            Output.line("  \(row.scope): \(row.milestonesReached) of \(row.milestonesPlanned) milestones reached")
        }

        let report = try session.run {
            try ReportLoader(connection: store.connection, asOf: today, knownAt: "now", knownAtLabel: nil).load(scope: nil)
        }
        if let timeline = report.timelines.first(where: { $0.scope == Self.portfolio && $0.unit == "measures" }) {
            Output.line()
            let fancy = Terminal.isOutputTerminal
            Output.line(TerminalChart.timeline(timeline, title: "\(Self.portfolio): measures implemented, %", width: min(Terminal.width, 100),
                                               unicode: fancy, colour: fancy && Terminal.allowsColour))
        }

        Output.line()
        Output.line("What was known when (ustrack status --known-at TIME): the record as it grew")
        let grown = try session.run { try queries.recordings(of: Self.portfolio, asOf: today) }
        Output.table(["RECORDED AT (UTC)", "ESTIMATE %", "WHAT WAS RECORDED"], grown.map { row in
            let estimate = row.estimateLo.map {
                bracketed($0, row.estimateHi ?? $0, row.estimateLoInclusive ?? true, row.estimateHiInclusive ?? true)
            } ?? "none"
            let what = row.type == "EventRetracted"
                ? "a claim retracted: \(row.reason ?? "")"
                : "\"\(row.wording ?? "")\" (as of \(row.asOf ?? ""))"
            return [row.recordedAt, estimate, what]
        })

        let reports = EmbeddedDatabase().home.appending(path: "reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        let html = reports.appending(path: "sample-report.html").path
        try ReportCommand.write(report, format: .html, to: html)
        Output.line()
        Output.line("""
            The report, for a browser or to print: \(html)

            Next, try:
              \(ustrack) status --known-at 2023-02-01   # before the 70 percent was recorded
              \(ustrack) history \(Self.portfolio)
              \(ustrack) events --stream portfolio-\(Self.portfolio)
              \(ustrack) contradictions
              \(ustrack) report \(Self.portfolio) --out report.html
            """)
        if let conninfo = target.embedded?.conninfo, Self.onPath("psql") != nil {
            Output.line("  psql \"\(conninfo)\" -c 'SELECT * FROM reporting.programmes'")
        }
        Output.line("The tour in README.md records a source, a programme and claims of your own.")
    }

    /// How to run this binary again: `ustrack` when that is what PATH finds, else its full path.
    static var invocation: String {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? me
        if let found = onPath("ustrack"), URL(fileURLWithPath: found).resolvingSymlinksInPath().path == own { return "ustrack" }
        return own
    }

    /// The first executable of that name on PATH.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let portfolio = "union-state-2021-2023"

    /// The bundled lines, with `file` kept where the text exists in `folder` and dropped
    /// elsewhere, so the demo works without the documents too; a claim quoting a source whose
    /// text is left out loses its quote with it.
    static func dataset(attachingTextsFrom folder: URL) -> (text: String, missing: [String]) {
        let bundled = String(decoding: PackageResources.union_state_2021_2023_ndjson, as: UTF8.self)
        var missing: [String] = []
        var textless: Set<String> = []
        let lines = bundled.split(separator: "\n").map { line -> String in
            guard line.contains("\"file\"") || line.contains("\"quote\""),
                  var object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return String(line) }
            if let file = object["file"] as? String {
                if FileManager.default.fileExists(atPath: folder.appending(path: file).path) { return String(line) }
                missing.append(file)
                textless.insert(object["id"] as? String ?? "")
            } else if let source = object["source"] as? String, !textless.contains(source) {
                return String(line)
            }
            // Same command id with or without the text, so a later run does not add it again.
            object["command-id"] = (try? ImportLine.commandId(object))?.uuidString
            object["file"] = nil
            object["quote"] = nil
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(line.utf8)
            return String(decoding: data, as: UTF8.self)
        }
        return (lines.joined(separator: "\n"), missing)
    }
}
