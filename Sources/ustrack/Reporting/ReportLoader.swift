import Foundation
import Postgres
import Reports
import Tracker

/// Reads a `Report` from the projections at one (as-of, known-at) pair.
struct ReportLoader {
    let connection: Connection
    let asOf: CalendarDate
    /// A timestamptz literal PostgreSQL reads (`now` or ISO 8601).
    let knownAt: String
    let knownAtLabel: String?

    func load(scope: String?) throws -> Report {
        let portfolio = try portfolioInfo(for: scope)
        let scopes = try scopesCovered(scope: scope, portfolio: portfolio?.id)
        let claims = try liveClaims(scopes)
        let contradictions = try contradictionRows(scopes, claims: claims)
        let contradicted = Set(contradictions.flatMap { [$0.earlier.id, $0.later.id] })
        let marks = claims.map { claim in
            var mark = claim
            mark.contradicted = contradicted.contains(claim.id)
            return mark
        }
        let timelines = try timelineRows(scopes, claims: marks)
        let summary = try summaries(scopes, timelines: timelines, claims: marks, contradictions: contradictions)
        let programmes = try programmeRows(portfolio: portfolio?.id, scope: scope, summary: summary)
        let generated = ISO8601DateFormatter().string(from: Date())
        return Report(
            title: portfolio?.title ?? scope ?? "All portfolios", portfolio: portfolio, scope: scope, asOf: asOf,
            knownAt: knownAtLabel, generatedAt: generated, summary: summary, timelines: timelines,
            programmes: programmes, burnUps: try burnUps(programmes.map(\.id)), contradictions: contradictions,
            claims: marks, sources: try sourceRows(Set(marks.map(\.source))))
    }

    private func portfolioInfo(for scope: String?) throws -> PortfolioInfo? {
        guard let scope else { return nil }
        let rows = try connection.execute("""
            SELECT f.id, f.title, f.title_ru, f.approved_on::text, f.approved_by, f.period_start::text, f.period_end::text,
                   f.planned_programmes, f.planned_measures
            FROM reporting.portfolios_at($2::date, $3::timestamptz) f
            WHERE f.id = $1 OR f.id = (SELECT portfolio FROM reporting.programmes_at($2::date, $3::timestamptz) WHERE id = $1)
            """, [scope, asOf, knownAt])
        guard rows.rowCount > 0 else { return nil }
        func date(_ column: Int) -> CalendarDate? { rows.string(0, column).flatMap(CalendarDate.init) }
        return PortfolioInfo(id: rows.string(0, 0)!, title: rows.string(0, 1)!, titleRu: rows.string(0, 2),
                             approvedOn: date(3), approvedBy: rows.string(0, 4), periodStart: date(5), periodEnd: date(6),
                             plannedProgrammes: rows.int(0, 7), plannedMeasures: rows.int(0, 8))
    }

    /// A portfolio covers itself and its programmes; a programme itself; nothing given, everything.
    private func scopesCovered(scope: String?, portfolio: String?) throws -> [String] {
        let rows = try connection.execute("""
            SELECT id FROM reporting.portfolios_at($2::date, $3::timestamptz) WHERE $1::text IS NULL OR id = $1
            UNION ALL
            SELECT id FROM reporting.programmes_at($2::date, $3::timestamptz) WHERE $1::text IS NULL OR id = $1 OR portfolio = $1
            """, [scope, asOf, knownAt])
        return rows.column().compactMap { $0 }
    }

    private func liveClaims(_ scopes: [String]) throws -> [ClaimMark] {
        let rows = try connection.execute("""
            SELECT c.event_id, c.scope, c.unit, c.wording, c.lo, c.hi, c.lo_inclusive, c.hi_inclusive, c.as_of::text,
                   coalesce(c.speaker, s.speaker), c.source, s.title, s.url
            FROM projection.claims c LEFT JOIN projection.sources s ON s.id = c.source
            WHERE c.scope = ANY ($1::text[]) AND c.as_of <= $2::date
              AND c.recorded_at <= $3::timestamptz AND (c.retracted_at IS NULL OR c.retracted_at > $3::timestamptz)
            ORDER BY c.as_of, c.position
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
            FROM projection.timeline
            WHERE scope = ANY ($1::text[]) AND date <= $2::date
              AND known_from <= $3::timestamptz AND (known_to IS NULL OR known_to > $3::timestamptz)
            ORDER BY scope, unit, date
            """, [scopes, asOf, knownAt])
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
                                          claims: claims.filter { $0.scope == scope && $0.unit == unit }))
            }
        }
        return timelines
    }

    private func summaries(_ scopes: [String], timelines: [Timeline], claims: [ClaimMark],
                           contradictions: [ContradictionRow]) throws -> [ScopeSummary] {
        timelines.compactMap { timeline in
            guard let last = timeline.steps.last,
                  let lastClaim = timeline.claims.filter({ $0.asOf == last.date }).last else { return nil }
            let previous = timeline.steps.dropLast().last
            return ScopeSummary(
                scope: timeline.scope, unit: timeline.unit, estimate: last.estimate, disputed: last.disputed,
                claims: timeline.claims.count, previousEstimate: previous?.estimate, lastClaim: lastClaim,
                contradictions: contradictions.filter { $0.scope == timeline.scope && $0.unit == timeline.unit }.count)
        }
    }

    private func programmeRows(portfolio: String?, scope: String?, summary: [ScopeSummary]) throws -> [ProgrammeRow] {
        let rows = try connection.execute("""
            SELECT p.id, p.title, p.status, p.milestones_reached, p.milestones_planned
            FROM reporting.programmes_at($3::date, $4::timestamptz) p
            WHERE ($1::text IS NULL AND $2::text IS NULL) OR p.portfolio = $1 OR p.id = $2
            ORDER BY p.id
            """, [portfolio, scope, asOf, knownAt])
        return (0..<rows.rowCount).map { r in
            let id = rows.string(r, 0)!
            let estimate = summary.first { $0.scope == id && $0.unit == "measures" } ?? summary.first { $0.scope == id }
            return ProgrammeRow(id: id, title: rows.string(r, 1)!, status: rows.string(r, 2)!, estimate: estimate?.estimate,
                                estimateUnit: estimate?.unit, lastClaim: estimate?.lastClaim.wording,
                                milestonesReached: rows.int(r, 3)!, milestonesPlanned: rows.int(r, 4)!)
        }
    }

    private func burnUps(_ programmes: [String]) throws -> [BurnUp] {
        let rows = try connection.execute("""
            SELECT programme, id, title, due::text, reached_on::text
            FROM reporting.milestones_at($2::date, $3::timestamptz) WHERE programme = ANY ($1::text[])
            ORDER BY programme, due NULLS FIRST, id
            """, [programmes, asOf, knownAt])
        var result: [BurnUp] = []
        for r in 0..<rows.rowCount {
            let milestone = BurnUp.Milestone(id: rows.string(r, 1)!, title: rows.string(r, 2)!,
                                             due: rows.string(r, 3).flatMap(CalendarDate.init),
                                             reachedOn: rows.string(r, 4).flatMap(CalendarDate.init))
            if result.last?.programme == rows.string(r, 0) {
                result[result.count - 1].milestones.append(milestone)
            } else {
                result.append(BurnUp(programme: rows.string(r, 0)!, milestones: [milestone]))
            }
        }
        return result
    }

    private func sourceRows(_ ids: Set<String>) throws -> [SourceRow] {
        let rows = try connection.execute("""
            SELECT id, title, published_on::text, speaker, publisher, url FROM reporting.sources
            WHERE id = ANY ($1::text[]) ORDER BY published_on, id
            """, [Array(ids)])
        return (0..<rows.rowCount).map { r in
            SourceRow(id: rows.string(r, 0)!, title: rows.string(r, 1)!, publishedOn: CalendarDate(rows.string(r, 2)!)!,
                      speaker: rows.string(r, 3), publisher: rows.string(r, 4), url: rows.string(r, 5))
        }
    }
}
