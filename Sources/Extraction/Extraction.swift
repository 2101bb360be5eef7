import Tracker

/// A portfolio or programme a statement may speak of, as the catalog names it.
public struct ScopeEntry: Sendable, Equatable {
    public var id: String
    public var title: String
    public var titleRu: String?
    /// Words that name it besides its titles; its titles' own words are read too.
    public var keywords: [String]
    /// A portfolio's planned number of programmes: "the 28 programmes" names the portfolio of 28.
    public var programmes: Int?

    public init(id: String, title: String, titleRu: String? = nil, keywords: [String] = [], programmes: Int? = nil) {
        self.id = id
        self.title = title
        self.titleRu = titleRu
        self.keywords = keywords
        self.programmes = programmes
    }
}

/// What is known of the source besides its text.
public struct SourceFacts: Sendable, Equatable {
    public var publishedOn: CalendarDate
    public var speaker: String?

    public init(publishedOn: CalendarDate, speaker: String? = nil) {
        self.publishedOn = publishedOn
        self.speaker = speaker
    }
}

/// A progress statement proposed as a claim. `start` and `end` are zero-based offsets in code
/// points, `[start, end)`: in SQL, `substr(text, start + 1, end - start)` is the wording.
public struct Proposal: Sendable, Equatable {
    /// The exact span of the text.
    public var wording: String
    public var start: Int
    public var end: Int
    /// Its sentence, as written.
    public var quote: String
    /// What the wording parser read: the wording, with number words as digits ("8 of 28").
    public var reading: String
    public var interval: PercentInterval
    public var unit: ClaimUnit
    public var count: Int?
    public var total: Int?
    /// The portfolio or programme it speaks of; nil when unsure.
    public var scope: String?
    public var asOf: CalendarDate
    public var speaker: String?
    /// The cue words that made it a progress statement.
    public var why: String
}

/// A figure that is not proposed, and why.
public struct SetAside: Sendable, Equatable {
    public var wording: String
    public var start: Int
    public var end: Int
    public var quote: String
    public var why: String
}

public struct Extraction: Sendable, Equatable {
    public var proposals: [Proposal]
    public var setAside: [SetAside]
}

/// Finds the progress statements of a text: every figure the wording parser reads, or a count in
/// number words, in a sentence that speaks of implementing programmes, their measures or plans,
/// and sets aside figures about other things. Pure: the catalog and the source's facts are given.
public enum Extractor {
    public static func extract(_ text: String, facts: SourceFacts, scopes: [ScopeEntry] = []) -> Extraction {
        let scalarText = ScalarText(text)
        let sentences = SentenceSplitter.sentences(scalarText)
        let matcher = ScopeMatcher(scopes)
        var result = Extraction(proposals: [], setAside: [])
        for (index, sentence) in sentences.enumerated() {
            let previous = index > 0 && sentences[index - 1].paragraph == sentence.paragraph ? sentences[index - 1] : nil
            let paragraph = sentences.filter { $0.paragraph == sentence.paragraph }
            let reader = SentenceReader(text: scalarText, sentence: sentence, previous: previous)
            let quote = scalarText.slice(sentence.start, sentence.end)
            var scope: String??
            for figure in reader.figures {
                let span = (scalarText.tokens[figure.tokens.lowerBound].start, scalarText.tokens[figure.tokens.upperBound - 1].end)
                func aside(_ why: String, _ range: (Int, Int) = span) {
                    result.setAside.append(SetAside(wording: scalarText.slice(range.0, range.1), start: range.0, end: range.1,
                                                    quote: quote, why: why))
                }
                if figure.kind == .partOfYear {
                    aside("a part of the year")
                    continue
                }
                let parsed: (ParsedWording, Range<Int>, String)
                switch FigureFinder.parse(figure, of: scalarText) {
                case .success(let value): parsed = value
                case .failure(let error):
                    aside("the wording parser cannot read it: \(error.problem)")
                    continue
                }
                let (wording, read, reading) = parsed
                let range = (scalarText.tokens[read.lowerBound].start, scalarText.tokens[read.upperBound - 1].end)
                switch reader.judge(figure) {
                case .setAside(let why):
                    aside(why, range)
                case .progress(let cues, let isContent):
                    if scope == nil {
                        let window = [previous, sentence].compactMap { $0 }
                        scope = .some(matcher.match(in: window, of: scalarText) ?? matcher.match(in: paragraph, of: scalarText))
                    }
                    let unit: ClaimUnit = figure.kind == .count && reader.countsProgrammes(figure) ? .programmes
                        : isContent ? .content : .measures
                    result.proposals.append(Proposal(
                        wording: scalarText.slice(range.0, range.1), start: range.0, end: range.1, quote: quote,
                        reading: reading, interval: wording.interval, unit: unit, count: wording.count, total: wording.total,
                        scope: scope ?? nil, asOf: StatementDate.date(in: reader, publishedOn: facts.publishedOn),
                        speaker: SpeakerFinder.speaker(in: reader) ?? facts.speaker, why: cues.joined(separator: ", ")))
                }
            }
            for number in reader.bareNumbers {
                let token = scalarText.tokens[number]
                result.setAside.append(SetAside(wording: token.text, start: token.start, end: token.end, quote: quote,
                                                why: reader.kindOfNumber(at: number)))
            }
        }
        result.setAside.sort { $0.start < $1.start }
        return result
    }
}
