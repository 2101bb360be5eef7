/// Which portfolio or programme a passage names: by id, title, Russian title, a portfolio's
/// number of programmes ("the 28 programmes"), or enough of its key words. Nil when no scope
/// stands out.
struct ScopeMatcher {
    private struct Entry {
        var id: String
        var phrases: [[String]]
        var stems: Set<String>
        var programmes: Int?
    }

    private let entries: [Entry]

    /// Title words that name no particular scope.
    private static let common: Set<String> = [
        "the", "and", "for", "with", "including", "implementing", "implementation", "provisions", "main", "directions",
        "programme", "programmes", "program", "programs", "years", "основные", "направления", "реализации",
        "положений", "программа", "программы", "годы", "годов", "года", "включая", "для",
    ]

    init(_ scopes: [ScopeEntry]) {
        entries = scopes.map { scope in
            let titles = [scope.title, scope.titleRu].compactMap { $0 }
            let words = (titles + scope.keywords).flatMap(Self.words)
            let stems = Set(words.filter { $0.count >= 4 && !Self.common.contains($0) && !$0.allSatisfy(\.isNumber) }.map(Self.stem))
            let phrases = ([scope.id] + titles).map(Self.words).filter { !$0.isEmpty }
                + scope.keywords.map(Self.words).filter { $0.count > 1 }
            return Entry(id: scope.id, phrases: phrases, stems: stems, programmes: scope.programmes)
        }
    }

    static func words(_ text: String) -> [String] {
        ScalarText(text).tokens.filter { $0.kind != .symbol }.map(\.text)
    }

    /// Key words compare by their first five letters: "currency" and "currencies", "валютного" and "валютное".
    static func stem(_ word: String) -> String { String(word.prefix(5)) }

    func match(in sentences: [Sentence], of text: ScalarText) -> String? {
        guard !entries.isEmpty, let first = sentences.first, let last = sentences.last else { return nil }
        let tokens = Array(text.tokens[first.tokens.lowerBound..<last.tokens.upperBound]).filter { $0.kind != .symbol }
        let words = tokens.map(\.text)
        let stems = Set(words.filter { $0.count >= 4 }.map(Self.stem))
        var programmeCounts: Set<Int> = []
        for (i, token) in tokens.enumerated() where token.kind == .number {
            if let value = Int(token.text),
               words[(i + 1)..<min(i + 4, words.count)].contains(where: { Lexicon.matches($0, stems: ["programme", "program", "программ"]) }) {
                programmeCounts.insert(value)
            }
        }
        func contains(_ phrase: [String]) -> Bool {
            guard phrase.count <= words.count else { return false }
            return (0...(words.count - phrase.count)).contains { start in phrase.indices.allSatisfy { words[start + $0] == phrase[$0] } }
        }
        let scored = entries.map { entry -> (String, Int) in
            var score = 0
            if entry.phrases.contains(where: contains) { score += 10 }
            if let n = entry.programmes, programmeCounts.contains(n) { score += 5 }
            let hits = entry.stems.intersection(stems).count
            if hits >= 2 { score += hits }
            return (entry.id, score)
        }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
        // Unsure when another scope is named nearly as well.
        guard let best = scored.first else { return nil }
        if let second = scored.dropFirst().first, second.1 * 2 >= best.1 { return nil }
        return best.0
    }
}
