/// One sentence read for its figures: its clauses, and which words stand near each figure.
struct SentenceReader {
    enum Judgement: Equatable {
        case progress(cues: [String], content: Bool)
        case setAside(String)
    }

    let text: ScalarText
    let sentence: Sentence
    let previous: Sentence?
    let figures: [FoundFigure]
    /// The clause of each token of the sentence, by token index.
    private let clauseOf: [Int: Int]
    private let clauseCount: Int

    /// What separates clauses: punctuation, and "and", "while", "и", "а", … between them.
    private static let clauseMarks: Set<String> = [",", ";", ":", "—", "–", "(", ")"]
    private static let clauseWords: Set<String> = ["and", "while", "whereas", "but", "though", "although",
                                                   "и", "а", "но", "однако"]

    init(text: ScalarText, sentence: Sentence, previous: Sentence?) {
        self.text = text
        self.sentence = sentence
        self.previous = previous
        figures = FigureFinder.figures(in: sentence.tokens, of: text)
        var clauseOf: [Int: Int] = [:]
        var clause = 0
        for i in sentence.tokens {
            let token = text.tokens[i]
            let inFigure = figures.contains { $0.tokens.contains(i) }
            let spacedDash = token.text == "-" && token.spaced && i + 1 < text.tokens.count && text.tokens[i + 1].spaced
            let isMark = (token.kind == .symbol && (Self.clauseMarks.contains(token.text) || spacedDash))
                || (token.kind == .word && Self.clauseWords.contains(token.text))
            if isMark && !inFigure {
                clause += 1
            } else {
                clauseOf[i] = clause
            }
        }
        self.clauseOf = clauseOf
        clauseCount = clause + 1
    }

    /// Numbers in digits that are part of no figure.
    var bareNumbers: [Int] {
        sentence.tokens.filter { i in text.tokens[i].kind == .number && !figures.contains { $0.tokens.contains(i) } }
    }

    private func tokens(inClauses clauses: ClosedRange<Int>) -> [Int] {
        sentence.tokens.filter { i in clauseOf[i].map { clauses.contains($0) } ?? false }
    }

    /// From the figure's clause out to both sides, as long as `blocked` lets a clause in.
    private func region(of figure: FoundFigure, blocked: (Int) -> Bool) -> ClosedRange<Int> {
        let own = clauseOf[figure.core.lowerBound] ?? 0
        var low = own
        var high = own
        while low > 0, !blocked(low - 1) { low -= 1 }
        while high < clauseCount - 1, !blocked(high + 1) { high += 1 }
        return low...high
    }

    private func clauseHasOtherFigure(_ clause: Int, than figure: FoundFigure) -> Bool {
        figures.contains { other in other.core != figure.core && clauseOf[other.core.lowerBound] == clause }
    }

    private func clauseHasOtherNumber(_ clause: Int, than figure: FoundFigure) -> Bool {
        clauseHasOtherFigure(clause, than: figure) || sentence.tokens.contains { i in
            clauseOf[i] == clause && !figure.tokens.contains(i)
                && (text.tokens[i].kind == .number || Lexicon.numberWords[text.tokens[i].text] != nil)
        }
    }

    private func words(_ indices: [Int], matching stems: [String], _ exact: Set<String> = []) -> [Int] {
        indices.filter { i in
            let token = text.tokens[i]
            return (token.kind != .number) && (Lexicon.matches(token.text, stems: stems) || exact.contains(token.text))
        }
    }

    private func raw(_ i: Int) -> String { text.slice(text.tokens[i].start, text.tokens[i].end) }

    /// An implementing word right after "nearly", "not", "близки к", … says it is not done.
    private func isHedged(_ i: Int) -> Bool {
        (max(sentence.tokens.lowerBound, i - 2)..<i).contains { j in
            Lexicon.hedges.contains(text.tokens[j].text) && !figures.contains { $0.tokens.contains(j) }
        }
    }

    func judge(_ figure: FoundFigure) -> Judgement {
        let own = clauseOf[figure.core.lowerBound] ?? 0
        let ownTokens = tokens(inClauses: own...own).filter { !figure.tokens.contains($0) }
        let cueTokens = tokens(inClauses: region(of: figure) { clauseHasOtherFigure($0, than: figure) })
            .filter { !figure.tokens.contains($0) }
        let wideTokens = tokens(inClauses: region(of: figure) { clauseHasOtherNumber($0, than: figure) })
            .filter { !figure.tokens.contains($0) }
        let nearDistractors = words(ownTokens, matching: Lexicon.distractors, Lexicon.distractorWords)
        if !nearDistractors.isEmpty {
            return .setAside("about something else: " + unique(nearDistractors.map(raw)).joined(separator: ", "))
        }
        let implementing = words(cueTokens, matching: Lexicon.implementing)
        let done = implementing.filter { !isHedged($0) }
        if done.isEmpty, let hedged = implementing.first {
            return .setAside("not said to be done: \(text.slice(text.tokens[max(sentence.tokens.lowerBound, hedged - 2)].start, text.tokens[hedged].end))")
        }
        var cues = done
        if cues.isEmpty {
            let farDistractors = words(wideTokens, matching: Lexicon.distractors, Lexicon.distractorWords)
            if !farDistractors.isEmpty {
                return .setAside("about something else: " + unique(farDistractors.map(raw)).joined(separator: ", "))
            }
            // "…by 80 percent; in terms of acts adopted, by half": one verb for two figures.
            cues = words(Array(sentence.tokens), matching: Lexicon.implementing).filter { !isHedged($0) && !figure.tokens.contains($0) }
        }
        guard !cues.isEmpty else { return .setAside("no word of implementing near it") }
        let around = Array(sentence.tokens) + (previous.map { Array($0.tokens) } ?? [])
        // Nouns ("programmes", "мероприятий") before pronouns ("them") and "plan".
        let subjects = words(around, matching: Lexicon.subjects) + words(around, matching: [], Lexicon.subjectWords)
        guard !subjects.isEmpty else { return .setAside("names no programme, measure or plan") }
        let isContent = !words(wideTokens + cueTokens, matching: Lexicon.content).isEmpty
        return .progress(cues: unique((cues + subjects.prefix(2)).map(raw)), content: isContent)
    }

    /// "7 of 28 programmes", or a total the sentence (or the one before) gives as "28 … programmes".
    func countsProgrammes(_ figure: FoundFigure) -> Bool {
        let tokens = text.tokens
        if figure.tokens.upperBound > figure.core.upperBound {
            return Lexicon.matches(tokens[figure.core.upperBound..<figure.tokens.upperBound].last!.text, stems: ["programme", "program", "программ"])
        }
        guard let totalIndex = figure.totalToken else { return false }
        let total = Int(tokens[totalIndex].text) ?? Lexicon.numberWords[tokens[totalIndex].text]
        let around = (previous.map { Array($0.tokens) } ?? []) + Array(sentence.tokens)
        for i in around where (tokens[i].kind == .number && Int(tokens[i].text) == total) || i == totalIndex {
            let after = (i + 1)..<min(i + 4, tokens.count)
            if let noun = after.first(where: { tokens[$0].kind == .word && Lexicon.matches(tokens[$0].text, stems: Lexicon.subjects) }) {
                return Lexicon.matches(tokens[noun].text, stems: ["programme", "program", "программ"])
            }
        }
        return false
    }

    /// Why a number in digits is no share: a year, a date, money, an ordinal, a count of things.
    func kindOfNumber(at i: Int) -> String {
        let tokens = text.tokens
        let token = tokens[i]
        let next = i + 1 < sentence.tokens.upperBound ? tokens[i + 1].text : ""
        let before = i > sentence.tokens.lowerBound ? tokens[i - 1].text : ""
        let afterWord = (i + 1..<min(i + 3, sentence.tokens.upperBound)).first { tokens[$0].kind == .word }.map { tokens[$0].text } ?? ""
        if ["$", "€", "£"].contains(before) || Lexicon.matches(afterWord, stems: ["billion", "million", "trillion", "thousand", "dollar", "rouble", "ruble", "euro", "млрд", "млн", "трлн", "тыс", "миллиард", "миллион", "рубл", "доллар", "евро"]) {
            return "an amount of money"
        }
        if Lexicon.months[next] != nil || Lexicon.months[before] != nil { return "a date" }
        if !next.isEmpty, ["th", "st", "nd", "rd"].contains(next) || (next == "-" && Lexicon.matches(afterWord, stems: ["лет", "й", "го", "я"])) {
            return "an ordinal or an anniversary"
        }
        if let value = Int(token.text), (1000...2100).contains(value), token.end - token.start == 4 { return "a year" }
        if Lexicon.matches(afterWord, stems: Lexicon.subjects) || Lexicon.matches(afterWord, stems: ["union", "союзн", "sectoral", "отраслев"]) {
            return "a count with no progress in it"
        }
        return "a number that is no share of progress"
    }

    private func unique(_ words: [String]) -> [String] {
        var seen: Set<String> = []
        return words.filter { seen.insert($0.lowercased()).inserted }
    }
}
