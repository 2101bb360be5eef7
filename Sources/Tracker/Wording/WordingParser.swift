/// Turns what officials say about progress ("more than half", "на 70 процентов", "7 of 28") into an
/// interval of percent. Pure; rejects anything it does not fully understand, and never guesses.
public enum WordingParser {
    public static func parse(_ wording: String) throws(WordingError) -> ParsedWording {
        try WordingReading(wording).parse()
    }
}

/// One wording read into pieces, and the checks that turn the pieces into an interval or an error.
struct WordingReading {
    let wording: String
    let chars: [Character]
    let items: [WordingItem]

    init(_ wording: String) {
        self.wording = wording
        chars = Array(wording)
        var tokens = WordingTokenizer.tokens(chars)
        // A full stop may end the sentence the wording was copied from.
        if tokens.count > 1, tokens.last?.kind == .symbol, tokens.last?.text == "." {
            tokens.removeLast()
        }
        items = WordingScanner.items(tokens, in: chars)
    }

    func parse() throws(WordingError) -> ParsedWording {
        guard !items.isEmpty else {
            throw WordingError(kind: .empty, wording: wording, fragment: wording, problem: "the wording is empty")
        }
        let figures = items.indices.filter { items[$0].isFigure }
        if figures.count > 1 {
            let (first, second) = (items[figures[0]].text, items[figures[1]].text)
            throw error(.twoFigures, at: figures[1], fragment: second, "\"\(first)\" and \"\(second)\" are two figures",
                        hint: "give one figure, or one bound such as \"at least 40%\"")
        }
        if let problem = items.firstIndex(where: \.isProblem) {
            throw notUnderstood(at: problem, hasFigure: !figures.isEmpty)
        }
        guard let figure = figures.first else {
            throw error(.noFigure, at: items.count, fragment: wording, "there is no figure in \"\(wording)\"")
        }
        let qualifier = try checkOrder(figure: figure)
        return try interpret(figure: figure, qualifier: qualifier)
    }

    private func notUnderstood(at index: Int, hasFigure: Bool) -> WordingError {
        let text = items[index].text
        switch items[index].kind {
        case .numberWord:
            return error(.notANumber, at: index, "\"\(text)\" is not a number")
        case .strayUnit where hasFigure:
            return error(.misplaced, at: index, "\"\(text)\" has no number right before it")
        case .strayUnit:
            return error(.noFigure, at: index, "there is no figure in it: \"\(text)\" has no number before it")
        case _ where hasFigure:
            return error(.notUnderstood, at: index, "\"\(text)\" is not understood")
        default:
            return error(.noFigure, at: index, "there is no figure in it: \"\(text)\" is not understood")
        }
    }

    /// Qualifier and "by"/"на" go right before the figure, once each; filler only around them.
    /// Returns the qualifier, if any.
    private func checkOrder(figure: Int) throws(WordingError) -> Qualifier? {
        var qualifier: (index: Int, value: Qualifier)?
        var preposition: Int?
        for index in items.indices {
            let item = items[index]
            switch item.kind {
            case .qualifier(let q):
                if let first = qualifier {
                    throw error(.contradictory, at: index, clash(items[first.index].text, first.value, item.text, q),
                                hint: "use one qualifier, as in \"more than 40%\"")
                }
                if index > figure {
                    throw error(.misplaced, at: index, "\"\(item.text)\" comes after the figure",
                                hint: "put the qualifier first, as in \"about 40%\"")
                }
                qualifier = (index, q)
            case .preposition:
                if preposition != nil {
                    throw error(.misplaced, at: index, "\"\(item.text)\" is said twice")
                }
                if index > figure {
                    throw error(.misplaced, at: index, "\"\(item.text)\" comes after the figure")
                }
                preposition = index
            default:
                break
            }
        }
        let coreStart = [qualifier?.index, preposition].compactMap { $0 }.min() ?? figure
        if let stray = (coreStart..<figure).first(where: { !isQualifierOrPreposition(items[$0]) }) {
            throw error(.misplaced, at: stray,
                        "\"\(items[stray].text)\" stands inside \"\(span(coreStart, figure))\"",
                        hint: "put such words before or after the figure, as in \"more than half implemented\"")
        }
        if case .figure(.number(_, hasUnit: false)) = items[figure].kind, figure + 1 < items.count,
           case .filler(noun: true) = items[figure + 1].kind {
            let counted = span(figure, figure + 1)
            throw error(.badCount, at: figure, fragment: counted, "\"\(counted)\" is a count without a total",
                        hint: "write the count with its total, as in \"40 of 120\", or a percentage, as in \"40%\"")
        }
        return qualifier?.value
    }

    private func clash(_ firstText: String, _ first: Qualifier, _ secondText: String, _ second: Qualifier) -> String {
        let opposed = first.direction != second.direction && first.direction != .around && second.direction != .around
        return "\"\(firstText)\" and \"\(secondText)\" \(opposed ? "contradict each other" : "cannot both apply")"
    }

    private func isQualifierOrPreposition(_ item: WordingItem) -> Bool {
        switch item.kind {
        case .qualifier, .preposition: true
        default: false
        }
    }

    private func interpret(figure index: Int, qualifier: Qualifier?) throws(WordingError) -> ParsedWording {
        let x: Double
        let halo: Double
        let base: WordingRule
        var count: Int?
        var total: Int?
        switch items[index].kind {
        case .figure(.most):
            if let qualifier {
                throw error(.cannotCombine, at: index, "\"\(qualifier.rule.rawValue)\" cannot qualify \"\(items[index].text)\", which already means more than half")
            }
            (x, halo, base) = (50, 0, .most)
        case .figure(.fully):
            (x, halo, base) = (100, WordingBands.halfWidth(.namedFraction), .fully)
        case .figure(.fraction(let fraction)):
            (x, halo, base) = (fraction.percent, WordingBands.halfWidth(.namedFraction), .fraction)
        case .figure(.number(let text, _)):
            let value = try number(text, at: index)
            guard value <= 100 else {
                throw error(.outOfRange, at: index, "\"\(items[index].text)\" is outside 0–100 percent")
            }
            (x, halo, base) = (value, WordingBands.halfWidth(.of(value)), .exact)
        case .figure(.count(let countText, let totalText)):
            let (c, t) = try counts(countText, totalText, at: index)
            // The halo belongs to the count as said ("about 10 of 28" rounds the 10), then scales to percent.
            (x, halo, base) = (Double(c) * 100 / Double(t), WordingBands.halfWidth(.of(Double(c))) * 100 / Double(t), .count)
            (count, total) = (c, t)
        default:
            preconditionFailure("item \(index) is not a figure")
        }
        let rule = qualifier?.rule ?? base
        let interval = WordingBands.band(rule).interval(x: x, halo: halo)
        guard !interval.isEmpty else {
            let phrase = span(items.firstIndex { isQualifierOrPreposition($0) } ?? index, index)
            throw error(.emptyInterval, at: index, fragment: phrase, "\"\(phrase)\" leaves no share between 0 and 100 percent")
        }
        return ParsedWording(interval: interval, count: count, total: total, rule: rule.rawValue)
    }

    private func counts(_ countText: String, _ totalText: String, at index: Int) throws(WordingError) -> (Int, Int) {
        let text = items[index].text
        let (count, total) = (try number(countText, at: index), try number(totalText, at: index))
        guard count <= 1e9, total <= 1e9 else {
            throw error(.badCount, at: index, "in \"\(text)\" the numbers are too large")
        }
        guard count == Double(Int(count)), total == Double(Int(total)) else {
            throw error(.badCount, at: index, "in \"\(text)\" the count and the total must be whole numbers")
        }
        guard total > 0 else {
            throw error(.badCount, at: index, "\"\(text)\" has a total of 0")
        }
        guard count <= total else {
            throw error(.badCount, at: index, "\"\(text)\" counts more than its total")
        }
        return (Int(count), Int(total))
    }

    /// Digits with at most one decimal separator, "." or ",".
    private func number(_ text: String, at index: Int) throws(WordingError) -> Double {
        if let sign = text.first, WordingTokenizer.minusSigns.contains(sign) {
            throw error(.negative, at: index, "\"\(items[index].text)\" is negative; a share runs from 0 to 100 percent")
        }
        let parts = text.split { $0 == "." || $0 == "," }
        // "1,250" is 1.25 in Russian and 1250 in English; a point is a decimal point in both.
        if parts.count == 2, text.contains(","), parts[1].count == 3, parts[0] != "0", parts[0].count <= 3 {
            throw error(.notANumber, at: index, fragment: text, "in \"\(text)\" the comma could mark decimals or thousands",
                        hint: "write \(parts[0])\(parts[1]), or \(parts[0]).\(parts[1]) with a decimal point")
        }
        guard parts.count <= 2, let value = Double(parts.joined(separator: ".")) else {
            throw error(.notANumber, at: index, fragment: text, "\"\(text)\" is not a number")
        }
        return value
    }

    private func span(_ from: Int, _ to: Int) -> String {
        String(chars[items[from].start..<items[to].end])
    }

    private func error(_ kind: WordingError.Kind, at index: Int, fragment: String? = nil, _ problem: String,
                       hint: String = WordingError.generalHint) -> WordingError {
        let understood = items[..<min(index, items.count)].filter { !$0.isProblem }.map(\.understood)
        return WordingError(kind: kind, wording: wording, fragment: fragment ?? items[index].text, problem: problem,
                            understood: understood, hint: hint)
    }
}
