/// A figure as read, before its numbers are checked.
enum WordingFigure: Sendable {
    /// A number, with or without a percent sign or word after it.
    case number(String, hasUnit: Bool)
    case count(String, of: String)
    case fraction(NamedFraction)
    case fully
    case most
}

/// One understood (or not understood) piece of a wording, in the order written.
struct WordingItem: Sendable {
    enum Kind: Sendable {
        case figure(WordingFigure)
        case qualifier(Qualifier)
        case preposition
        case filler(noun: Bool)
        /// A percent sign or word with no number right before it.
        case strayUnit
        case numberWord
        case unknown
    }

    var kind: Kind
    /// As written in the wording.
    var text: String
    /// Where the piece starts and ends in the wording, in characters.
    var start: Int
    var end: Int

    var isFigure: Bool {
        if case .figure = kind { true } else { false }
    }

    var isProblem: Bool {
        switch kind {
        case .strayUnit, .numberWord, .unknown: true
        default: false
        }
    }

    /// How the error message shows this piece under "understood so far".
    var understood: String {
        switch kind {
        case .qualifier(let q): "\"\(text)\" = \(q.rule.rawValue)"
        case .figure(.number(let n, _)): "\"\(text)\" = \(n)%"
        case .figure(.count(let c, let t)): "\"\(text)\" = \(c) of \(t)"
        case .figure(.fraction(let f)): "\"\(text)\" = \(f.name) (\(PercentInterval.format(f.percent))%)"
        case .figure(.fully): "\"\(text)\" = 100%"
        case .figure(.most): "\"\(text)\" = more than half"
        default: "\"\(text)\""
        }
    }
}
