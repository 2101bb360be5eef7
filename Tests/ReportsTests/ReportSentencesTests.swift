import Foundation
import Reports
import Testing
import Tracker

/// The plain-language sentences of a report, from small inputs.
struct ReportSentencesTests {
    @Test(arguments: [
        (PercentInterval.exactly(40), "exactly 40%"),
        (.exactly(100), "all (100%)"),
        (.atLeast(70), "at least 70%"),
        (.atLeast(50, inclusive: false), "more than 50%"),
        (PercentInterval(lo: 0, hi: 60), "up to 60%"),
        (PercentInterval(lo: 0, hi: 50, hiInclusive: false), "less than 50%"),
        (PercentInterval(lo: 35, hi: 45), "between 35% and 45%"),
        (PercentInterval(lo: 50, hi: 60, loInclusive: false, hiInclusive: false), "more than 50% and less than 60%"),
        (PercentInterval(lo: 4.5, hi: 10, hiInclusive: false), "at least 4.5% and less than 10%"),
        (PercentInterval.whole, "anywhere from 0% to 100%"),
    ])
    func shareInWords(interval: PercentInterval, words: String) {
        #expect(ReportSentences.share(interval) == words)
    }

    @Test func theSampleEstimateSaysOnWhoseWordSinceWhenAndAgainstWhat() {
        let report = Fixtures.report
        let timeline = report.timelines[0]
        let denominator = ReportSentences.denominator(unit: "measures", portfolio: report.portfolio, programme: nil)
        #expect(denominator == "28 programmes; the plan does not give the number of measures")
        let sentence = ReportSentences.standing(report.summary[0], claims: timeline.claims, steps: timeline.steps,
                                                denominator: denominator, asOf: Fixtures.date("2026-12-03"))
        #expect(sentence == """
            As of 2026-12-03, at least 70% of the measures of union-state-2021-2023 (28 programmes; the plan does not \
            give the number of measures) are implemented, on the word of Sergey Lavrov (“more than half of the \
            measures”, 2023-05-17, Lavrov's remarks at a joint news conference with Aleinik, Moscow), bounded below by \
            the earlier claim “implemented by 70 percent” (2023-01-19, Foreign ministries of Russia and Belarus, as \
            reported to Lukashenko). This has held since 2023-01-19; 3 claims in all, none contradicting another.
            """)
        #expect(!sentence.contains("["), "no interval notation in prose")
    }

    @Test func aDisputedEstimateIsSaidToBeDisputed() {
        let report = Fixtures.report
        let sentence = ReportSentences.standing(report.summary[1], claims: report.timelines[1].claims,
                                                steps: report.timelines[1].steps, denominator: nil, asOf: report.asOf)
        #expect(sentence.hasPrefix("As of 2024-01-10, how far payment-systems is in measures is disputed: the latest claim, "))
        #expect(sentence.contains("Working group on payment systems (“less than half”, 2023-06-01"))
        #expect(sentence.contains("says less than 50%, which earlier claims contradict (1 contradiction among 2 claims"))
    }

    @Test func aClaimThatSetsItsOwnFloorNeedsNoEarlierOne() {
        let claim = Fixtures.report.claims[1]
        let summary = ScopeSummary(scope: "payment-systems", unit: "content", estimate: claim.interval, disputed: false,
                                   claims: 1, previousEstimate: nil, lastClaim: claim, contradictions: 0)
        let sentence = ReportSentences.standing(summary, claims: [claim], steps: [
            .init(date: claim.asOf, estimate: claim.interval, disputed: false),
        ], denominator: nil, asOf: Fixtures.date("2023-01-01"))
        #expect(sentence.contains("between 55% and 65% of the content of payment-systems is implemented"))
        #expect(!sentence.contains("bounded below"))
        #expect(sentence.hasSuffix("This has held since 2022-12-15; 1 claim in all, none contradicting another."))
    }

    @Test func denominatorsComeFromThePlanOrSayItIsSilent() {
        let planned = PortfolioInfo(id: "p", title: "P", plannedProgrammes: 28, plannedMeasures: 310)
        #expect(ReportSentences.denominator(unit: "measures", portfolio: planned, programme: nil) == "310 planned measures in 28 programmes")
        #expect(ReportSentences.denominator(unit: "programmes", portfolio: planned, programme: nil) == "28 programmes")
        let counted = PortfolioInfo(id: "p", title: "P", programmes: 19)
        #expect(ReportSentences.denominator(unit: "programmes", portfolio: counted, programme: nil) == "19 recorded programmes")
        let programme = Fixtures.report.programmes[0]
        #expect(ReportSentences.denominator(unit: "measures", portfolio: nil, programme: programme)
                == "the plan does not give the number of measures")
        #expect(ReportSentences.denominator(unit: "measures", portfolio: nil, programme: Fixtures.report.programmes[2])
                == "12 planned measures")
    }

    @Test func statusAccountsForThePortfolioPeriod() {
        let end = Fixtures.date("2023-12-31")
        let open = Fixtures.report.programmes[0]
        #expect(ReportSentences.status(open, periodEnd: end, asOf: Fixtures.date("2023-06-01")) == "in progress")
        #expect(ReportSentences.status(open, periodEnd: end, asOf: end) == "in progress")
        #expect(ReportSentences.status(open, periodEnd: end, asOf: Fixtures.date("2024-01-01"))
                == "not reported complete by the end of the period (2023-12-31)")
        #expect(ReportSentences.status(open, periodEnd: nil, asOf: Fixtures.date("2030-01-01")) == "in progress")
        #expect(ReportSentences.status(Fixtures.report.programmes[1], periodEnd: end, asOf: Fixtures.date("2024-01-01"))
                == "complete on 2023-10-02")
    }

    @Test func evidenceCountsReachedOfPlannedPerProgrammeAndInAll() {
        var other = Fixtures.report.programmes[2]
        other.id = "customs"
        other.milestonesReached = 1
        other.milestonesPlanned = 5
        #expect(ReportSentences.evidence([Fixtures.report.programmes[2]]) == "Milestones: 2 of 3 reached (payment-systems).")
        #expect(ReportSentences.evidence(Fixtures.report.programmes + [other])
                == "Milestones: 3 of 8 reached (payment-systems: 2 of 3, customs: 1 of 5).")
        #expect(ReportSentences.evidence([Fixtures.report.programmes[0]]) == "No milestones are tracked to set beside the claims.")
    }

    @Test func aPortfolioSaysHowManyProgrammesAreRecordedCompleteAndClaimed() {
        let report = Fixtures.report
        #expect(ReportSentences.programmes(of: report.portfolio!, report.programmes, claimed: ["payment-systems"], asOf: report.asOf)
                == "union-state-2021-2023: 4 of its 28 planned programmes are recorded; 1 reported complete by the end of "
                + "its period (2023-12-31), 3 not; 1 with claims of their own.")
        #expect(ReportSentences.programmes(of: report.portfolio!, [], claimed: [], asOf: Fixtures.date("2022-01-01"))
                == "union-state-2021-2023: 0 of its 28 planned programmes are recorded; none is reported complete yet; "
                + "none has a claim of its own.")
    }

    @Test func programmesWithNothingToShowAreNamedInOneLine() {
        #expect(ReportSentences.unclaimed([]) == nil)
        #expect(ReportSentences.unclaimed(["customs", "transport"])
                == "No claims yet for 2 programmes (and no milestones or completion): customs, transport.")
    }
}
