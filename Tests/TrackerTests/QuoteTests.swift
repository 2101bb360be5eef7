import Foundation
import Testing
@testable import Tracker

@Suite struct QuoteTests {
    let text = """
        Today, 40 percent of them have been implemented.
        Он сказал: «Программы   выполнены на 70 процентов» — и добавил,
        что ещё многое предстоит.
        """

    @Test func findsTheQuoteAndGivesItsSpanInScalars() throws {
        let span = try #require(Quote.locate("40 percent of them have been implemented", in: text))
        #expect(span.passage(in: text) == "40 percent of them have been implemented")
        #expect(span.start == 7)
    }

    @Test func readsWhitespaceQuotesDashesAndYoAsTheTextDoes() throws {
        let quote = "\"Программы выполнены на 70 процентов\" - и добавил, что еще многое"
        let span = try #require(Quote.locate(quote, in: text))
        let passage = try #require(span.passage(in: text))
        #expect(passage.hasPrefix("«Программы   выполнены"))
        #expect(passage.hasSuffix("что ещё многое"))
        #expect(Quote.holds(quote, at: span, in: text))
    }

    @Test func spanCountsUnicodeScalarsAsPostgresSubstrDoes() throws {
        // "é" written as e + combining accent is one Character but two scalars; substr counts two.
        let decomposed = "Cafe\u{301} 12 percent done"
        let span = try #require(Quote.locate("12 percent", in: decomposed))
        #expect(span.start == 6)
        #expect(span.end == 16)
    }

    @Test func lettersAndCaseMustMatch() {
        #expect(Quote.locate("41 percent of them", in: text) == nil)
        #expect(Quote.locate("today, 40 percent", in: text) == nil)
        #expect(Quote.locate("   ", in: text) == nil)
    }

    @Test func wordingMustLieInsideTheQuote() {
        #expect(Quote.contains("40 percent of them have been implemented", "40  percent"))
        #expect(!Quote.contains("of them have been implemented", "40 percent"))
        #expect(Quote.contains("More than half of the measures have been realised", "more than half of the measures"))
    }

    @Test func holdsFailsOnceTheTextChanges() throws {
        let span = try #require(Quote.locate("40 percent of them", in: text))
        let tampered = text.replacingOccurrences(of: "40 percent", with: "45 percent")
        #expect(Quote.holds("40 percent of them", at: span, in: text))
        #expect(!Quote.holds("40 percent of them", at: span, in: tampered))
        #expect(!Quote.holds("40 percent of them", at: QuoteSpan(start: 0, end: 10_000), in: text))
    }

    @Test func closestPassageIsTheSentenceSharingMostWords() {
        let passage = Quote.closestPassage(to: "45 percent of them have been implemented", in: text)
        #expect(passage == "Today, 40 percent of them have been implemented")
        #expect(Quote.closestPassage(to: "nothing alike", in: text) == nil)
    }
}

/// A claim pinned to the words of its source's stored text.
@Suite struct QuotedClaimTests {
    static let text = "Lavrov said: \u{201C}More than half   of the measures have been realised\u{201D} \u{2014} and more will follow."

    func world(withText: Bool = true) throws -> World {
        var world = try World.seeded()
        try world.run(.addSource(AddSource(
            id: "with-text", title: "Briefing", publishedOn: "2023-05-17",
            text: withText ? Self.text : nil, sha256: withText ? String(repeating: "0", count: 64) : nil)))
        return world
    }

    func claim(_ quote: String, wording: String = "More than half") -> Command {
        .claimProgress(ClaimProgress(
            scope: portfolioId, wording: wording, interval: PercentInterval(lo: 50, hi: 100, loInclusive: false),
            asOf: "2023-05-17", source: "with-text", quote: quote))
    }

    @Test func keepsThePassageAsTheTextSpellsItAndItsSpan() throws {
        let (_, event) = try decideOne(claim("\"More than half of the measures have been realised\" - and more"), in: try world())
        guard case .progressClaimed(let claimed) = event else { Issue.record("got \(event)"); return }
        let span = try #require(claimed.quoteSpan)
        #expect(claimed.quote == span.passage(in: Self.text))
        #expect(claimed.quote == "\u{201C}More than half   of the measures have been realised\u{201D} \u{2014} and more")
    }

    @Test func refusesAQuoteTheTextDoesNotHoldNamingTheClosestPassage() throws {
        expectRejection(claim("More than half of the measures have been completed"), in: try world(),
                        mentioning: "--quote is not in the stored text of source \"with-text\"", "closest passage", "have been realised")
    }

    @Test func refusesAWordingOutsideTheQuote() throws {
        expectRejection(claim("of the measures have been realised"), in: try world(),
                        mentioning: "the wording \"More than half\" is not inside the quote")
    }

    @Test func refusesAQuoteFromASourceWithoutText() throws {
        expectRejection(claim("More than half"), in: try world(withText: false), mentioning: "has no stored text", "--file")
    }
}
