import Tracker

/// The date a sentence gives its statement: "as of 1 May 2023", "по состоянию на 1 мая 2023 года",
/// "by the end of 2022", "на конец 2022 года"; else the publication date. A date after the
/// publication is a plan, not the statement's date.
enum StatementDate {
    static func date(in reader: SentenceReader, publishedOn: CalendarDate) -> CalendarDate {
        let tokens = Array(reader.text.tokens[reader.sentence.tokens]).filter { $0.kind != .symbol || $0.text == "-" }
        let words = tokens.map(\.text)
        var found: CalendarDate?
        for i in words.indices {
            let lead = i >= 2 ? Array(words[(i - 2)..<i]) : []
            let anchored = lead.last == "of" && lead.first == "as" || lead.last == "at" && lead.first == "as"
                || lead.last == "на" || lead.last == "on" || lead.last == "by"
            guard anchored else {
                if ["end", "конец", "концу", "итогам"].contains(words[i]), let year = year(after: i, in: words) {
                    found = CalendarDate(year: year, month: 12, day: 31)
                }
                continue
            }
            // 1 May 2023 / 1 мая 2023 / May 1, 2023
            if let day = Int(words[i]), i + 2 < words.count, let month = Lexicon.months[words[i + 1]], let year = Int(words[i + 2]) {
                found = CalendarDate(year: year, month: month, day: day) ?? found
            } else if let month = Lexicon.months[words[i]], i + 2 < words.count, let day = Int(words[i + 1]), let year = Int(words[i + 2]) {
                found = CalendarDate(year: year, month: month, day: day) ?? found
            }
        }
        guard let found, found <= publishedOn else { return publishedOn }
        return found
    }

    private static func year(after i: Int, in words: [String]) -> Int? {
        for j in (i + 1)..<min(i + 3, words.count) {
            if let value = Int(words[j]), (1900...2100).contains(value) { return value }
        }
        return nil
    }
}

/// The person a sentence says spoke: "…,” Vladimir Putin said", "заявил Алексей Оверчук".
/// Nil when it names none, so the source's speaker stands.
enum SpeakerFinder {
    static func speaker(in reader: SentenceReader) -> String? {
        let all = reader.text.tokens
        let range = reader.sentence.tokens
        for i in range where all[i].kind == .word && Lexicon.speechVerbs.contains(where: { all[i].text.hasPrefix($0) }) {
            var start = i
            while start - 1 >= range.lowerBound, all[start - 1].kind == .word, all[start - 1].capitalised, i - start < 3 { start -= 1 }
            if start < i, start > range.lowerBound || i - start >= 2 {
                return reader.text.slice(all[start].start, all[i - 1].end)
            }
            var end = i + 1
            while end < range.upperBound, all[end].kind == .word, all[end].capitalised, end - i <= 3 { end += 1 }
            if end > i + 1 { return reader.text.slice(all[i + 1].start, all[end - 1].end) }
        }
        return nil
    }
}
