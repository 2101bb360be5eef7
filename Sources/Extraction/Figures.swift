import Tracker

/// A figure found in a sentence, before it is judged: its tokens (with the qualifier, "by" and the
/// counted noun around it), and what the wording parser should read for it.
struct FoundFigure: Sendable {
    enum Kind: Sendable, Equatable { case percent, count, fraction, partOfYear }

    var kind: Kind
    /// All its tokens, qualifier and counted noun included.
    var tokens: Range<Int>
    /// The figure itself: "40 percent", "eight of the 28", "half".
    var core: Range<Int>
    /// Code-point ranges written differently for the parser: "eight" → "8", "one and a half" → "1.5".
    var rewrites: [(start: Int, end: Int, text: String)] = []
    /// Index of the total's token, for a count.
    var totalToken: Int?
}

enum FigureFinder {
    /// The figures of one sentence, left to right, none overlapping.
    static func figures(in range: Range<Int>, of text: ScalarText) -> [FoundFigure] {
        let tokens = text.tokens
        var found: [FoundFigure] = []
        var i = range.lowerBound
        func word(_ at: Int) -> String? { at < range.upperBound && tokens[at].kind != .number ? tokens[at].text : nil }
        func number(_ at: Int) -> (value: Int?, isWord: Bool)? {
            guard at < range.upperBound else { return nil }
            if tokens[at].kind == .number { return (Int(tokens[at].text), false) }
            if let value = Lexicon.numberWords[tokens[at].text] { return (value, true) }
            return nil
        }
        func phrase(_ words: [String], at: Int) -> Bool {
            at + words.count <= range.upperBound && words.indices.allSatisfy { word(at + $0) == words[$0] }
        }
        func percentUnit(at: Int) -> Int? {
            if phrase(["per", "cent"], at: at) { return at + 2 }
            if let w = word(at), Lexicon.isPercentUnit(w) { return at + 1 }
            return nil
        }
        while i < range.upperBound {
            // "two thirds", "three quarters": a fraction before a number word.
            if tokens[i].kind == .word, let fraction = Lexicon.fractions.first(where: { phrase($0, at: i) }) {
                let end = i + fraction.count
                let afterOrdinal = i > range.lowerBound && Lexicon.ordinals.contains(tokens[i - 1].text)
                found.append(FoundFigure(kind: afterOrdinal ? .partOfYear : .fraction, tokens: i..<end, core: i..<end))
                i = end
                continue
            }
            if let n = number(i) {
                let digits = n.value.map(String.init) ?? tokens[i].text
                // "one and a half percent", "1 с половиной процента".
                let half = [["and", "a", "half"], ["с", "половиной"]].first { phrase($0, at: i + 1) }
                if let half, let value = n.value, let end = percentUnit(at: i + 1 + half.count) {
                    let rewrite = (start: tokens[i].start, end: tokens[i + half.count].end, text: "\(value).5")
                    found.append(FoundFigure(kind: .percent, tokens: i..<end, core: i..<end, rewrites: [rewrite]))
                    i = end
                    continue
                }
                if let link = Lexicon.countLinks.first(where: { phrase($0, at: i + 1) }),
                   let total = number(i + 1 + link.count), n.value != nil, total.value != nil {
                    let totalIndex = i + 1 + link.count
                    var rewrites: [(start: Int, end: Int, text: String)] = []
                    if n.isWord { rewrites.append((start: tokens[i].start, end: tokens[i].end, text: digits)) }
                    if total.isWord { rewrites.append((start: tokens[totalIndex].start, end: tokens[totalIndex].end, text: String(total.value!))) }
                    found.append(FoundFigure(kind: .count, tokens: i..<totalIndex + 1, core: i..<totalIndex + 1,
                                             rewrites: rewrites, totalToken: totalIndex))
                    i = totalIndex + 1
                    continue
                }
                if !n.isWord, let end = percentUnit(at: i + 1) {
                    found.append(FoundFigure(kind: .percent, tokens: i..<end, core: i..<end))
                    i = end
                    continue
                }
                i += 1
                continue
            }
            // "most of the measures"; "most" alone ("the most important") is no figure.
            if word(i) == "most", word(i + 1) == "of", i == range.lowerBound || word(i - 1) != "the" {
                found.append(FoundFigure(kind: .fraction, tokens: i..<i + 1, core: i..<i + 1))
                i += 1
                continue
            }
            i += 1
        }
        return found.map { widen($0, in: range, of: text) }
    }

    /// Takes in the qualifier and "by"/"на" before the figure, either order, and the counted noun after it.
    private static func widen(_ figure: FoundFigure, in range: Range<Int>, of text: ScalarText) -> FoundFigure {
        guard figure.kind != .partOfYear else { return figure }
        let tokens = text.tokens
        var figure = figure
        var start = figure.core.lowerBound
        var hasQualifier = false
        var hasPreposition = false
        for _ in 0..<2 {
            if !hasPreposition, start > range.lowerBound, tokens[start - 1].kind == .word,
               Lexicon.prepositions.contains(tokens[start - 1].text) {
                start -= 1
                hasPreposition = true
            } else if !hasQualifier, let q = Lexicon.qualifiers.first(where: { words in
                start - words.count >= range.lowerBound
                    && words.indices.allSatisfy { tokens[start - words.count + $0].kind == .word && tokens[start - words.count + $0].text == words[$0] }
            }) {
                start -= q.count
                hasQualifier = true
            }
        }
        var end = figure.core.upperBound
        if let noun = Lexicon.countedNouns.first(where: { words in
            end + words.count <= range.upperBound
                && words.indices.allSatisfy { tokens[end + $0].kind == .word && tokens[end + $0].text == words[$0] }
        }) {
            end += noun.count
        }
        figure.tokens = start..<end
        return figure
    }

    /// The text the parser reads for the tokens `range` of a figure: as written, number words as digits.
    static func reading(_ figure: FoundFigure, tokens range: Range<Int>, of text: ScalarText) -> String {
        let start = text.tokens[range.lowerBound].start
        let end = text.tokens[range.upperBound - 1].end
        var result = ""
        var at = start
        for rewrite in figure.rewrites.sorted(by: { $0.start < $1.start }) where rewrite.start >= start && rewrite.end <= end {
            result += text.slice(at, rewrite.start) + rewrite.text
            at = rewrite.end
        }
        return result + text.slice(at, end)
    }

    /// The figure as the parser reads it, with its counted noun if the parser takes it, else without;
    /// the tokens read, or why the parser refused.
    static func parse(_ figure: FoundFigure, of text: ScalarText) -> Result<(ParsedWording, Range<Int>, String), WordingError> {
        var lastError: WordingError?
        var candidates = [figure.tokens]
        if figure.tokens.upperBound != figure.core.upperBound {
            candidates.append(figure.tokens.lowerBound..<figure.core.upperBound)
        }
        for candidate in candidates {
            let reading = reading(figure, tokens: candidate, of: text)
            do {
                return .success((try WordingParser.parse(reading), candidate, reading))
            } catch {
                lastError = error
            }
        }
        return .failure(lastError!)
    }
}
