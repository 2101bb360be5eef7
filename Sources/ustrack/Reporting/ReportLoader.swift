import Foundation
import Postgres
import Reports
import Tracker

/// Reads a `Report` at one (as-of, known-at) pair, through the reporting schema alone, so a
/// login in ustrack_reader can make one.
struct ReportLoader {
    let connection: Connection
    let asOf: CalendarDate
    /// A timestamptz literal PostgreSQL reads (`now` or ISO 8601).
    let knownAt: String
    let knownAtLabel: String?
    private var queries: ReportingQueries { ReportingQueries(connection: connection) }

    func load(scope: String?) throws -> Report {
        let catalog = try readCatalog()
        let portfolio = catalog.portfolio(of: scope)
        let scopes = catalog.scopesCovered(by: scope)
        let claims = try liveClaims(scopes)
        let contradictions = try contradictionRows(scopes, claims: claims)
        let contradicted = Set(contradictions.flatMap { [$0.earlier.id, $0.later.id] })
        let marks = claims.map { claim in
            var mark = claim
            mark.contradicted = contradicted.contains(claim.id)
            return mark
        }
        let timelines = try timelineRows(scopes, claims: marks)
        let summary = summaries(timelines, contradictions: contradictions)
        let programmes = catalog.programmeRows(portfolio: portfolio?.id, scope: scope, summary: summary)
        let burnUps = try burnUps(programmes.map(\.id))
        let cited = marks.map(\.source) + burnUps.flatMap { $0.milestones.compactMap(\.reachedSource) }
        let generated = ISO8601DateFormatter().string(from: Date())
        return Report(
            title: portfolio?.title ?? scope ?? "All portfolios", portfolio: portfolio,
            portfolios: scope == nil ? catalog.portfolios : portfolio.map { [$0] } ?? [], scope: scope, asOf: asOf,
            knownAt: knownAtLabel, generatedAt: generated, summary: summary, timelines: timelines,
            programmes: programmes, burnUps: burnUps, contradictions: contradictions,
            claims: marks, sources: try sourceRows(Set(cited)))
    }

    /// Every portfolio and programme at the two times. Read whole, once: `portfolios_at` and
    /// `programmes_at` compute every scope's estimate however few of their rows are asked for.
    private struct Catalog {
        typealias Programme = ReportingQueries.Programme
        /// In the order of their periods.
        let portfolios: [PortfolioInfo]
        /// In id order.
        let programmes: [Programme]

        /// SCOPE's portfolio: itself, or the programme's.
        func portfolio(of scope: String?) -> PortfolioInfo? {
            guard let scope else { return nil }
            return portfolios.first { $0.id == scope }
                ?? programmes.first { $0.id == scope }.flatMap { programme in portfolios.first { $0.id == programme.portfolio } }
        }

        /// A portfolio covers itself and its programmes; a programme itself; nothing given,
        /// everything. A scope in neither (a retracted programme whose claims stand) covers itself.
        func scopesCovered(by scope: String?) -> [String] {
            let covered = portfolios.map(\.id).filter { scope == nil || $0 == scope }
                + programmes.filter { scope == nil || $0.id == scope || $0.portfolio == scope }.map(\.id)
            return covered.isEmpty ? (scope.map { [$0] } ?? []) : covered
        }

        /// The programme table: every programme, or those of SCOPE's portfolio.
        func programmeRows(portfolio: String?, scope: String?, summary: [ScopeSummary]) -> [ProgrammeRow] {
            let summariesOf = Dictionary(grouping: summary, by: \.scope)
            return programmes.filter { (portfolio == nil && scope == nil) || $0.portfolio == portfolio || $0.id == scope }.map { p in
                let own = summariesOf[p.id] ?? []
                let estimate = own.first { $0.unit == "measures" } ?? own.first
                return ProgrammeRow(id: p.id, title: p.title, portfolio: p.portfolio, status: p.status,
                                    completedOn: p.completedOn, plannedMeasures: p.plannedMeasures,
                                    estimate: estimate?.estimate, estimateUnit: estimate?.unit,
                                    lastClaim: estimate?.lastClaim.wording,
                                    milestonesReached: p.milestonesReached, milestonesPlanned: p.milestonesPlanned)
            }
        }
    }

    private func readCatalog() throws -> Catalog {
        Catalog(portfolios: try queries.portfolios(asOf: asOf, knownAt: knownAt),
                programmes: try queries.programmes(asOf: asOf, knownAt: knownAt))
    }

    private func liveClaims(_ scopes: [String]) throws -> [ClaimMark] {
        try queries.claims(scopes, asOf: asOf, knownAt: knownAt).map { row in
            ClaimMark(id: row.claimId, scope: row.scope, unit: row.unit, wording: row.wording,
                      interval: PercentInterval(lo: row.lo, hi: row.hi, loInclusive: row.loInclusive, hiInclusive: row.hiInclusive),
                      asOf: row.asOf, speaker: row.speaker, source: row.source,
                      sourceTitle: row.sourceTitle, sourceURL: row.sourceUrl, contradicted: false, quote: row.quote)
        }
    }

    private func contradictionRows(_ scopes: [String], claims: [ClaimMark]) throws -> [ContradictionRow] {
        let byId = Dictionary(uniqueKeysWithValues: claims.map { ($0.id, $0) })
        return try queries.contradictingPairs(scopes, asOf: asOf, knownAt: knownAt).compactMap { pair in
            guard let earlier = byId[pair.earlierClaimId], let later = byId[pair.laterClaimId] else { return nil }
            return ContradictionRow(scope: pair.scope, unit: pair.unit, kind: pair.kind, earlier: earlier, later: later)
        }
    }

    private func timelineRows(_ scopes: [String], claims: [ClaimMark]) throws -> [Timeline] {
        let claimsOf = Dictionary(grouping: claims) { ScopeUnit(scope: $0.scope, unit: $0.unit) }
        var timelines: [Timeline] = []
        for row in try queries.timelines(scopes, asOf: asOf, knownAt: knownAt) {
            let step = Timeline.Step(date: row.date, estimate: row.estimate, disputed: row.disputed)
            if let last = timelines.last, last.scope == row.scope, last.unit == row.unit {
                timelines[timelines.count - 1].steps.append(step)
            } else {
                timelines.append(Timeline(scope: row.scope, unit: row.unit, steps: [step],
                                          claims: claimsOf[ScopeUnit(scope: row.scope, unit: row.unit)] ?? []))
            }
        }
        return timelines
    }

    private func summaries(_ timelines: [Timeline], contradictions: [ContradictionRow]) -> [ScopeSummary] {
        var contradictionsOf: [ScopeUnit: Int] = [:]
        for row in contradictions { contradictionsOf[ScopeUnit(scope: row.scope, unit: row.unit), default: 0] += 1 }
        return timelines.compactMap { timeline in
            guard let last = timeline.steps.last, let lastClaim = timeline.claims.last(where: { $0.asOf == last.date }) else {
                return nil
            }
            let previous = timeline.steps.dropLast().last
            return ScopeSummary(
                scope: timeline.scope, unit: timeline.unit, estimate: last.estimate, disputed: last.disputed,
                claims: timeline.claims.count, previousEstimate: previous?.estimate, lastClaim: lastClaim,
                contradictions: contradictionsOf[ScopeUnit(scope: timeline.scope, unit: timeline.unit)] ?? 0)
        }
    }

    private func burnUps(_ programmes: [String]) throws -> [BurnUp] {
        var result: [BurnUp] = []
        for row in try queries.milestones(programmes, asOf: asOf, knownAt: knownAt) {
            let milestone = BurnUp.Milestone(id: row.id, title: row.title, due: row.due, reachedOn: row.reachedOn,
                                             reachedSource: row.reachedSource)
            if result.last?.programme == row.programme {
                result[result.count - 1].milestones.append(milestone)
            } else {
                result.append(BurnUp(programme: row.programme, milestones: [milestone]))
            }
        }
        return result
    }

    /// The sources cited by claims and reached milestones, as they stood at known-at.
    private func sourceRows(_ ids: Set<String>) throws -> [SourceRow] {
        try queries.sources(Array(ids), asOf: asOf, knownAt: knownAt)
    }
}

/// A timeline's key: claims, steps and contradictions are kept per scope and unit.
private struct ScopeUnit: Hashable {
    let scope, unit: String
}
