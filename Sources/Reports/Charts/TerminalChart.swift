import Tracker

/// Charts as text for a terminal, never wider than the `width` columns they are given.
public enum TerminalChart {
    static let rows = 11
    /// "100" and the axis character.
    static let axisWidth = 5

    /// The timeline in a terminal, percent 100 → 0 down the rows and dates across: `unicode` draws with
    /// block and box characters (░ ▒ ● ┬│┴ ▲▼), else plain ASCII only; `colour` adds ANSI colours
    /// (callers pass false when not a terminal or when NO_COLOR is set).
    public static func timeline(_ timeline: Timeline, title: String, width: Int, unicode: Bool, colour: Bool) -> String {
        guard width > 0 else { return "" }
        let glyphs = unicode ? TerminalGlyphs.unicode : TerminalGlyphs.ascii
        var lines = [TerminalLine(TextMetrics.truncate(printable(title, unicode: unicode), toCount: width, ellipsis: glyphs.ellipsis))]
        if let extent = timeline.dateExtent {
            lines += plot(timeline, extent: extent, columns: max(width - axisWidth, 1), glyphs: glyphs)
            lines += legend(timeline, glyphs: glyphs, width: width)
        } else {
            lines.append(TerminalLine("no data"))
        }
        return lines.map { $0.render(width: width, colour: colour) }.joined(separator: "\n")
    }

    private static func plot(_ timeline: Timeline, extent: (first: CalendarDate, last: CalendarDate),
                             columns: Int, glyphs: TerminalGlyphs) -> [TerminalLine] {
        var grid = Array(repeating: Array(repeating: (character: Character(" "), style: TerminalStyle.plain), count: columns),
                         count: rows)
        let firstDay = DateScale.dayNumber(extent.first)
        let span = DateScale.dayNumber(extent.last) - firstDay
        // The last date sits a tenth short of the right edge, so the latest estimate shows as a band.
        let lastColumn = columns - 1 - (columns >= 10 ? columns / 10 : 0)
        func column(_ date: CalendarDate) -> Int {
            guard span > 0 else { return 0 }
            return Int((Double(DateScale.dayNumber(date) - firstDay) / Double(span) * Double(lastColumn)).rounded())
        }
        func row(_ percent: Double) -> Int { Int(((100 - percent) / 10).rounded()) }

        for segment in timeline.bandSegments {
            let from = column(segment.from)
            let until = max(segment.until.map { column($0) - 1 } ?? columns - 1, from)
            for r in row(segment.hi)...row(segment.lo) {
                for c in from...until {
                    grid[r][c] = segment.disputed ? (glyphs.disputedBand, .disputed) : (glyphs.band, .band)
                }
            }
        }
        for claim in timeline.claims.sorted(by: { $0.asOf < $1.asOf }) {
            let c = column(claim.asOf)
            let style: TerminalStyle = claim.contradicted ? .contradicted : .claim
            switch ClaimShape(claim.interval) {
            case .point(let value):
                grid[row(value)][c] = (claim.contradicted ? glyphs.contradictedPoint : glyphs.point, style)
            case .bar(let lo, let hi, let loOpen, let hiOpen):
                let (top, bottom) = (row(hi), row(lo))
                for r in top...bottom {
                    grid[r][c] = (claim.contradicted ? glyphs.contradictedBar : glyphs.bar, style)
                }
                if top == bottom {
                    grid[top][c] = (loOpen ? glyphs.openBottom : hiOpen ? glyphs.openTop : glyphs.shortBar, style)
                } else {
                    grid[top][c] = (hiOpen ? glyphs.openTop : glyphs.closedTop, style)
                    grid[bottom][c] = (loOpen ? glyphs.openBottom : glyphs.closedBottom, style)
                }
            }
        }

        var lines = grid.enumerated().map { index, cells in
            let percent = 100 - index * 10
            let labelled = percent % 50 == 0
            var line = TerminalLine(labelled ? pad(String(percent), to: axisWidth - 1) : String(repeating: " ", count: axisWidth - 1))
            line.append(String(labelled ? glyphs.axisTick : glyphs.axis))
            line.cells += cells
            return line
        }
        var axis = TerminalLine(String(repeating: " ", count: axisWidth - 1) + String(glyphs.axisCorner))
        var rule = Array(repeating: glyphs.axisLine, count: columns)
        rule[0] = glyphs.axisDateTick
        rule[column(extent.last)] = glyphs.axisDateTick
        axis.append(String(rule))
        lines.append(axis)
        lines.append(dateLabels(first: extent.first, last: extent.last, lastColumn: column(extent.last)))
        return lines
    }

    /// The first date under the first column and the last ending under its own column, when both fit.
    private static func dateLabels(first: CalendarDate, last: CalendarDate, lastColumn: Int) -> TerminalLine {
        let (start, end) = (first.description, last.description)
        var text = String(repeating: " ", count: axisWidth) + start
        let endStart = lastColumn - end.count + 1
        if first != last, endStart >= start.count + 1 {
            text += String(repeating: " ", count: endStart - start.count) + end
        }
        return TerminalLine(text)
    }

    /// The key to the glyphs in use, wrapped onto as many lines as the width needs.
    private static func legend(_ timeline: Timeline, glyphs: TerminalGlyphs, width: Int) -> [TerminalLine] {
        let shapes = timeline.claims.map { ClaimShape($0.interval) }
        var entries: [(glyphs: String, style: TerminalStyle, label: String)] = []
        if timeline.steps.contains(where: { !$0.disputed }) { entries.append(("\(glyphs.band)", .band, "estimate")) }
        if timeline.steps.contains(where: \.disputed) { entries.append(("\(glyphs.disputedBand)", .disputed, "disputed")) }
        if shapes.contains(where: { if case .point = $0 { true } else { false } }) {
            entries.append(("\(glyphs.point)", .claim, "exact claim"))
        }
        if shapes.contains(where: { if case .bar = $0 { true } else { false } }) {
            entries.append(("\(glyphs.closedTop)\(glyphs.bar)\(glyphs.closedBottom)", .claim, "range claim"))
        }
        if shapes.contains(where: \.hasOpenEnd) {
            entries.append(("\(glyphs.openBottom)\(glyphs.openTop)", .claim, "end excluded"))
        }
        if timeline.claims.contains(where: \.contradicted) {
            entries.append(("\(glyphs.contradictedPoint)\(glyphs.contradictedBar)", .contradicted, "contradicted"))
        }
        var lines: [TerminalLine] = []
        for entry in entries {
            var piece = TerminalLine(entry.glyphs, style: entry.style)
            piece.append(" " + entry.label)
            if let last = lines.last, last.cells.count + 2 + piece.cells.count <= width {
                lines[lines.count - 1].append("  ")
                lines[lines.count - 1].cells += piece.cells
            } else {
                lines.append(piece)
            }
        }
        return lines
    }

    private static func pad(_ text: String, to count: Int) -> String {
        String(repeating: " ", count: max(count - text.count, 0)) + text
    }

    /// Control characters (an ESC would let a title recolour the terminal) become `?`. In ASCII mode
    /// typographic punctuation gets its ASCII look-alike and anything else outside ASCII becomes `?`:
    /// a terminal without block characters has no Cyrillic either.
    static func printable(_ text: String, unicode: Bool) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                result += "?"
            } else if unicode || scalar.isASCII {
                result.unicodeScalars.append(scalar)
            } else {
                result += asciiLookalikes[scalar] ?? "?"
            }
        }
        return result
    }

    private static let asciiLookalikes: [Unicode.Scalar: String] = [
        "\u{2010}": "-", "\u{2011}": "-", "\u{2012}": "-", "\u{2013}": "-", "\u{2014}": "-", "\u{2212}": "-",
        "\u{2018}": "'", "\u{2019}": "'", "\u{201A}": "'",
        "\u{201C}": "\"", "\u{201D}": "\"", "\u{201E}": "\"", "\u{00AB}": "\"", "\u{00BB}": "\"",
        "\u{2026}": "...", "\u{00A0}": " ", "\u{2009}": " ", "\u{202F}": " ", "\u{00D7}": "x",
    ]
}
