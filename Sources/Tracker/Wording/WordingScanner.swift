/// Reads tokens into pieces, left to right, taking the longest known phrase at each point.
enum WordingScanner {
    static func items(_ tokens: [WordingToken], in chars: [Character]) -> [WordingItem] {
        var items: [WordingItem] = []
        var i = 0
        func add(_ kind: WordingItem.Kind, until end: Int) {
            let (start, stop) = (tokens[i].start, tokens[end - 1].end)
            items.append(WordingItem(kind: kind, text: String(chars[start..<stop]), start: start, end: stop))
            i = end
        }
        while i < tokens.count {
            let token = tokens[i]
            if token.kind == .number {
                if let link = WordingLexicon.matchCountLink(tokens, at: i + 1), link < tokens.count,
                   tokens[link].kind == .number {
                    add(.figure(.count(token.text, of: tokens[link].text)), until: link + 1)
                } else if let unit = WordingLexicon.match(tokens, at: i + 1), unit.meaning == .percentUnit {
                    add(.figure(.number(token.text, hasUnit: true)), until: unit.end)
                } else {
                    add(.figure(.number(token.text, hasUnit: false)), until: i + 1)
                }
            } else if let known = WordingLexicon.match(tokens, at: i) {
                add(kind(of: known.meaning), until: known.end)
            } else if let last = items.last, case .unknown = last.kind {
                // Neighbouring unknown words are reported together: "good progress", not "good".
                items[items.count - 1].text = String(chars[last.start..<token.end])
                items[items.count - 1].end = token.end
                i += 1
            } else {
                add(.unknown, until: i + 1)
            }
        }
        return items
    }

    private static func kind(of meaning: Meaning) -> WordingItem.Kind {
        switch meaning {
        case .qualifier(let q): .qualifier(q)
        case .fraction(let f): .figure(.fraction(f))
        case .fully: .figure(.fully)
        case .most: .figure(.most)
        case .percentUnit: .strayUnit
        case .preposition: .preposition
        case .filler(let noun): .filler(noun: noun)
        case .numberWord: .numberWord
        }
    }
}
