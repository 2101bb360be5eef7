/// A word, a number or one symbol of a source's text, with where it stands in it. Offsets count
/// Unicode scalars (code points), as PostgreSQL's `substr` counts characters in a UTF-8 database,
/// so that a proposal's `start` and `end` reproduce its wording in SQL.
struct TextToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable { case word, number, symbol }

    var kind: Kind
    /// Lower case, "ё" read as "е"; numbers as written.
    var text: String
    var start: Int
    var end: Int
    /// Written with a capital first letter.
    var capitalised: Bool
    /// White space right before it.
    var spaced: Bool
}

/// The text as code points, and its tokens.
struct ScalarText: Sendable {
    let scalars: [Unicode.Scalar]
    let tokens: [TextToken]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        tokens = Self.tokenize(scalars)
    }

    func slice(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }
    static func isLetter(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic }
    static func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

    private static func tokenize(_ scalars: [Unicode.Scalar]) -> [TextToken] {
        var tokens: [TextToken] = []
        var i = 0
        var spaced = true
        while i < scalars.count {
            let s = scalars[i]
            if isSpace(s) {
                spaced = true
                i += 1
                continue
            }
            var end = i + 1
            let kind: TextToken.Kind
            if isDigit(s) {
                // "4,5" and "1.234" stay one number; a trailing separator ends it.
                while end < scalars.count {
                    if isDigit(scalars[end]) {
                        end += 1
                    } else if scalars[end] == "." || scalars[end] == ",", end + 1 < scalars.count, isDigit(scalars[end + 1]) {
                        end += 1
                    } else {
                        break
                    }
                }
                kind = .number
            } else if isLetter(s) {
                while end < scalars.count, isLetter(scalars[end]) { end += 1 }
                kind = .word
            } else {
                kind = .symbol
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[i..<end])
            let raw = String(view)
            let text = kind == .word ? String(raw.lowercased().map { $0 == "ё" ? "е" : $0 }) : raw
            tokens.append(TextToken(kind: kind, text: text, start: i, end: end,
                                    capitalised: kind == .word && s.properties.isUppercase, spaced: spaced))
            spaced = false
            i = end
        }
        return tokens
    }
}

/// A sentence: its tokens (indices into the text's tokens) and its extent in code points.
struct Sentence: Sendable {
    var paragraph: Int
    var tokens: Range<Int>
    var start: Int
    var end: Int
}

/// Paragraphs end at line breaks; sentences at ".", "!", "?" or "…" (and closing quotes) before a
/// capital, a digit or an opening quote, unless the full stop ends a known abbreviation or an initial.
enum SentenceSplitter {
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "jr", "sr", "gen", "col", "prof", "fig", "art",
        "г", "гг", "т", "д", "тыс", "млн", "млрд", "руб", "им", "ул", "ст", "проц", "см", "др", "пр",
    ]
    private static let enders: Set<String> = [".", "!", "?", "…"]
    private static let closers: Set<String> = ["”", "»", "\"", "'", "’", ")"]
    private static let openers: Set<String> = ["“", "«", "\"", "(", "—", "–", "-"]

    static func sentences(_ text: ScalarText) -> [Sentence] {
        let tokens = text.tokens
        var result: [Sentence] = []
        var paragraph = 0
        var first = 0
        func close(_ end: Int) {
            guard first < end else { return }
            result.append(Sentence(paragraph: paragraph, tokens: first..<end, start: tokens[first].start, end: tokens[end - 1].end))
            first = end
        }
        var i = 0
        while i < tokens.count {
            if i > first, breaksLine(text, before: i) {
                close(i)
                paragraph += 1
            }
            let token = tokens[i]
            if token.kind == .symbol, enders.contains(token.text) {
                var end = i + 1
                while end < tokens.count, tokens[end].kind == .symbol, (enders.contains(tokens[end].text) || closers.contains(tokens[end].text)), !breaksLine(text, before: end) {
                    end += 1
                }
                if end < tokens.count, startsSentence(tokens, at: end, after: i), !isAbbreviation(tokens, before: i, ender: token.text) {
                    close(end)
                }
                i = end
                continue
            }
            i += 1
        }
        close(tokens.count)
        return result
    }

    private static func breaksLine(_ text: ScalarText, before index: Int) -> Bool {
        let token = text.tokens[index]
        let previousEnd = index > 0 ? text.tokens[index - 1].end : 0
        return text.scalars[previousEnd..<token.start].contains { $0 == "\n" || $0 == "\r" || $0 == "\u{2029}" }
    }

    private static func startsSentence(_ tokens: [TextToken], at index: Int, after ender: Int) -> Bool {
        let next = tokens[index]
        if next.kind == .word, next.capitalised {
            // "stressed.The President": a full stop with no space, between a small and a capital letter.
            return next.spaced || (ender > 0 && tokens[ender - 1].kind == .word && !tokens[ender - 1].capitalised)
        }
        return next.spaced && (next.kind == .number || openers.contains(next.text))
    }

    private static func isAbbreviation(_ tokens: [TextToken], before index: Int, ender: String) -> Bool {
        guard ender == ".", index > 0, tokens[index - 1].kind == .word else { return false }
        let word = tokens[index - 1]
        // An initial: "V. Putin".
        if word.capitalised, word.end - word.start == 1 { return true }
        return abbreviations.contains(word.text)
    }
}
