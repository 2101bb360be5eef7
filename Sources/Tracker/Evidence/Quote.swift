import Foundation

/// Where a claim's words lie in its source's stored text: `[start, end)` counted in Unicode
/// scalars, which is how PostgreSQL's `substr` counts the characters of a UTF-8 text, so that
/// `substr(text, start + 1, end - start)` gives the passage back.
public struct QuoteSpan: Equatable, Hashable, Sendable, Codable {
    public let start: Int
    public let end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// The passage of `text` this span covers, or nil when the span does not fit the text.
    public func passage(in text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        guard start >= 0, start < end, end <= scalars.count else { return nil }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }
}

/// Finding a quote in a text as a reader would: blind to how whitespace, quotation marks,
/// apostrophes and dashes were typed, and to ё written as е. Letters, digits and their case
/// must match: those are the words.
public enum Quote {
    /// The span of the first passage of `text` that reads as `quote`, or nil.
    public static func locate(_ quote: String, in text: String) -> QuoteSpan? {
        let needle = Normalized(quote).scalars
        guard !needle.isEmpty else { return nil }
        let haystack = Normalized(text)
        guard let at = firstIndex(of: needle, in: haystack.scalars) else { return nil }
        return QuoteSpan(start: haystack.origins[at], end: haystack.origins[at + needle.count - 1] + 1)
    }

    /// Whether `part` (the claim's wording) reads as a passage of `quote`, in any case: a
    /// wording is often typed in lower case from a sentence that opens with it.
    public static func contains(_ quote: String, _ part: String) -> Bool {
        let needle = Normalized(part.lowercased()).scalars
        return !needle.isEmpty && firstIndex(of: needle, in: Normalized(quote.lowercased()).scalars) != nil
    }

    /// Whether `span` of `text` still reads as `quote`: what `verify` asks of every stored quote.
    public static func holds(_ quote: String, at span: QuoteSpan, in text: String) -> Bool {
        guard let passage = span.passage(in: text) else { return false }
        return Normalized(passage).scalars == Normalized(quote).scalars
    }

    /// The sentence of `text` that shares the most words with `quote`, cut to `limit` characters:
    /// what an error shows when a quote is not found, so that a near miss can be copied right.
    public static func closestPassage(to quote: String, in text: String, limit: Int = 200) -> String? {
        let wanted = Set(words(quote))
        guard !wanted.isEmpty else { return nil }
        var best: (score: Int, sentence: Substring)?
        for sentence in sentences(text) {
            let score = Set(words(sentence)).intersection(wanted).count
            if score > 0, score > (best?.score ?? 0) { best = (score, sentence) }
        }
        guard let sentence = best?.sentence else { return nil }
        let flat = sentence.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }

    // MARK: - Normalising

    /// A text's scalars as compared, each with the index of the scalar of the original it stands
    /// for. A run of whitespace becomes one space, and the ends are trimmed.
    struct Normalized {
        var scalars: [Unicode.Scalar] = []
        var origins: [Int] = []

        init(_ text: String) {
            var pendingSpace: Int?
            for (index, scalar) in text.unicodeScalars.enumerated() {
                if scalar.properties.isWhitespace {
                    if pendingSpace == nil, !scalars.isEmpty { pendingSpace = index }
                    continue
                }
                if let space = pendingSpace {
                    scalars.append(" ")
                    origins.append(space)
                    pendingSpace = nil
                }
                scalars.append(Self.canonical(scalar))
                origins.append(index)
            }
        }

        static func canonical(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
            switch scalar {
            case "\u{201C}", "\u{201D}", "\u{201E}", "\u{201F}", "\u{00AB}", "\u{00BB}", "\u{2033}", "\u{FF02}": "\""
            case "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}", "\u{2032}", "\u{02BC}", "\u{FF07}", "`": "'"
            case "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}", "\u{FE58}", "\u{FE63}", "\u{FF0D}": "-"
            case "ё": "е"
            case "Ё": "Е"
            default: scalar
            }
        }
    }

    private static func firstIndex(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Int? {
        guard needle.count <= haystack.count, let first = needle.first else { return nil }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static func words<S: StringProtocol>(_ text: S) -> [String] {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split { !$0.isLetter && !$0.isNumber }
            .map(String.init)
    }

    private static func sentences(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: true) { ".!?…\n".contains($0) }
    }
}
