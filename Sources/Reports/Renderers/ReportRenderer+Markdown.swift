extension ReportRenderer {
    /// Markdown: charts are referenced as SVG files written beside it; returns the document and the
    /// files to write (name → SVG text). Names are slugs, so they are safe as plain file names.
    /// Without `chartPrefix` (Markdown to standard output, with nowhere to put files) the document
    /// has no chart images and says where charts are; each chart's key of claims stays.
    public static func markdown(_ report: Report, chartPrefix: String?, charts: ChartSource = .standard)
        -> (document: String, charts: [(name: String, svg: String)]) {
        let document = ReportDocument(report, charts: charts)
        let prefix = chartPrefix.map(ReportText.slug)
        func file(_ chart: ReportDocument.Chart) -> String? {
            prefix.map { ($0.isEmpty ? chart.name : "\($0)-\(chart.name)") + ".svg" }
        }

        var lines = ["# \(Markdown.escaped(document.title))", ""]
        lines += document.facts.map { "- **\($0.label):** \(Markdown.inline($0.value))" }
        for section in document.sections {
            lines += ["", "## \(section.title)"]
            if prefix == nil, section.blocks.contains(where: { if case .chart = $0 { true } else { false } }) {
                lines += ["", Markdown.escaped(Markdown.noChartsNote)]
            }
            for block in section.blocks {
                lines.append("")
                switch block {
                case .paragraph(let inlines): lines.append(Markdown.inline(inlines))
                case .subheading(let text): lines.append("### \(Markdown.escaped(text))")
                case .list(let items): lines += Markdown.list(items)
                case .table(let table): lines += Markdown.table(table)
                case .chart(let chart):
                    if let file = file(chart) {
                        lines.append("![\(Markdown.escaped(chart.title, brackets: true))](\(file))")
                        if !chart.key.isEmpty { lines += [""] + Markdown.list(chart.key) }
                    } else if !chart.key.isEmpty {
                        lines += ["**\(Markdown.escaped(chart.title))**", ""] + Markdown.list(chart.key)
                    } else {
                        lines.removeLast()
                    }
                }
            }
        }
        let files = document.sections.flatMap(\.blocks).compactMap { block -> (name: String, svg: String)? in
            guard case .chart(let chart) = block, let file = file(chart) else { return nil }
            return (file, chart.svg)
        }
        return (lines.joined(separator: "\n") + "\n", files)
    }
}

/// GitHub-flavoured Markdown syntax for the report document.
enum Markdown {
    static let noChartsNote = "Charts are not drawn in Markdown written to standard output, which has nowhere to put "
        + "their files. Markdown written to a file gets them as SVG files beside it; the HTML report has them inline."

    /// Text from the data, shown literally: Markdown punctuation is backslash-escaped (`|` too, so a
    /// cell never splits), and a line break becomes `<br>` since a table row must stay on one line.
    /// Brackets are left alone except a `](`, the only way to open a link here: data never starts a
    /// line, so no reference definition can exist, and intervals such as `[70, 100]` stay readable.
    /// Inside a link's text every bracket is escaped, since a lone `]` would end the text early.
    /// Control characters are shown (`VisibleText`), so a report read with `cat` cannot drive the terminal.
    static func escaped(_ text: String, brackets: Bool = false) -> String {
        var escaped = ""
        var characters = VisibleText.controls(text).makeIterator()
        var next = characters.next()
        while let character = next {
            next = characters.next()
            if character.isNewline {
                escaped += "<br>"
                continue
            }
            let opensLink = character == "]" && (brackets || next == "(")
            if "\\`*_<>|~&".contains(character) || opensLink || (brackets && character == "[") { escaped += "\\" }
            escaped.append(character)
        }
        return escaped
    }

    static func inline(_ inlines: [ReportDocument.Inline]) -> String {
        inlines.map { inline in
            switch inline {
            case .text(let text, _): escaped(text)
            case .strong(let text): "**\(escaped(text))**"
            case .link(let text, let url): "[\(escaped(text, brackets: true))](<\(destination(url))>)"
            }
        }.joined()
    }

    static func list(_ items: [[ReportDocument.Inline]]) -> [String] {
        items.map { "- " + inline($0) }
    }

    static func table(_ table: ReportDocument.Table) -> [String] {
        func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
        return [row(table.columns.map { escaped($0) }), row(table.columns.map { _ in "---" })]
            + table.rows.map { row($0.map(inline)) }
    }

    /// A link destination in `<…>` form: what would end it, split a table cell or a line is
    /// percent-encoded, which leaves the URL meaning the same; `&` is backslash-escaped, since
    /// Markdown would read `&lt;` in a destination as an entity.
    private static func destination(_ url: String) -> String {
        var encoded = ""
        for scalar in url.unicodeScalars {
            if scalar == "&" {
                encoded += "\\&"
            } else if scalar.value < 0x21 || scalar.properties.isWhitespace || "<>|\\\u{7F}".unicodeScalars.contains(scalar) {
                encoded += String(Character(scalar)).utf8.map { byte in
                    "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
                }.joined()
            } else {
                encoded.unicodeScalars.append(scalar)
            }
        }
        return encoded
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
