import Foundation
import Testing
@testable import Tracker

/// Helpers for hand-made histories. Kept as protocol members so they cannot clash with the
/// free helper functions of the other test files in this target.
protocol InferenceFixtures {}

extension InferenceFixtures {
    /// A claim id that reads well in failures: 00000000-0000-0000-0000-0000000000nn.
    func id(_ n: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))!
    }

    func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

    /// An interval written as the reports print it: "[35, 45]", "(50, 100]".
    func iv(_ text: String) -> PercentInterval {
        let inner = text.dropFirst().dropLast().split(separator: ",").map {
            Double($0.trimmingCharacters(in: .whitespaces))!
        }
        return PercentInterval(lo: inner[0], hi: inner[1], loInclusive: text.first == "[", hiInclusive: text.last == "]")
    }

    /// Claim number `n`, recorded `n`-th unless a sequence is given.
    func claim(_ n: Int, _ asOf: String, _ interval: String, sequence: Int? = nil) -> ClaimFact {
        ClaimFact(id: id(n), asOf: day(asOf), interval: iv(interval), sequence: sequence ?? n)
    }

    func claim(_ n: Int, _ asOf: String, _ interval: PercentInterval) -> ClaimFact {
        ClaimFact(id: id(n), asOf: day(asOf), interval: interval, sequence: n)
    }

    func timeline(_ claims: [ClaimFact], baselines: [String] = []) -> [TimelinePoint] {
        Inference.timeline(claims: claims, baselines: baselines.map(day))
    }

    func estimate(on date: String, _ claims: [ClaimFact], baselines: [String] = []) -> TimelinePoint? {
        Inference.estimate(on: day(date), claims: claims, baselines: baselines.map(day))
    }

    func contradictions(_ claims: [ClaimFact], baselines: [String] = []) -> [Contradiction] {
        Inference.contradictions(claims: claims, baselines: baselines.map(day))
    }

    func backwards(_ earlier: Int, _ later: Int) -> Contradiction {
        Contradiction(kind: .backwards, earlier: id(earlier), later: id(later))
    }

    func sameDay(_ earlier: Int, _ later: Int) -> Contradiction {
        Contradiction(kind: .sameDay, earlier: id(earlier), later: id(later))
    }
}

@Suite struct InferenceEstimateTests: InferenceFixtures {
    @Test func designExampleKeepsTheEarlierLowerBound() throws {
        // 70% on 2023-01-19, then "more than half" on 2023-05-17 → [70, 100] on 2023-05-17.
        let claims = [claim(1, "2023-01-19", "[70, 70]"), claim(2, "2023-05-17", "(50, 100]")]
        let points = timeline(claims)
        try #require(points.count == 2)
        #expect(points[0].date == day("2023-01-19"))
        #expect(points[0].estimate == iv("[70, 70]"))
        #expect(points[1].date == day("2023-05-17"))
        #expect(points[1].estimate == iv("[70, 100]"))
        #expect(points[1].claim == iv("(50, 100]"))
        #expect(!points[1].disputed)
        #expect(points[1].claimIds == [id(2)])
        #expect(points[1].claimsSoFar == 2)
        #expect(points[1].estimate.description == "[70, 100]")
    }

    @Test func theFirstClaimIsItsOwnEstimate() throws {
        let points = timeline([claim(1, "2022-03-01", "(50, 100]")])
        try #require(points.count == 1)
        #expect(points[0].estimate == iv("(50, 100]"))
        #expect(points[0].claim == iv("(50, 100]"))
        #expect(!points[0].disputed)
        #expect(points[0].claimsSoFar == 1)
        #expect(points[0].claimDate == day("2022-03-01"))
    }

    @Test func anOpenEarlierBoundStaysOpen() throws {
        let points = timeline([claim(1, "2022-01-10", "(50, 100]"), claim(2, "2022-02-10", "[40, 80]")])
        let last = try #require(points.last)
        #expect(last.estimate == iv("(50, 80]"))
        #expect(!last.estimate.loInclusive)
        #expect(!last.disputed)
    }

    @Test func aClosedEarlierBoundStaysClosed() throws {
        let points = timeline([claim(1, "2022-01-10", "[50, 60]"), claim(2, "2022-02-10", "[40, 80]")])
        let last = try #require(points.last)
        #expect(last.estimate == iv("[50, 80]"))
        #expect(last.estimate.loInclusive)
    }

    @Test func atEqualLowerBoundsTheOpenOneWinsWhicheverCameFirst() throws {
        let openFirst = timeline([
            claim(1, "2022-01-10", "(50, 100]"), claim(2, "2022-02-10", "[50, 60]"), claim(3, "2022-03-10", "[0, 100]"),
        ])
        let closedFirst = timeline([
            claim(1, "2022-01-10", "[50, 60]"), claim(2, "2022-02-10", "(50, 100]"), claim(3, "2022-03-10", "[0, 100]"),
        ])
        #expect(openFirst.last?.estimate == iv("(50, 100]"))
        #expect(closedFirst.last?.estimate == iv("(50, 100]"))
    }

    @Test func theHighestEarlierLowerBoundCountsNotTheLatest() throws {
        let points = timeline([
            claim(1, "2022-01-10", "[60, 60]"), claim(2, "2022-02-10", "(50, 100]"), claim(3, "2022-03-10", "[0, 100]"),
        ])
        #expect(points.map(\.estimate) == [iv("[60, 60]"), iv("[60, 100]"), iv("[60, 100]")])
    }

    @Test func aClaimInsideTheRunningBoundNarrowsTheEstimate() throws {
        let points = timeline([claim(1, "2022-01-10", "(50, 100]"), claim(2, "2022-06-10", "[60, 70]")])
        let last = try #require(points.last)
        #expect(last.estimate == iv("[60, 70]"))
        #expect(last.claim == iv("[60, 70]"))
        #expect(!last.disputed)
    }

    @Test func aPointExactlyOnAClosedEarlierBoundIsNotDisputed() throws {
        let claims = [claim(1, "2022-01-10", "[50, 100]"), claim(2, "2022-02-10", "[50, 50]")]
        let last = try #require(timeline(claims).last)
        #expect(last.estimate == iv("[50, 50]"))
        #expect(!last.disputed)
        #expect(contradictions(claims).isEmpty)
    }

    @Test func aPointExactlyOnAnOpenEarlierBoundIsDisputed() throws {
        let claims = [claim(1, "2022-01-10", "(50, 100]"), claim(2, "2022-02-10", "[50, 50]")]
        let last = try #require(timeline(claims).last)
        #expect(last.disputed)
        #expect(last.estimate == iv("[50, 50]"))
        #expect(contradictions(claims) == [backwards(1, 2)])
    }

    @Test func anOpenUpperEndMeetingAClosedEarlierLowerEndIsDisputed() throws {
        // "less than 50%" after "at least 50%": no value is both < 50 and ≥ 50.
        let claims = [claim(1, "2022-01-10", "[50, 100]"), claim(2, "2022-02-10", "[0, 50)")]
        #expect(timeline(claims).last?.disputed == true)
        #expect(contradictions(claims) == [backwards(1, 2)])
    }

    @Test func countsGiveAnExactShare() throws {
        // "7 of 28" programmes, later "10 out of the 28": exact shares, and the later one stands.
        let seven = PercentInterval.exactly(7.0 / 28.0 * 100)
        let ten = PercentInterval.exactly(10.0 / 28.0 * 100)
        let points = timeline([claim(1, "2022-12-01", seven), claim(2, "2023-06-01", ten)])
        #expect(points.map(\.estimate) == [iv("[25, 25]"), ten])
        #expect(points.allSatisfy { !$0.disputed })
        #expect(PercentInterval.format(points[1].estimate.lo) == "35.71")
    }

    @Test func fewerCountedLaterIsBackwards() throws {
        let claims = [
            claim(1, "2022-12-01", PercentInterval.exactly(7.0 / 28.0 * 100)),
            claim(2, "2023-06-01", PercentInterval.exactly(5.0 / 28.0 * 100)),
        ]
        #expect(timeline(claims).last?.disputed == true)
        #expect(contradictions(claims) == [backwards(1, 2)])
    }

    @Test func datesCompareAsCalendarDatesWhateverTheInputOrder() throws {
        let claims = [
            claim(3, "2023-10-01", "[60, 60]"),
            claim(1, "2022-12-31", "[20, 20]"),
            claim(2, "2023-09-30", "[40, 100]"),
        ]
        let points = timeline(claims)
        #expect(points.map(\.date) == [day("2022-12-31"), day("2023-09-30"), day("2023-10-01")])
        #expect(points.map(\.claimsSoFar) == [1, 2, 3])
        #expect(points.map(\.claimIds) == [[id(1)], [id(2)], [id(3)]])
    }

    @Test func noClaimsNoPoints() {
        #expect(timeline([]).isEmpty)
        #expect(estimate(on: "2023-01-01", []) == nil)
        #expect(contradictions([]).isEmpty)
    }
}

@Suite struct InferenceSameDayTests: InferenceFixtures {
    @Test func overlappingClaimsOnOneDayIntersect() throws {
        let claims = [
            claim(2, "2023-03-01", "(40, 100]", sequence: 20),
            claim(1, "2023-03-01", "[35, 45]", sequence: 10),
        ]
        let points = timeline(claims)
        try #require(points.count == 1)
        #expect(points[0].estimate == iv("(40, 45]"))
        #expect(points[0].claim == iv("(40, 45]"))
        #expect(!points[0].disputed)
        #expect(points[0].claimIds == [id(1), id(2)])
        #expect(points[0].claimsSoFar == 2)
        #expect(contradictions(claims).isEmpty)
    }

    @Test func touchingClosedEndsOverlapOnOneDay() throws {
        let claims = [claim(1, "2023-03-01", "[30, 50]"), claim(2, "2023-03-01", "[50, 70]")]
        #expect(timeline(claims).first?.estimate == iv("[50, 50]"))
        #expect(contradictions(claims).isEmpty)
    }

    @Test func touchingOpenEndsClashOnOneDay() throws {
        let claims = [claim(1, "2023-03-01", "[30, 50)"), claim(2, "2023-03-01", "[50, 70]")]
        #expect(timeline(claims).first?.disputed == true)
        #expect(contradictions(claims) == [sameDay(1, 2)])
    }

    @Test func disjointClaimsOnOneDayAreDisputedAndTheLastRecordedStands() throws {
        // Given out of recording order: the sequence, not the array order, decides who is last.
        let claims = [
            claim(7, "2023-03-01", "[60, 60]", sequence: 5),
            claim(8, "2023-03-01", "[30, 30]", sequence: 9),
        ]
        let point = try #require(timeline(claims).first)
        #expect(point.disputed)
        #expect(point.estimate == iv("[30, 30]"))
        #expect(point.claim == iv("[30, 30]"))
        #expect(point.claimIds == [id(7), id(8)])
        #expect(contradictions(claims) == [sameDay(7, 8)])
    }

    @Test func aSameDayClashIsNotNarrowedByEarlierClaims() throws {
        let claims = [
            claim(1, "2023-01-01", "[20, 100]"),
            claim(2, "2023-03-01", "[60, 60]"),
            claim(3, "2023-03-01", "[10, 10]"),
        ]
        let point = try #require(timeline(claims).last)
        #expect(point.disputed)
        #expect(point.estimate == iv("[10, 10]"))
        // Claim 3 also lies below claim 1's lower bound.
        #expect(contradictions(claims) == [backwards(1, 3), sameDay(2, 3)])
    }

    @Test func onlyTheDisjointPairOfThreeIsReported() throws {
        let claims = [
            claim(1, "2023-03-01", "[0, 100]"),
            claim(2, "2023-03-01", "[10, 20]"),
            claim(3, "2023-03-01", "[30, 40]"),
        ]
        #expect(contradictions(claims) == [sameDay(2, 3)])
        #expect(timeline(claims).first?.estimate == iv("[30, 40]"))
    }

    @Test func bothClashingClaimsBoundLaterDays() throws {
        // Each claim's lower bound holds later, even when it was disputed on its own day.
        let claims = [
            claim(1, "2023-03-01", "[30, 30]"),
            claim(2, "2023-03-01", "[60, 60]"),
            claim(3, "2023-05-01", "[40, 100]"),
        ]
        let last = try #require(timeline(claims).last)
        #expect(last.estimate == iv("[60, 100]"))
        #expect(!last.disputed)
    }
}

@Suite struct InferenceBackwardsTests: InferenceFixtures {
    @Test func aBackwardsClaimIsDisputedAndStandsAsSaid() throws {
        let claims = [claim(1, "2022-06-01", "[70, 70]"), claim(2, "2022-12-01", "[40, 40]")]
        let last = try #require(timeline(claims).last)
        #expect(last.disputed)
        #expect(last.estimate == iv("[40, 40]"))
        #expect(last.claim == iv("[40, 40]"))
        #expect(contradictions(claims) == [backwards(1, 2)])
    }

    @Test func aPointBelowAnOpenBoundIsBackwards() throws {
        let claims = [claim(1, "2022-06-01", "(50, 100]"), claim(2, "2022-12-01", "[40, 40]")]
        #expect(contradictions(claims) == [backwards(1, 2)])
    }

    @Test func anUpperBoundAboveTheEarlierLowerBoundIsNotBackwards() throws {
        // "about 40%" then "more than 42%" then "about 40%" again: the bands still overlap.
        let claims = [
            claim(1, "2022-06-01", "[35, 45]"), claim(2, "2022-09-01", "(42, 100]"), claim(3, "2022-12-01", "[35, 45]"),
        ]
        #expect(contradictions(claims).isEmpty)
        let last = try #require(timeline(claims).last)
        #expect(last.estimate == iv("(42, 45]"))
        #expect(!last.disputed)
    }

    @Test func aHigherLaterClaimIsNeverBackwards() throws {
        let claims = [claim(1, "2022-06-01", "[40, 40]"), claim(2, "2022-12-01", "[70, 70]")]
        #expect(contradictions(claims).isEmpty)
        #expect(timeline(claims).allSatisfy { !$0.disputed })
    }

    @Test func everyBackwardsPairIsReportedOnce() throws {
        let claims = [claim(1, "2022-01-01", "[70, 70]"), claim(2, "2022-02-01", "[60, 60]"), claim(3, "2022-03-01", "[50, 50]")]
        #expect(contradictions(claims) == [backwards(1, 2), backwards(1, 3), backwards(2, 3)])
    }

    @Test func afterABackwardsClaimTheHighestBoundStillHolds() throws {
        let claims = [
            claim(1, "2022-01-01", "[70, 70]"), claim(2, "2022-02-01", "[40, 40]"), claim(3, "2022-03-01", "(60, 100]"),
        ]
        let points = timeline(claims)
        #expect(points.map(\.disputed) == [false, true, false])
        #expect(points.last?.estimate == iv("[70, 100]"))
    }

    @Test func contradictionsAreOrderedByTheLaterDateThenTheEarlier() throws {
        let claims = [
            claim(5, "2022-05-01", "[10, 10]"),
            claim(4, "2022-04-01", "[20, 30]", sequence: 41),
            claim(1, "2022-01-01", "[80, 80]"),
            claim(6, "2022-04-01", "[35, 35]", sequence: 40),
            claim(2, "2022-02-01", "[50, 100]"),
        ]
        // Later 2022-04-01 first: against 01-01, then 02-01 (claims 6 and 4 in recording order),
        // then the same-day clash; later 2022-05-01 last, its earlier claims in date order.
        #expect(contradictions(claims) == [
            backwards(1, 6), backwards(1, 4),
            backwards(2, 6), backwards(2, 4),
            sameDay(6, 4),
            backwards(1, 5), backwards(2, 5), backwards(6, 5), backwards(4, 5),
        ])
    }

    @Test func contradictionsDoNotDependOnInputOrder() throws {
        let claims = [
            claim(1, "2022-01-01", "[70, 70]"), claim(2, "2022-02-01", "[60, 60]"),
            claim(3, "2022-02-01", "[65, 65]"), claim(4, "2022-03-01", "[50, 50]"),
        ]
        let expected = contradictions(claims)
        #expect(expected.count == 6)
        #expect(contradictions(claims.reversed()) == expected)
        #expect(contradictions([claims[2], claims[0], claims[3], claims[1]]) == expected)
    }

    @Test func kindsCarryTheirStoredNames() {
        #expect(Contradiction.Kind.backwards.rawValue == "backwards")
        #expect(Contradiction.Kind.sameDay.rawValue == "same_day")
    }
}

@Suite struct InferenceBaselineTests: InferenceFixtures {
    @Test func goingBackwardsAcrossARevisionIsNoContradiction() throws {
        let claims = [claim(1, "2022-01-10", "[70, 70]"), claim(2, "2022-09-01", "[40, 40]")]
        #expect(contradictions(claims, baselines: ["2022-06-01"]).isEmpty)
        let last = try #require(timeline(claims, baselines: ["2022-06-01"]).last)
        #expect(!last.disputed)
        #expect(last.estimate == iv("[40, 40]"))
        // Without the revision the same history is backwards.
        #expect(contradictions(claims) == [backwards(1, 2)])
    }

    @Test func theOldLowerBoundNoLongerAppliesAfterTheRevision() throws {
        let claims = [claim(1, "2022-01-10", "[70, 70]"), claim(2, "2022-09-01", "(50, 100]")]
        #expect(timeline(claims, baselines: ["2022-06-01"]).last?.estimate == iv("(50, 100]"))
        #expect(timeline(claims).last?.estimate == iv("[70, 100]"))
    }

    @Test func theOldLowerBoundStillAppliesBeforeTheRevision() throws {
        let claims = [
            claim(1, "2022-01-10", "[70, 70]"),
            claim(2, "2022-03-01", "(50, 100]"),
            claim(3, "2022-09-01", "(50, 100]"),
        ]
        let points = timeline(claims, baselines: ["2022-06-01"])
        #expect(points.map(\.estimate) == [iv("[70, 70]"), iv("[70, 100]"), iv("(50, 100]")])
    }

    @Test func claimsBeforeTheRevisionStillContradictEachOther() throws {
        let claims = [claim(1, "2022-01-10", "[70, 70]"), claim(2, "2022-03-01", "[40, 40]"), claim(3, "2022-09-01", "[10, 10]")]
        #expect(contradictions(claims, baselines: ["2022-06-01"]) == [backwards(1, 2)])
        #expect(timeline(claims, baselines: ["2022-06-01"]).map(\.disputed) == [false, true, false])
    }

    @Test func claimsAfterTheRevisionBoundEachOther() throws {
        let claims = [claim(1, "2022-01-10", "[10, 10]"), claim(2, "2022-07-01", "[60, 60]"), claim(3, "2022-09-01", "[40, 40]")]
        #expect(contradictions(claims, baselines: ["2022-06-01"]) == [backwards(2, 3)])
        #expect(timeline(claims, baselines: ["2022-06-01"]).last?.disputed == true)
    }

    @Test func aClaimDatedOnTheRevisionDayBelongsToTheNewBaseline() throws {
        let claims = [claim(1, "2022-01-10", "[70, 70]"), claim(2, "2022-06-01", "[40, 40]")]
        #expect(contradictions(claims, baselines: ["2022-06-01"]).isEmpty)
        #expect(timeline(claims, baselines: ["2022-06-01"]).last?.estimate == iv("[40, 40]"))
        // A day later the revision no longer separates them.
        #expect(contradictions(claims, baselines: ["2022-06-02"]) == [backwards(1, 2)])
    }

    @Test func severalRevisionsInAnyOrderEachStartABaseline() throws {
        let claims = [
            claim(1, "2021-01-01", "[80, 80]"),
            claim(2, "2022-01-01", "[50, 50]"),
            claim(3, "2022-02-01", "[60, 100]"),
            claim(4, "2023-01-01", "[20, 20]"),
        ]
        let revisions = ["2022-12-01", "2021-06-01", "2022-12-01"]
        #expect(contradictions(claims, baselines: revisions).isEmpty)
        let points = timeline(claims, baselines: revisions)
        #expect(points.map(\.estimate) == [iv("[80, 80]"), iv("[50, 50]"), iv("[60, 100]"), iv("[20, 20]")])
        #expect(points.allSatisfy { !$0.disputed })
        #expect(points.map(\.claimsSoFar) == [1, 2, 3, 4])
    }

    @Test func aRevisionAfterEveryClaimChangesNothing() throws {
        let claims = [claim(1, "2022-01-10", "[70, 70]"), claim(2, "2022-03-01", "(50, 100]")]
        #expect(timeline(claims, baselines: ["2024-01-01"]) == timeline(claims))
    }
}

@Suite struct InferenceEstimateOnTests: InferenceFixtures {
    let claims: [ClaimFact]

    init() {
        claims = [
            ClaimFact(id: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, asOf: CalendarDate("2023-01-19")!,
                      interval: .exactly(70), sequence: 1),
            ClaimFact(id: UUID(uuidString: "00000000-0000-0000-0000-000000000002")!, asOf: CalendarDate("2023-05-17")!,
                      interval: PercentInterval(lo: 50, hi: 100, loInclusive: false), sequence: 2),
        ]
    }

    @Test func beforeTheFirstClaimThereIsNoEstimate() {
        #expect(estimate(on: "2023-01-18", claims) == nil)
    }

    @Test func onAClaimDateItMatchesTheTimeline() throws {
        let point = try #require(estimate(on: "2023-05-17", claims))
        #expect(point == timeline(claims).last)
        #expect(estimate(on: "2023-01-19", claims) == timeline(claims).first)
    }

    @Test func betweenClaimDatesTheEarlierClaimStands() throws {
        let point = try #require(estimate(on: "2023-03-01", claims))
        #expect(point.date == day("2023-03-01"))
        #expect(point.claimDate == day("2023-01-19"))
        #expect(point.estimate == iv("[70, 70]"))
        #expect(point.claimIds == [id(1)])
        #expect(point.claimsSoFar == 1)
        #expect(!point.disputed)
    }

    @Test func afterTheLastClaimTheLastEstimateStands() throws {
        let point = try #require(estimate(on: "2024-12-31", claims))
        #expect(point.date == day("2024-12-31"))
        #expect(point.claimDate == day("2023-05-17"))
        #expect(point.estimate == iv("[70, 100]"))
        #expect(point.claim == iv("(50, 100]"))
        #expect(point.claimIds == [id(2)])
        #expect(point.claimsSoFar == 2)
    }

    @Test func laterClaimsDoNotReachBackToAnEarlierDate() throws {
        // A claim after D (even a contradicting one) changes nothing about D.
        let more = claims + [claim(3, "2023-08-01", "[10, 10]")]
        #expect(estimate(on: "2023-06-01", more) == estimate(on: "2023-06-01", claims))
        #expect(estimate(on: "2023-08-01", more)?.disputed == true)
    }

    @Test func baselinesApplyToTheEstimateOnADate() throws {
        let point = try #require(estimate(on: "2023-06-01", claims, baselines: ["2023-03-01"]))
        #expect(point.estimate == iv("(50, 100]"))
        #expect(point.claimsSoFar == 2)
    }
}
