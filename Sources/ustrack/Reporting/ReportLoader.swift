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
        struct Programme {
            let id, portfolio, title, status: String
            let completedOn: CalendarDate?
            let plannedMeasures: Int?
            let milestonesReached, milestonesPlanned: Int
        }
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
        let f = try connection.execute("""
            SELECT id, title, title_ru, approved_on::text, approved_by, period_start::text, period_end::text,
                   planned_programmes, planned_measures, programmes
            FROM reporting.portfolios_at($1::date, $2::timestamptz) ORDER BY period_start NULLS LAST, id
            """, [asOf, knownAt])
        let portfolios = (0..<f.rowCount).map { r in
            func date(_ column: Int) -> CalendarDate? { f.string(r, column).flatMap(CalendarDate.init) }
            return PortfolioInfo(id: f.string(r, 0)!, title: f.string(r, 1)!, titleRu: f.string(r, 2),
                                 approvedOn: date(3), approvedBy: f.string(r, 4), periodStart: date(5), periodEnd: date(6),
                                 plannedProgrammes: f.int(r, 7), plannedMeasures: f.int(r, 8), programmes: f.int(r, 9))
        }
        let p = try connection.execute("""
            SELECT id, portfolio, title, status, milestones_reached, milestones_planned, completed_on::text, planned_measures
            FROM reporting.programmes_at($1::date, $2::timestamptz) ORDER BY id
            """, [asOf, knownAt])
        let programmes = (0..<p.rowCount).map { r in
            Catalog.Programme(id: p.string(r, 0)!, portfolio: p.string(r, 1)!, title: p.string(r, 2)!, status: p.string(r, 3)!,
                              completedOn: p.string(r, 6).flatMap(CalendarDate.init), plannedMeasures: p.int(r, 7),
                              milestonesReached: p.int(r, 4)!, milestonesPlanned: p.int(r, 5)!)
        }
        return Catalog(portfolios: portfolios, programmes: programmes)
    }

    private func liveClaims(_ scopes: [String]) throws -> [ClaimMark] {
        let rows = try connection.execute("""
            SELECT claim_id, scope, unit, wording, lo, hi, lo_inclusive, hi_inclusive, as_of::text,
                   speaker, source, source_title, source_url
            FROM reporting.claims_at($2::date, $3::timestamptz)
            WHERE scope = ANY ($1::text[])
            ORDER BY as_of, position
            """, [scopes, asOf, knownAt])
        return (0..<rows.rowCount).map { r in
            ClaimMark(id: rows.uuid(r, 0)!, scope: rows.string(r, 1)!, unit: rows.string(r, 2)!, wording: rows.string(r, 3)!,
                      interval: PercentInterval(lo: rows.double(r, 4)!, hi: rows.double(r, 5)!,
                                                loInclusive: rows.bool(r, 6)!, hiInclusive: rows.bool(r, 7)!),
                      asOf: CalendarDate(rows.string(r, 8)!)!, speaker: rows.string(r, 9), source: rows.string(r, 10)!,
                      sourceTitle: rows.string(r, 11), sourceURL: rows.string(r, 12), contradicted: false)
        }
    }

    private func contradictionRows(_ scopes: [String], claims: [ClaimMark]) throws -> [ContradictionRow] {
        let byId = Dictionary(uniqueKeysWithValues: claims.map { ($0.id, $0) })
        let rows = try connection.execute("""
            SELECT scope, unit, kind, earlier_claim_id, later_claim_id
            FROM reporting.contradictions_at($1::date, $2::timestamptz) WHERE scope = ANY ($3::text[])
            """, [asOf, knownAt, scopes])
        return (0..<rows.rowCount).compactMap { r in
            guard let earlier = byId[rows.uuid(r, 3)!], let later = byId[rows.uuid(r, 4)!] else { return nil }
            return ContradictionRow(scope: rows.string(r, 0)!, unit: rows.string(r, 1)!, kind: rows.string(r, 2)!,
                                    earlier: earlier, later: later)
        }
    }

    private func timelineRows(_ scopes: [String], claims: [ClaimMark]) throws -> [Timeline] {
        let rows = try connection.execute("""
            SELECT scope, unit, date::text, estimate_lo, estimate_hi, estimate_lo_inclusive, estimate_hi_inclusive, disputed
            FROM reporting.progress_timeline_at($2::date, $3::timestamptz)
            WHERE scope = ANY ($1::text[])
            ORDER BY scope, unit, date
            """, [scopes, asOf, knownAt])
        let claimsOf = Dictionary(grouping: claims) { ScopeUnit(scope: $0.scope, unit: $0.unit) }
        var timelines: [Timeline] = []
        for r in 0..<rows.rowCount {
            let scope = rows.string(r, 0)!, unit = rows.string(r, 1)!
            let step = Timeline.Step(
                date: CalendarDate(rows.string(r, 2)!)!,
                estimate: PercentInterval(lo: rows.double(r, 3)!, hi: rows.double(r, 4)!,
                                          loInclusive: rows.bool(r, 5)!, hiInclusive: rows.bool(r, 6)!),
                disputed: rows.bool(r, 7)!)
            if let last = timelines.last, last.scope == scope, last.unit == unit {
                timelines[timelines.count - 1].steps.append(step)
            } else {
                timelines.append(Timeline(scope: scope, unit: unit, steps: [step],
                                          claims: claimsOf[ScopeUnit(scope: scope, unit: unit)] ?? []))
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
        let rows = try connection.execute("""
            SELECT programme, id, title, due::text, reached_on::text, reached_source
            FROM reporting.milestones_at($2::date, $3::timestamptz) WHERE programme = ANY ($1::text[])
            ORDER BY programme, coalesce(reached_on, due) NULLS LAST, id
            """, [programmes, asOf, knownAt])
        var result: [BurnUp] = []
        for r in 0..<rows.rowCount {
            let milestone = BurnUp.Milestone(id: rows.string(r, 1)!, title: rows.string(r, 2)!,
                                             due: rows.string(r, 3).flatMap(CalendarDate.init),
                                             reachedOn: rows.string(r, 4).flatMap(CalendarDate.init),
                                             reachedSource: rows.string(r, 5))
            if result.last?.programme == rows.string(r, 0) {
                result[result.count - 1].milestones.append(milestone)
            } else {
                result.append(BurnUp(programme: rows.string(r, 0)!, milestones: [milestone]))
            }
        }
        return result
    }

    /// The sources cited by claims and reached milestones, as they stood at known-at: one retracted
    /// since is still listed. The SHA-256 only of a text that is stored.
    private func sourceRows(_ ids: Set<String>) throws -> [SourceRow] {
        let rows = try connection.execute("""
            SELECT id, title, published_on::text, speaker, publisher, url, CASE WHEN has_text THEN sha256 END
            FROM reporting.sources_at($2::date, $3::timestamptz)
            WHERE id = ANY ($1::text[])
            ORDER BY published_on, id
            """, [Array(ids), asOf, knownAt])
        return (0..<rows.rowCount).map { r in
            SourceRow(id: rows.string(r, 0)!, title: rows.string(r, 1)!, publishedOn: CalendarDate(rows.string(r, 2)!)!,
                      speaker: rows.string(r, 3), publisher: rows.string(r, 4), url: rows.string(r, 5), sha256: rows.string(r, 6))
        }
    }
}

/// A timeline's key: claims, steps and contradictions are kept per scope and unit.
private struct ScopeUnit: Hashable {
    let scope, unit: String
}
