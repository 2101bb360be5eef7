import ArgumentParser
import Foundation
import Reports
import Tracker

/// Terminal facts the charts adapt to.
enum Terminal {
    static var isOutputTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Colours only on a terminal, and never with NO_COLOR (no-color.org).
    static var allowsColour: Bool {
        isOutputTerminal && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    static var width: Int {
        var size = winsize()
        if isOutputTerminal, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
    }
}

struct ChartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chart",
        abstract: "Progress over time for a portfolio or programme: in the terminal, or as an SVG file.",
        discussion: Examples.text("""
            ustrack chart union-state-2021-2023
            ustrack chart union-state-2021-2023 --known-at 2023-04-01 --svg progress.svg
            """))
    @Argument(help: "A portfolio or programme.") var scope: String
    @Option(help: "Write an SVG file instead of drawing in the terminal.") var svg: String?
    @Option(help: "The unit to chart: measures, programmes or content. Default: the first with claims.") var unit: String?
    @Flag(help: "Plain ASCII, even on a terminal.") var ascii = false
    @OptionGroup var time: TimeOptions
    @OptionGroup var options: CommonOptions

    func run() throws {
        let (session, asOf, knownAt) = try Session.reading(databaseURL: options.databaseURL, time: time, scope: scope)
        let report = try session.run {
            try ReportLoader(connection: session.connection, asOf: asOf, knownAt: knownAt, knownAtLabel: time.knownAt).load(scope: scope)
        }
        let candidates = report.timelines.filter { $0.scope == scope }
        guard let timeline = unit.map({ unit in candidates.first { $0.unit == unit } })
                ?? candidates.first(where: { $0.unit == "measures" }) ?? candidates.first else {
            throw Failure.badInput("no progress claims for \(scope)\(unit.map { " in unit \($0)" } ?? "") as of \(asOf): record one with `ustrack progress`")
        }
        let title = "\(report.portfolio?.id == scope ? report.title : scope) — \(timeline.unit)"
        if let svg {
            try OutputFile.write(SVGChart.timeline(timeline, title: title), to: svg, option: "--svg")
            Output.line("wrote \(Output.safe(svg))")
        } else {
            let fancy = Terminal.isOutputTerminal && !ascii
            Output.line(TerminalChart.timeline(timeline, title: title, width: Terminal.width, unicode: fancy,
                                               colour: fancy && Terminal.allowsColour))
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The full progress report with charts: Markdown, HTML, JSON or CSV.",
        discussion: """
            HTML is one self-contained file (inline SVG and CSS, no scripts) that prints cleanly. \
            Markdown written to a file references SVG files written beside it; to stdout it has no \
            charts. JSON and CSV carry the same numbers for other tools.
            """ + "\n\n" + Examples.text("""
                ustrack report union-state-2021-2023 --out report.html
                ustrack report --out report.md
                ustrack report union-state-2021-2023 --format json --known-at 2023-06-01
                """))
    @Argument(help: "A portfolio or programme; everything when left out.") var scope: String?
    @Option(help: "md, html, json or csv. Default: from --out's extension, else md.") var format: ReportFormat?
    @Option(help: """
        Write to this file, in the format its extension names (.md, .html, .json, .csv) unless --format \
        says otherwise. Markdown written to a file gets its charts as SVG files beside it; to stdout it has none.
        """) var out: String?
    @OptionGroup var time: TimeOptions
    @Option(name: .customLong("database-url"), help: "A PostgreSQL URL or conninfo string.") var databaseURL: String?

    func validate() throws {
        _ = try Self.format(format, out: out)
    }

    func run() throws {
        let chosen = try Self.format(format, out: out)
        let (session, asOf, knownAt) = try Session.reading(databaseURL: databaseURL, time: time, scope: scope)
        let report = try session.run {
            try ReportLoader(connection: session.connection, asOf: asOf, knownAt: knownAt, knownAtLabel: time.knownAt).load(scope: scope)
        }
        let written = try Self.write(report, format: chosen, to: out)
        if out != nil { Output.line("wrote \(Output.safe(written.joined(separator: ", ")))") }
    }

    /// --format when given; else what --out's extension names; else Markdown. An extension ustrack
    /// cannot write (`.pdf`, `.docx`) is refused rather than filled with Markdown.
    static func format(_ explicit: ReportFormat?, out: String?) throws -> ReportFormat {
        if let explicit { return explicit }
        guard let out else { return .markdown }
        let pathExtension = URL(fileURLWithPath: out).pathExtension.lowercased()
        if pathExtension.isEmpty { return .markdown }
        let aliases = ["markdown": ReportFormat.markdown, "htm": .html]
        guard let format = ReportFormat(rawValue: pathExtension) ?? aliases[pathExtension] else {
            let known = ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw ArgumentParser.ValidationError("""
                ustrack cannot write a .\(pathExtension) report: it writes \(known); give --out a name ending \
                in one of them, or choose with --format (for PDF: --format html, then print the page from a browser)
                """)
        }
        return format
    }

    /// Renders and writes the report (`OutputFile`); returns the files written (none for stdout).
    /// Markdown to stdout, or to a device or FIFO (`/dev/null`), has no charts, so it writes no
    /// files into the working folder or beside the device.
    @discardableResult
    static func write(_ report: Report, format: ReportFormat, to path: String?) throws -> [String] {
        let document: String
        var files: [String] = []
        switch format {
        case .html: document = ReportRenderer.html(report)
        case .json: document = ReportRenderer.json(report)
        case .csv: document = ReportRenderer.csv(report)
        case .markdown:
            let chartsPath = path.flatMap { OutputFile.isStream($0) ? nil : $0 }
            let folder = chartsPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
            let prefix = chartsPath.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
            let rendered = ReportRenderer.markdown(report, chartPrefix: prefix)
            document = rendered.document
            for chart in rendered.charts {
                guard let folder else { break }
                let file = folder.appending(path: chart.name).path
                try writeFile(chart.svg, file)
                files.append(file)
            }
        }
        guard let path else {
            FileHandleOutput.standardOutput.write(document)
            return files
        }
        try writeFile(document, path)
        return [path] + files
    }

    private static func writeFile(_ text: String, _ path: String) throws {
        try OutputFile.write(text, to: path, option: "--out")
    }
}
