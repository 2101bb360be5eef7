import Foundation
import Reports
import Tracker

/// Fixed reports for renderer tests: fixed ids and clock, so snapshots only change when a renderer does.
enum Fixtures {
    /// The Union State sample as the report reads it: the three portfolio claims of the bundled
    /// dataset (40 percent, implemented by 70 percent, more than half of the measures). The
    /// payment-systems claims, milestones and briefings are invented for tests, to give the
    /// report a contradiction and a burn-up.
    static let report: Report = {
        let lavrov2022 = ClaimMark(
            id: uuid(1), scope: portfolioID, unit: "measures", wording: "40 percent",
            interval: .exactly(40), asOf: date("2022-06-30"), speaker: "Sergey Lavrov", source: "mfa-2022-06-30",
            sourceTitle: "Lavrov's comment for Belarusian media after talks with Lukashenko, Minsk",
            sourceURL: nil, contradicted: false)
        let ministries = ClaimMark(
            id: uuid(2), scope: portfolioID, unit: "measures", wording: "implemented by 70 percent",
            interval: .exactly(70), asOf: date("2023-01-19"),
            speaker: "Foreign ministries of Russia and Belarus, as reported to Lukashenko", source: "minsk-2023-01-19",
            sourceTitle: "Lukashenko receives Lavrov; joint meeting of the foreign ministries' collegiums, Minsk",
            sourceURL: nil, contradicted: false)
        let lavrov2023 = ClaimMark(
            id: uuid(3), scope: portfolioID, unit: "measures", wording: "more than half of the measures",
            interval: .atLeast(50, inclusive: false), asOf: date("2023-05-17"), speaker: "Sergey Lavrov",
            source: "mfa-2023-05-17", sourceTitle: "Lavrov's remarks at a joint news conference with Aleinik, Moscow",
            sourceURL: nil, contradicted: false)
        let paymentsBefore = ClaimMark(
            id: uuid(4), scope: "payment-systems", unit: "measures", wording: "about 60 percent",
            interval: PercentInterval(lo: 55, hi: 65), asOf: date("2022-12-15"), speaker: "Working group on payment systems",
            source: "briefing-2022-12-15", sourceTitle: "Briefing on payment systems (invented for tests)",
            sourceURL: "https://example.org/briefings/2022-12-15", contradicted: true)
        let paymentsAfter = ClaimMark(
            id: uuid(5), scope: "payment-systems", unit: "measures", wording: "less than half",
            interval: PercentInterval(lo: 0, hi: 50, hiInclusive: false), asOf: date("2023-06-01"),
            speaker: "Working group on payment systems", source: "briefing-2023-06-01",
            sourceTitle: "Second briefing on payment systems (invented for tests)", sourceURL: nil, contradicted: true)

        return Report(
            title: "Union State programmes 2021–2023: progress report",
            portfolio: PortfolioInfo(
                id: portfolioID,
                title: "Main directions for implementing the Treaty on the Creation of the Union State, 2021-2023",
                titleRu: "Основные направления реализации положений Договора о создании Союзного государства на 2021–2023 годы",
                approvedOn: date("2021-11-04"), approvedBy: "Supreme State Council Decree No. 6",
                periodStart: date("2021-11-04"), periodEnd: date("2023-12-31"), plannedProgrammes: 28, programmes: 4),
            scope: nil,
            asOf: date("2024-01-10"),
            knownAt: nil,
            generatedAt: "2024-01-15T09:30:00Z",
            summary: [
                ScopeSummary(scope: portfolioID, unit: "measures", estimate: .atLeast(70), disputed: false, claims: 3,
                             previousEstimate: .exactly(70), lastClaim: lavrov2023, contradictions: 0),
                ScopeSummary(scope: "payment-systems", unit: "measures",
                             estimate: PercentInterval(lo: 0, hi: 50, hiInclusive: false), disputed: true, claims: 2,
                             previousEstimate: PercentInterval(lo: 55, hi: 65), lastClaim: paymentsAfter, contradictions: 1),
            ],
            timelines: [
                Timeline(scope: portfolioID, unit: "measures", steps: [
                    .init(date: date("2022-06-30"), estimate: .exactly(40), disputed: false),
                    .init(date: date("2023-01-19"), estimate: .exactly(70), disputed: false),
                    .init(date: date("2023-05-17"), estimate: .atLeast(70), disputed: false),
                ], claims: [lavrov2022, ministries, lavrov2023]),
                Timeline(scope: "payment-systems", unit: "measures", steps: [
                    .init(date: date("2022-12-15"), estimate: PercentInterval(lo: 55, hi: 65), disputed: false),
                    .init(date: date("2023-06-01"), estimate: PercentInterval(lo: 0, hi: 50, hiInclusive: false), disputed: true),
                ], claims: [paymentsBefore, paymentsAfter]),
            ],
            programmes: [
                ProgrammeRow(id: "currency-regulation", title: "Harmonisation of currency regulation and currency control",
                             portfolio: portfolioID, status: "in progress", estimate: nil, estimateUnit: nil, lastClaim: nil,
                             milestonesReached: 0, milestonesPlanned: 0),
                ProgrammeRow(id: "customs", title: "Customs regulation", portfolio: portfolioID, status: "completed",
                             completedOn: date("2023-10-02"), estimate: nil, estimateUnit: nil, lastClaim: nil,
                             milestonesReached: 0, milestonesPlanned: 0),
                ProgrammeRow(id: "payment-systems", title: "Integration of payment systems", portfolio: portfolioID,
                             status: "in progress", plannedMeasures: 12,
                             estimate: PercentInterval(lo: 0, hi: 50, hiInclusive: false), estimateUnit: "measures",
                             lastClaim: "less than half (2023-06-01)", milestonesReached: 2, milestonesPlanned: 3),
                ProgrammeRow(id: "transport", title: "Transport", portfolio: portfolioID, status: "in progress",
                             estimate: nil, estimateUnit: nil, lastClaim: nil, milestonesReached: 0, milestonesPlanned: 0),
            ],
            burnUps: [
                BurnUp(programme: "payment-systems", milestones: [
                    .init(id: "draft-agreed", title: "Draft agreement agreed", due: date("2022-06-30"), reachedOn: date("2022-09-15"),
                          reachedSource: "briefing-2022-12-15"),
                    .init(id: "agreement-signed", title: "Agreement signed", due: date("2022-12-31"), reachedOn: date("2022-12-20"),
                          reachedSource: "briefing-2022-12-15"),
                    .init(id: "rules-in-force", title: "Harmonised rules in force", due: date("2023-12-31"), reachedOn: nil),
                ]),
            ],
            contradictions: [
                ContradictionRow(scope: "payment-systems", unit: "measures", kind: "backwards",
                                 earlier: paymentsBefore, later: paymentsAfter),
            ],
            claims: [lavrov2022, paymentsBefore, ministries, lavrov2023, paymentsAfter],
            sources: [
                SourceRow(id: "mfa-2022-06-30", title: lavrov2022.sourceTitle!, publishedOn: date("2022-06-30"),
                          speaker: "Sergey Lavrov", publisher: "Ministry of Foreign Affairs of Russia", url: lavrov2022.sourceURL,
                          sha256: "7b931a1fb49d28fc9f1050cc7654a1e12271055c2e99e8cd8d8a1083c860ee7e"),
                SourceRow(id: "briefing-2022-12-15", title: paymentsBefore.sourceTitle!, publishedOn: date("2022-12-15"),
                          speaker: nil, publisher: nil, url: paymentsBefore.sourceURL),
                SourceRow(id: "minsk-2023-01-19", title: ministries.sourceTitle!, publishedOn: date("2023-01-19"),
                          speaker: "Alexander Lukashenko; Sergey Lavrov; Sergei Aleinik", publisher: nil, url: nil),
                SourceRow(id: "mfa-2023-05-17", title: lavrov2023.sourceTitle!, publishedOn: date("2023-05-17"),
                          speaker: "Sergey Lavrov", publisher: "Ministry of Foreign Affairs of Russia", url: lavrov2023.sourceURL),
                SourceRow(id: "briefing-2023-06-01", title: paymentsAfter.sourceTitle!, publishedOn: date("2023-06-01"),
                          speaker: nil, publisher: nil, url: nil),
            ]
        )
    }()

    /// Every text of `report` made hostile: markup, ampersands, quotes, table pipes, line breaks,
    /// an entity that must stay literal, Cyrillic, and URLs that try to break out of an attribute.
    static let hostile: Report = {
        func poison(_ text: String) -> String { "\(text) | <b>x</b> & \"q\",\nnext" }
        func poison(_ claim: ClaimMark) -> ClaimMark {
            var claim = claim
            claim.scope = poison(claim.scope)
            claim.wording = poison(claim.wording)
            claim.speaker = claim.speaker.map(poison)
            claim.sourceTitle = claim.sourceTitle.map(poison)
            claim.sourceURL = claim.sourceURL.map { $0 + "?a=1&b=\"><script>alert(1)</script>" }
            return claim
        }
        var report = Self.report
        report.title = hostileTitle
        report.portfolio?.title = hostileTitle
        report.portfolio?.approvedBy = "Decree &lt;No. 6&gt;"
        report.knownAt = "2024-01-01T00:00:00Z <i>"
        report.claims = report.claims.map(poison)
        report.summary = report.summary.map { row in
            var row = row
            row.scope = poison(row.scope)
            row.lastClaim = poison(row.lastClaim)
            return row
        }
        report.timelines = report.timelines.map { timeline in
            var timeline = timeline
            timeline.scope = poison(timeline.scope)
            timeline.claims = timeline.claims.map(poison)
            return timeline
        }
        report.programmes = report.programmes.map { row in
            var row = row
            row.title = poison(row.title)
            row.lastClaim = row.lastClaim.map(poison)
            return row
        }
        report.contradictions = report.contradictions.map { row in
            var row = row
            row.scope = poison(row.scope)
            row.earlier = poison(row.earlier)
            row.later = poison(row.later)
            return row
        }
        report.sources = report.sources.map { source in
            var source = source
            source.title = poison(source.title)
            source.speaker = source.speaker.map(poison)
            source.url = source.url.map { $0 + "?a=1&b=\"><script>alert(1)</script>" } ?? "javascript:alert(1)"
            return source
        }
        return report
    }()

    static let hostileTitle = "Союзное государство <&> \"quoted\""

    static let portfolioID = "union-state-2021-2023"

    static func uuid(_ number: Int) -> UUID {
        UUID(uuidString: "00000000-0000-4000-8000-\(String(repeating: "0", count: 12 - String(number).count))\(number)")!
    }

    static func date(_ text: String) -> CalendarDate {
        CalendarDate(text)!
    }
}
