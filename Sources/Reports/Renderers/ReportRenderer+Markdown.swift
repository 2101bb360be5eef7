extension ReportRenderer {
    /// Markdown: charts are referenced as SVG files written beside it; returns the document and the
    /// files to write (name → SVG text). Names are slugs, so they are safe as plain file names.
    public static func markdown(_ report: Report, chartPrefix: String, charts: ChartSource = .standard)
        -> (document: String, charts: [(name: String, svg: String)]) {
        let document = ReportDocument(report, charts: charts)
        let prefix = ReportText.slug(chartPrefix)
        func file(_ chart: ReportDocument.Chart) -> String {
            (prefix.isEmpty ? chart.name : "\(prefix)-\(chart.name)") + ".svg"
        }

        var lines = ["# \(Markdown.escaped(document.title))", ""]
        lines += document.facts.map { "- **\($0.label):** \(Markdown.inline($0.value))" }
        for section in document.sections {
            lines += ["", "## \(section.title)"]
            for block in section.blocks {
                lines.append("")
                switch block {
                case .paragraph(let inlines): lines.append(Markdown.inline(inlines))
                case .subheading(let text): lines.append("### \(Markdown.escaped(text))")
                case .table(let table): lines += Markdown.table(table)
                case .chart(let chart): lines.append("![\(Markdown.escaped(chart.title, brackets: true))](\(file(chart)))")
                }
            }
        }
        let files = document.sections.flatMap(\.blocks).compactMap { block -> (name: String, svg: String)? in
            guard case .chart(let chart) = block else { return nil }
            return (file(chart), chart.svg)
        }
        return (lines.joined(separator: "\n") + "\n", files)
    }
}

/// GitHub-flavoured Markdown syntax for the report document.
enum Markdown {
    /// Text from the data, shown literally: Markdown punctuation is backslash-escaped (`|` too, so a
    /// cell never splits), and a line break becomes `<br>` since a table row must stay on one line.
    /// Brackets are left alone except a `](`, the only way to open a link here: data never starts a
    /// line, so no reference definition can exist, and intervals such as `[70, 100]` stay readable.
    /// Inside a link's text every bracket is escaped, since a lone `]` would end the text early.
    static func escaped(_ text: String, brackets: Bool = false) -> String {
        var escaped = ""
        var characters = text.makeIterator()
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
            case .link(let text, let url): "[\(escaped(text, brackets: true))](<\(destination(url))>)"
            }
        }.joined()
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
