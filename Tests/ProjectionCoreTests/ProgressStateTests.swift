import Foundation
@testable import ProjectionCore
import Testing
import Tracker

func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

/// A time `n` minutes into the log.
func minute(_ n: Int) -> Date { Date(timeIntervalSince1970: 1_700_000_000 + Double(n) * 60) }

/// An id that reads well in failures: 00000000-0000-0000-0000-000000000007.
func eventId(_ n: Int) -> UUID {
    let digits = String(n)
    return UUID(uuidString: "00000000-0000-0000-0000-" + String(repeating: "0", count: 12 - digits.count) + digits)!
}

/// A log written in order: each event gets the next position and id, recorded at `minute(n)`.
struct Log {
    var events: [ProjectionEvent] = []

    @discardableResult
    mutating func record(_ payload: TrackerEvent, at n: Int) -> UUID {
        let id = eventId(events.count + 1)
        events.append(ProjectionEvent(id: id, position: Int64(events.count + 1), recordedAt: minute(n), payload: payload))
        return id
    }

    @discardableResult
    mutating func retract(_ id: UUID, _ type: String, at n: Int) -> UUID {
        record(EventRetracted(eventId: id.uuidString.lowercased(), targetType: type, reason: "r").event, at: n)
    }
}

func claim(_ scope: String, _ lo: Double, _ hi: Double, _ asOf: String, unit: ClaimUnit = .measures,
           kind: ScopeKind = .portfolio) -> TrackerEvent {
    ProgressClaimed(scope: scope, scopeKind: kind, wording: "\(lo)–\(hi)", interval: PercentInterval(lo: lo, hi: hi),
                    unit: unit, asOf: date(asOf), source: "s").event
}

let p = ProgressGroup(scope: "p", unit: .measures)
let a = ProgressGroup(scope: "a", unit: .measures)

/// What the progress projection infers, and when it was known, with no server: the state's
/// changes written to tables in memory.
struct ProgressStateTests {
    /// A portfolio with a programme, claims in two scopes and two units, a plan revision, a
    /// retraction, each at its own minute.
    static func history() -> Log {
        var log = Log()
        log.record(PortfolioDefined(id: "p", title: "P").event, at: 1)
        log.record(ProgrammeAdded(id: "a", portfolio: "p", title: "A").event, at: 2)
        log.record(claim("p", 70, 70, "2023-01-19"), at: 3)
        log.record(claim("p", 50, 100, "2023-05-17"), at: 4)
        log.record(claim("p", 40, 40, "2023-06-01"), at: 5)
        let misquoted = log.record(claim("p", 25, 25, "2023-03-01", unit: .programmes), at: 6)
        log.record(claim("a", 30, 30, "2023-03-01", kind: .programme), at: 7)
        log.record(claim("a", 60, 60, "2023-03-01", kind: .programme), at: 8)
        log.record(PortfolioRevised(id: "p", on: date("2023-07-01"), plannedMeasures: 400).event, at: 9)
        log.record(claim("p", 20, 20, "2023-08-01"), at: 10)
        log.retract(misquoted, "ProgressClaimed", at: 11)
        return log
    }

    func estimates(_ rows: [TimelineRow]) -> [String] {
        rows.map { "\($0.point.date) \($0.point.estimate.lo)-\($0.point.estimate.hi)\($0.point.disputed ? " disputed" : "")" }
    }

    @Test func aClaimIsNarrowedByTheLowerBoundsOfEarlierClaims() {
        let tables = ProgressTables.projecting(Self.history().events, batches: 100)
        #expect(estimates(tables.timeline(p)) == [
            "2023-01-19 70.0-70.0", "2023-05-17 70.0-100.0", "2023-06-01 40.0-40.0 disputed", "2023-08-01 20.0-20.0",
        ])
        #expect(tables.timeline(p).map(\.point.claimsSoFar) == [1, 2, 3, 4])
        #expect(tables.timeline(p).map(\.lastClaim) == [eventId(3), eventId(4), eventId(5), eventId(10)])
    }

    @Test func claimsThatCannotBothBeTrueAreContradictions() {
        let tables = ProgressTables.projecting(Self.history().events, batches: 100)
        #expect(tables.contradictions(a) == [Contradiction(kind: .sameDay, earlier: eventId(7), later: eventId(8))])
        #expect(tables.timeline(a).map(\.point.disputed) == [true])
        // 40 on 2023-06-01 lies below both earlier lower bounds; 20 on 2023-08-01 is in a new baseline.
        #expect(tables.contradictions(p) == [Contradiction(kind: .backwards, earlier: eventId(3), later: eventId(5)),
                                             Contradiction(kind: .backwards, earlier: eventId(4), later: eventId(5))])
    }

    /// A revision starts a new baseline: the claim after it is not held to the claims before.
    /// Retracting the revision makes the old baseline hold again, from the retraction's time.
    @Test func aPlanRevisionStartsANewBaselineUntilItIsRetracted() {
        var log = Self.history()
        let revision = log.events[8].id
        let before = ProgressTables.projecting(log.events, batches: 100)
        #expect(!before.contradictions(p).contains { $0.later == eventId(10) })
        log.retract(revision, "PortfolioRevised", at: 12)
        let after = ProgressTables.projecting(log.events, batches: 100)
        #expect(after.contradictions(p).contains(Contradiction(kind: .backwards, earlier: eventId(3), later: eventId(10))))
        #expect(estimates(after.timeline(p)).last == "2023-08-01 20.0-20.0 disputed")
        #expect(estimates(after.timeline(p, knownAt: minute(11))) == estimates(before.timeline(p)))
    }

    /// A retracted claim leaves the estimate from the retraction's time on; before it, the
    /// version that held it is still there to read.
    @Test func aRetractionTakesAClaimAwayFromItsTimeOn() {
        let tables = ProgressTables.projecting(Self.history().events, batches: 100)
        let programmes = ProgressGroup(scope: "p", unit: .programmes)
        #expect(tables.timeline(programmes).isEmpty)
        #expect(estimates(tables.timeline(programmes, knownAt: minute(10))) == ["2023-03-01 25.0-25.0"])
        #expect(tables.timeline(programmes, knownAt: minute(11)).isEmpty)
        #expect(tables.claims[eventId(6)]?.retractedAt == minute(11))
        #expect(tables.claims.count == 7 && tables.claims.values.filter { $0.retractedAt == nil }.count == 6)
    }

    /// Each recording time makes one version of each group it touches; `--known-at` reads the
    /// one that held then.
    @Test func eachRecordingTimeMakesOneVersion() {
        let tables = ProgressTables.projecting(Self.history().events, batches: 100)
        #expect(Set(tables.timeline.filter { $0.group == p }.map(\.knownFrom)) == Set([3, 4, 5, 9, 10].map(minute)))
        #expect(estimates(tables.timeline(p, knownAt: minute(4))) == ["2023-01-19 70.0-70.0", "2023-05-17 70.0-100.0"])
        #expect(tables.timeline(p, knownAt: minute(2)).isEmpty)
        // Minute 9, the revision: the claim on 2023-06-01 still contradicts the two before it.
        #expect(tables.contradictions(p, knownAt: minute(9)).count == 2)
    }

    /// Changes recorded at one time (one transaction) make one version, however they fall into batches.
    @Test func changesRecordedAtOneTimeMakeOneVersion() {
        var log = Log()
        log.record(PortfolioDefined(id: "p", title: "P").event, at: 1)
        log.record(claim("p", 10, 20, "2023-01-01"), at: 2)
        log.record(claim("p", 30, 40, "2023-02-01"), at: 2)
        log.record(claim("p", 50, 60, "2023-03-01"), at: 3)
        for size in [1, 2, 3, 100] {
            let tables = ProgressTables.projecting(log.events, batches: size)
            #expect(Set(tables.timeline.map(\.knownFrom)) == [minute(2), minute(3)], "batches of \(size)")
            #expect(tables.timeline.count == 2 + 3, "batches of \(size)")
        }
    }

    /// Where batches end changes nothing: a fresh state per batch loads what it needs.
    @Test func batchesOfAnySizeGiveTheSameTables() {
        var log = Self.history()
        for n in 0..<30 {
            log.record(claim(n % 3 == 0 ? "a" : "p", Double(n % 90), Double(n % 90 + 10), "2023-0\(1 + n % 9)-1\(n % 10)",
                             unit: n % 2 == 0 ? .measures : .content, kind: n % 3 == 0 ? .programme : .portfolio), at: 20 + n / 2)
        }
        log.retract(eventId(15), "ProgressClaimed", at: 40)
        log.record(PortfolioRevised(id: "p", on: date("2023-10-01"), plannedMeasures: 500).event, at: 41)
        log.retract(eventId(9), "PortfolioRevised", at: 42)
        let whole = ProgressTables.projecting(log.events, batches: log.events.count)
        for size in [1, 2, 7] {
            #expect(ProgressTables.projecting(log.events, batches: size).rows == whole.rows, "batches of \(size)")
        }
    }

    /// A record imported later with an older recording time rewrites the history of the groups it
    /// touches: the tables are those of the log in recording order.
    @Test func aBackdatedRecordRewritesTheHistory() {
        let inOrder = Self.history()
        var backdated = Log()
        // The claim recorded at minute 4 arrives last, still recorded at minute 4.
        for event in inOrder.events where event.id != eventId(4) { backdated.events.append(event) }
        backdated.events.append(inOrder.events[3])
        let expected = ProgressTables.projecting(inOrder.events, batches: 100)
        for size in [1, 4, 100] {
            let tables = ProgressTables.projecting(backdated.events, batches: size)
            #expect(tables.rows == expected.rows, "batches of \(size)")
        }
    }

    @Test func aBackdatedChangeAsksForTheHistoryOfItsGroups() {
        var state = ProgressState()
        state.horizon = minute(10)
        state.loaded(p, claims: [])
        state.loaded(scope: "p", portfolio: nil)
        _ = state.apply(ProjectionEvent(id: eventId(1), position: 1, recordedAt: minute(5), payload: claim("p", 1, 2, "2023-01-01")))
        #expect(state.versions() == .rewrite([p]))
        #expect(state.horizon == minute(10), "the horizon stays")
        let history = ProgressState.history(
            of: p, claims: [(ClaimFact(id: eventId(1), asOf: date("2023-01-01"), interval: PercentInterval(lo: 1, hi: 2), sequence: 1),
                             KnownSpan(from: minute(5), to: minute(7)))],
            baselines: [])
        #expect(history.first == .deleteVersions(p))
        let spans = history.compactMap { if case .insertTimeline(let row) = $0 { (row.knownFrom, row.knownTo) } else { nil } }
        #expect(spans.count == 1)
        #expect(spans.first?.0 == minute(5) && spans.first?.1 == minute(7))
    }

    /// What the state asks the projector to load before it can apply an event.
    @Test func anEventNamesWhatMustBeLoadedFirst() {
        var state = ProgressState()
        let retraction = ProjectionEvent(id: eventId(2), position: 2, recordedAt: minute(1), payload: EventRetracted(
            eventId: eventId(1).uuidString.lowercased(), targetType: "ProgressClaimed", reason: "r").event)
        #expect(state.needs(retraction).claimGroup == eventId(1))
        state.loaded(claim: eventId(1), group: a)
        #expect(state.needs(retraction).groups == [a])
        state.loaded(a, claims: [])
        state.loaded(scope: "a", portfolio: "p")
        #expect(state.needs(retraction).isEmpty)
        #expect(state.apply(retraction) == [.retractClaim(eventId(1), at: minute(1), reason: "r")])
        #expect(state.pending == [a])
        #expect(state.portfoliosToLoad == ["p"], "its portfolio's baselines, before the version is made")

        let revision = ProjectionEvent(id: eventId(3), position: 3, recordedAt: minute(1), payload: PortfolioRevised(
            id: "p", on: date("2023-01-01")).event)
        #expect(state.needs(revision).portfolio == "p")
        state.loaded(baselines: [:], of: "p")
        state.loaded(portfolio: "p")
        #expect(state.needs(revision).isEmpty)
        // A programme joining the portfolio may bring groups not loaded yet.
        _ = state.apply(ProjectionEvent(id: eventId(4), position: 4, recordedAt: minute(1),
                                        payload: ProgrammeAdded(id: "b", portfolio: "p", title: "B").event))
        #expect(state.needs(revision).portfolio == "p")
    }
}
