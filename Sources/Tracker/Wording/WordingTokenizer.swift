/// A word, a number or a single symbol of a wording, with where it stands in the original text.
struct WordingToken: Sendable {
    enum Kind: Sendable { case word, number, symbol }

    var kind: Kind
    /// Lower-cased, "ё" read as "е"; numbers keep their digits and sign as written.
    var text: String
    var start: Int
    var end: Int
}

enum WordingTokenizer {
    static let minusSigns: Set<Character> = ["-", "−", "–"]

    /// Splits on any white space (a non-breaking space included) and between words, numbers and symbols,
    /// so "40%" and "40 %" read alike.
    static func tokens(_ chars: [Character]) -> [WordingToken] {
        var tokens: [WordingToken] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
            } else if isDigit(c) || (minusSigns.contains(c) && startsNegative(chars, at: i, after: tokens.last)) {
                let end = numberEnd(chars, from: i + 1)
                tokens.append(WordingToken(kind: .number, text: String(chars[i..<end]), start: i, end: end))
                i = end
            } else if c.isLetter {
                var end = i + 1
                while end < chars.count, chars[end].isLetter { end += 1 }
                tokens.append(WordingToken(kind: .word, text: normalized(chars[i..<end]), start: i, end: end))
                i = end
            } else {
                tokens.append(WordingToken(kind: .symbol, text: String(c), start: i, end: i + 1))
                i += 1
            }
        }
        return tokens
    }

    static func isDigit(_ c: Character) -> Bool {
        c.isASCII && c.isNumber
    }

    /// A minus right before a digit is a sign, unless it follows a number ("40-50" is a range).
    private static func startsNegative(_ chars: [Character], at i: Int, after previous: WordingToken?) -> Bool {
        guard i + 1 < chars.count, isDigit(chars[i + 1]) else { return false }
        return previous?.kind != .number || previous?.end != i
    }

    /// Digits with "." or "," between them stay one token ("4,5", "1.234.5"); a trailing separator does not.
    private static func numberEnd(_ chars: [Character], from start: Int) -> Int {
        var end = start
        while end < chars.count {
            if isDigit(chars[end]) {
                end += 1
            } else if chars[end] == "." || chars[end] == ",", end + 1 < chars.count, isDigit(chars[end + 1]) {
                end += 1
            } else {
                break
            }
        }
        return end
    }

    private static func normalized(_ word: ArraySlice<Character>) -> String {
        String(String(word).lowercased().map { $0 == "ё" ? "е" : $0 })
    }
}
