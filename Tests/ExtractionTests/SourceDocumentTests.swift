import Extraction
import Testing
import Tracker

/// The five real documents: exactly the three programme statements are proposed, and the
/// figures about the election and trade are set aside.
@Suite struct SourceDocumentTests {
    static let facts = SourceFacts(publishedOn: CalendarDate(year: 2023, month: 5, day: 17)!, speaker: "Sergey Lavrov")
    static let catalog = [
        ScopeEntry(id: "union-state-2021-2023",
                   title: "Main directions for implementing the Treaty on the Creation of the Union State, 2021-2023",
                   titleRu: "Основные направления реализации положений Договора о создании Союзного государства на 2021–2023 годы",
                   programmes: 28),
        ScopeEntry(id: "currency-regulation", title: "Harmonisation of currency regulation and currency control"),
        ScopeEntry(id: "payment-systems", title: "Integration of payment systems"),
        ScopeEntry(id: "gas-market", title: "Common gas market"),
    ]

    @Test func proposesExactlyTheThreeProgrammeStatements() throws {
        var proposals: [Proposal] = []
        for name in Fixtures.documents {
            proposals += Extractor.extract(try Fixtures.text(name), facts: Self.facts, scopes: Self.catalog).proposals
        }
        #expect(proposals.map(\.wording) == ["40 percent of them", "by 70 percent", "More than half of the measures"])
        let quotes = proposals.map(\.quote)
        #expect(quotes[0].hasPrefix("According to our estimates, 40 percent of them have been implemented in terms of finding practical solutions"))
        #expect(quotes[1] == "They have been implemented by 70 percent.")
        #expect(quotes[2].hasPrefix("More than half of the measures have been realised"))
        #expect(proposals.map(\.interval) == [
            try WordingParser.parse("40 percent").interval, try WordingParser.parse("by 70 percent").interval,
            try WordingParser.parse("more than half").interval,
        ])
        #expect(proposals.allSatisfy { $0.unit == .measures && $0.scope == "union-state-2021-2023" })
        #expect(proposals.allSatisfy { $0.why.contains("implemented") || $0.why.contains("realised") }, "\(proposals.map(\.why))")
    }

    @Test func setsAsideTheElectionAndTheTrade() throws {
        let kremlin = Extractor.extract(try Fixtures.text("2022-03-11-kremlin-putin-lukashenko.txt"), facts: Self.facts)
        #expect(kremlin.proposals.isEmpty)
        let election = try #require(kremlin.setAside.first { $0.wording == "One and a half percent" })
        #expect(election.quote.contains("recent presidential election"))
        #expect(election.why.contains("election"))
        let trade = try #require(kremlin.setAside.first { $0.wording == "by more than 34%" })
        #expect(trade.quote.contains("soared by more than 34%"))
        #expect(trade.why.contains("trade") && trade.why.contains("soared"))
    }

    @Test func offsetsCountCodePointsAndReproduceTheWording() throws {
        for name in Fixtures.documents {
            let text = try Fixtures.text(name)
            let scalars = Array(text.unicodeScalars)
            let found = Extractor.extract(text, facts: Self.facts)
            for (start, end, wording) in found.proposals.map({ ($0.start, $0.end, $0.wording) }) + found.setAside.map({ ($0.start, $0.end, $0.wording) }) {
                // substr(text, start + 1, end - start), as PostgreSQL counts.
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[start..<end])
                #expect(String(view) == wording)
            }
        }
        // Curly quotes, an emoji and Cyrillic before the figure: code points, not characters or bytes.
        let text = "“Прогресс” 👍🏽: программы выполнены на 70 процентов."
        let proposal = try #require(Extractor.extract(text, facts: Self.facts).proposals.first)
        #expect(proposal.wording == "на 70 процентов")
        let before = "“Прогресс” 👍🏽: программы выполнены "
        #expect(before.unicodeScalars.count != before.count, "the emoji is two code points and one character")
        #expect(proposal.start == before.unicodeScalars.count)
        #expect(proposal.end == proposal.start + "на 70 процентов".unicodeScalars.count)
    }

    @Test func datesSpeakersAndTheSourceFacts() throws {
        let lavrov = Extractor.extract(try Fixtures.text("2022-06-30-minsk-lavrov.txt"),
                                       facts: SourceFacts(publishedOn: CalendarDate(year: 2022, month: 6, day: 30)!, speaker: "Sergey Lavrov"))
        #expect(lavrov.proposals.map(\.asOf) == [CalendarDate(year: 2022, month: 6, day: 30)!])
        #expect(lavrov.proposals.map(\.speaker) == ["Sergey Lavrov"])
        let facts = SourceFacts(publishedOn: CalendarDate(year: 2023, month: 5, day: 17)!, speaker: "Sergey Lavrov")
        let dated = Extractor.extract("As of 1 April 2023, 60 percent of the measures had been implemented, Aleksei Overchuk said.", facts: facts)
        #expect(dated.proposals.map(\.asOf) == [CalendarDate(year: 2023, month: 4, day: 1)!])
        #expect(dated.proposals.map(\.speaker) == ["Aleksei Overchuk"])
        let yearEnd = Extractor.extract("На конец 2022 года выполнено 7 из 28 программ, заявил Алексей Оверчук.", facts: facts)
        #expect(yearEnd.proposals.map(\.asOf) == [CalendarDate(year: 2022, month: 12, day: 31)!])
        #expect(yearEnd.proposals.map(\.speaker) == ["Алексей Оверчук"])
        #expect(yearEnd.proposals.map(\.unit) == [.programmes])
        #expect(yearEnd.proposals.map(\.count) == [7] && yearEnd.proposals.map(\.total) == [28])
        // A date after publication cannot date what was said: the publication date stands.
        let plan = Extractor.extract("As of 1 December 2023, the programmes had been implemented by 90 percent.", facts: facts)
        #expect(plan.proposals.map(\.asOf) == [facts.publishedOn])
    }

    @Test func aPlanOrANearlyDoneIsNoProgress() {
        for text in [
            "By the end of the year, at least 95 percent of the road map will be carried out.",
            "К концу года будут выполнены не менее 95 процентов мероприятий.",
            "Twelve of the 28 programmes are close to completion.",
            "40 percent of the measures have not been implemented.",
        ] {
            let found = Extractor.extract(text, facts: Self.facts)
            #expect(found.proposals.isEmpty, "\(text)")
            #expect(found.setAside.contains { $0.why.hasPrefix("not said to be done") }, "\(found.setAside)")
        }
    }

    @Test func numberWordCountsAreReadAsDigits() throws {
        let facts = Self.facts
        let english = try #require(Extractor.extract("Eight of the 28 programmes have been completed.", facts: facts).proposals.first)
        #expect(english.wording == "Eight of the 28 programmes")
        #expect(english.reading == "8 of the 28 programmes")
        #expect(english.count == 8 && english.total == 28 && english.unit == .programmes)
        #expect(english.interval == (try WordingParser.parse("8 of 28").interval))
        let russian = try #require(Extractor.extract("Восемь из 28 союзных программ уже выполнены.", facts: facts).proposals.first)
        #expect(russian.reading == "8 из 28")
        #expect(russian.unit == .programmes)
    }

    @Test func scopeByIdTitleRussianTitleKeywordsOrNone() {
        let facts = Self.facts
        func scope(_ text: String) -> String?? { Extractor.extract(text, facts: facts, scopes: Self.catalog).proposals.first.map(\.scope) }
        #expect(scope("The currency regulation harmonisation programme has been implemented by 60 percent.") == .some("currency-regulation"))
        #expect(scope("Программа currency-regulation выполнена на 60 процентов.") == .some("currency-regulation"))
        #expect(scope("Of the 28 programmes, 40 percent of measures have been implemented.") == .some("union-state-2021-2023"))
        #expect(scope("Программы, принятые в рамках документа «Основные направления реализации положений Договора о создании Союзного государства на 2021–2023 годы», выполнены на 80 процентов.") == .some("union-state-2021-2023"))
        #expect(scope("The programme has been implemented by 60 percent.") == .some(nil))
        // Two scopes named alike: unsure.
        #expect(scope("The payment systems integration and the common gas market programmes are implemented by 50 percent.") == .some(nil))
    }
}
