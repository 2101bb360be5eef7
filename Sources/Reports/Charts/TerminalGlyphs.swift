/// The characters a terminal chart draws with: block and box characters, or plain ASCII for
/// terminals and logs that cannot show them.
struct TerminalGlyphs {
    var band: Character
    var disputedBand: Character
    var point: Character
    var contradictedPoint: Character
    var bar: Character
    var contradictedBar: Character
    var closedTop: Character
    var closedBottom: Character
    var openTop: Character
    var openBottom: Character
    var shortBar: Character
    var axis: Character
    var axisTick: Character
    var axisCorner: Character
    var axisLine: Character
    var axisDateTick: Character
    var ellipsis: String

    static let unicode = TerminalGlyphs(
        band: "░", disputedBand: "▒", point: "●", contradictedPoint: "◆", bar: "│", contradictedBar: "┃",
        closedTop: "┬", closedBottom: "┴", openTop: "▼", openBottom: "▲", shortBar: "┼",
        axis: "│", axisTick: "┤", axisCorner: "└", axisLine: "─", axisDateTick: "┬", ellipsis: "…"
    )

    static let ascii = TerminalGlyphs(
        band: ":", disputedBand: "~", point: "*", contradictedPoint: "#", bar: "|", contradictedBar: "!",
        closedTop: "+", closedBottom: "+", openTop: "v", openBottom: "^", shortBar: "+",
        axis: "|", axisTick: "+", axisCorner: "+", axisLine: "-", axisDateTick: "+", ellipsis: "..."
    )
}

/// What a terminal cell means, and so its colour.
enum TerminalStyle: Equatable {
    case plain, band, disputed, claim, contradicted

    /// ANSI SGR parameters; nil for the terminal's own colour.
    var sgr: String? {
        switch self {
        case .plain: nil
        case .band: "34"
        case .disputed: "31"
        case .claim: "1"
        case .contradicted: "1;31"
        }
    }
}

/// One line of a terminal chart as cells, so width is counted before colour codes are added.
struct TerminalLine {
    var cells: [(character: Character, style: TerminalStyle)]

    init(_ text: String = "", style: TerminalStyle = .plain) {
        cells = text.map { ($0, style) }
    }

    init(repeating character: Character, count: Int, style: TerminalStyle = .plain) {
        cells = Array(repeating: (character, style), count: max(count, 0))
    }

    mutating func append(_ text: String, style: TerminalStyle = .plain) {
        cells += text.map { ($0, style) }
    }

    /// The line cut to `width` cells, without trailing blanks, with ANSI colours when `colour` is on.
    func render(width: Int, colour: Bool) -> String {
        var shown = cells.prefix(max(width, 0))
        while let last = shown.last, last.character == " ", last.style == .plain { shown.removeLast() }
        var text = ""
        var current = TerminalStyle.plain
        for cell in shown {
            if colour, cell.style != current {
                if current != .plain { text += "\u{1B}[0m" }
                if let sgr = cell.style.sgr { text += "\u{1B}[\(sgr)m" }
                current = cell.style
            }
            text.append(cell.character)
        }
        if colour, current != .plain { text += "\u{1B}[0m" }
        return text
    }
}
