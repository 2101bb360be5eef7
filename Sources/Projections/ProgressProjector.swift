import EventStore
import Foundation
import Postgres
import ProjectionCore
import Tracker

/// Claims, and from them the estimate timeline and the contradictions per scope and unit,
/// versioned by the time each change was recorded so that `--known-at` can ask the past.
/// `ProgressState` decides; this loads what it needs and writes what it returns.
struct ProgressProjector: Projector {
    static let name = "progress"
    static let tables = ["claims", "timeline", "contradictions", "progress_scopes", "progress_baselines"]

    let writer: ProjectionWriter
    private var state = ProgressState()

    init(writer: ProjectionWriter) { self.writer = writer }

    mutating func apply(_ event: RecordedEvent, _ decoded: TrackerEvent) throws {
        if state.versionsDue(before: event.recordedAt) { try writeVersions() }
        let event = ProjectionEvent(event, decoded)
        var needs = state.needs(event)
        while !needs.isEmpty {
            try load(needs)
            needs = state.needs(event)
        }
        // Applied before `write`: as its argument, `apply` would mutate the state while this
        // call's copy of `self` holds it, and copy every loaded group each event.
        let changes = state.apply(event)
        try write(changes)
    }

    /// With `more`, the versions of the pending time wait for the next batch: when it goes on
    /// at the same recording time, as an import's one transaction does, each batch would make
    /// every touched group's version again (50,000 claims over 200 programmes, caught up in
    /// batches of 1,000: each programme's contradictions written 50 times over). An event of
    /// another time makes them in `apply`. A state grown past `claimsHeldAtMost` makes them now
    /// and starts afresh, so memory stays bounded; the next batch's version replaces them.
    mutating func finishBatch(more: Bool) throws {
        guard !more || state.loadedClaims > claimsHeldAtMost else { return }
        try writeVersions()
        if more { state = ProgressState() }
    }

    /// Set by the runner (`ProjectionRunner.claimsHeldAtMost`).
    var claimsHeldAtMost = ProjectionRunner.defaultClaimsHeldAtMost
    /// Rows of versions queued at most before they are sent.
    static let rowsHeldAtMost = 50_000

    // MARK: Loading

    /// Loads, in three queries, the claims of every group the batch's claims fall in, their
    /// scopes' portfolios and those portfolios' baselines, which `apply` would otherwise load
    /// one by one.
    mutating func prepare(_ batch: [(RecordedEvent, TrackerEvent)]) throws {
        var groups: Set<ProgressGroup> = []
        for case (_, .progressClaimed(let e)) in batch { groups.insert(ProgressGroup(scope: e.scope, unit: e.unit)) }
        try load(groups.filter { !state.isLoaded($0) }.sorted())
    }

    private mutating func load(_ needs: ProgressNeeds) throws {
        if let claim = needs.claimGroup {
            let rows = try writer.query("SELECT scope, unit FROM \(writer.table("claims")) WHERE event_id = $1", [claim])
            state.loaded(claim: claim, group: rows.rowCount == 1 ? Self.group(rows, 0, 0) : nil)
        }
        if let revision = needs.revisionPortfolio {
            let rows = try writer.query("SELECT portfolio FROM \(writer.table("progress_baselines")) WHERE event_id = $1", [revision])
            state.loaded(revision: revision, portfolio: rows.string(0, 0))
        }
        try load(needs.groups)
        if let portfolio = needs.portfolio {
            try loadBaselines([portfolio])
            let rows = try writer.query("""
                SELECT DISTINCT c.scope, c.unit FROM \(writer.table("claims")) c
                JOIN \(writer.table("progress_scopes")) s ON s.scope = c.scope
                WHERE s.portfolio = $1 AND c.retracted_at IS NULL
                """, [portfolio])
            let groups = (0..<rows.rowCount).map { Self.group(rows, $0, 0) }
            for group in groups { state.loaded(scope: group.scope, portfolio: portfolio) }
            try load(groups.filter { !state.isLoaded($0) })
            state.loaded(portfolio: portfolio)
        }
    }

    /// Groups, with their scopes' portfolios and those portfolios' baselines.
    private mutating func load(_ groups: [ProgressGroup]) throws {
        guard !groups.isEmpty else { return }
        // Group by group through the index, whatever the planner guesses of a rebuild's
        // unanalysed temporary table (see `currentRows`).
        let rows = try writer.query("""
            SELECT g.scope, g.unit, c.event_id, c.as_of, c.lo, c.hi, c.lo_inclusive, c.hi_inclusive, c.position
            FROM unnest($1::text[], $2::text[]) AS g(scope, unit)
            CROSS JOIN LATERAL (
                SELECT * FROM \(writer.table("claims")) c
                WHERE c.scope = g.scope AND c.unit = g.unit AND c.retracted_at IS NULL OFFSET 0) c
            """, [groups.map { $0.scope }, groups.map { $0.unit.rawValue }])
        var facts: [ProgressGroup: [ClaimFact]] = [:]
        for row in 0..<rows.rowCount { facts[Self.group(rows, row, 0), default: []].append(Self.fact(rows, row, 2)) }
        for group in groups { state.loaded(group, claims: facts[group] ?? []) }
        let scopes = Set(groups.map { $0.scope }).filter { !state.knowsPortfolio(of: $0) }.sorted()
        if !scopes.isEmpty {
            let found = try writer.query("SELECT scope, portfolio FROM \(writer.table("progress_scopes")) WHERE scope = ANY ($1::text[])",
                                         [scopes])
            var portfolioOf: [String: String] = [:]
            for row in 0..<found.rowCount { portfolioOf[found.string(row, 0)!] = found.string(row, 1)! }
            for scope in scopes { state.loaded(scope: scope, portfolio: portfolioOf[scope]) }
        }
        try loadBaselines(Set(groups.compactMap { state.portfolioOf[$0.scope] ?? nil }))
    }

    private mutating func loadBaselines(_ portfolios: some Collection<String>) throws {
        let wanted = portfolios.filter { state.baselines[$0] == nil }.sorted()
        guard !wanted.isEmpty else { return }
        let found = try writer.query("""
            SELECT portfolio, event_id, revised_on FROM \(writer.table("progress_baselines"))
            WHERE portfolio = ANY ($1::text[]) AND retracted_at IS NULL
            """, [wanted])
        var revisions: [String: [UUID: CalendarDate]] = [:]
        for row in 0..<found.rowCount {
            revisions[found.string(row, 0)!, default: [:]][found.uuid(row, 1)!] = CalendarDate(found.string(row, 2)!)!
        }
        for portfolio in wanted { state.loaded(baselines: revisions[portfolio] ?? [:], of: portfolio) }
    }

    private static func group(_ rows: QueryResult, _ row: Int, _ offset: Int) -> ProgressGroup {
        ProgressGroup(scope: rows.string(row, offset)!, unit: ClaimUnit(rawValue: rows.string(row, offset + 1)!)!)
    }

    /// A claim row read back: event_id, as_of, lo, hi, lo_inclusive, hi_inclusive and position
    /// from column `offset` on.
    private static func fact(_ rows: QueryResult, _ row: Int, _ offset: Int) -> ClaimFact {
        ClaimFact(
            id: rows.uuid(row, offset)!, asOf: CalendarDate(rows.string(row, offset + 1)!)!,
            interval: PercentInterval(lo: rows.double(row, offset + 2)!, hi: rows.double(row, offset + 3)!,
                                      loInclusive: rows.bool(row, offset + 4)!, hiInclusive: rows.bool(row, offset + 5)!),
            sequence: rows.int(row, offset + 6)!)
    }

    // MARK: Versions

    /// Makes the versions of the groups changed at the pending time.
    private mutating func writeVersions() throws {
        guard state.pendingAt != nil else { return }
        if !state.horizonKnown {
            state.horizon = try writer.query("""
                SELECT greatest((SELECT max(known_from) FROM \(writer.table("timeline"))),
                                (SELECT max(known_from) FROM \(writer.table("contradictions"))))
                """, []).date(0, 0)
        }
        // Loaded first, so that the statement closing the old versions and the rows that follow
        // it go out together.
        try loadBaselines(state.portfoliosToLoad)
        switch state.versions() {
        case .none: break
        case .write(let groups, let at):
            try write(.closeVersions(groups, at: at))
            for group in groups {
                try write(state.version(of: group, from: at))
                try sendWhenMany()
            }
        case .rewrite(let groups):
            for group in groups {
                let (claims, baselines) = try history(of: group)
                try write(ProgressState.history(of: group, claims: claims, baselines: baselines))
                try sendWhenMany()
            }
        }
    }

    /// Sends the queued rows once they are many: a version of a group with many contradictions
    /// (each pair of claims can be one) then never sits in memory whole.
    private func sendWhenMany() throws {
        if writer.queuedRows >= Self.rowsHeldAtMost { try writer.flush() }
    }

    /// A group's claims and its portfolio's plan revisions, retracted or not, each with the span
    /// it was on record.
    private mutating func history(of group: ProgressGroup) throws
        -> (claims: [(fact: ClaimFact, known: KnownSpan)], baselines: [(on: CalendarDate, known: KnownSpan)]) {
        let rows = try writer.query("""
            SELECT event_id, as_of, lo, hi, lo_inclusive, hi_inclusive, position, recorded_at, retracted_at
            FROM \(writer.table("claims")) WHERE scope = $1 AND unit = $2
            """, [group.scope, group.unit.rawValue])
        let claims = (0..<rows.rowCount).map { row in
            (fact: Self.fact(rows, row, 0), known: KnownSpan(from: rows.date(row, 7)!, to: rows.date(row, 8)))
        }
        guard let portfolio = state.portfolioOf[group.scope] ?? nil else { return (claims, []) }
        let found = try writer.query("""
            SELECT revised_on, recorded_at, retracted_at FROM \(writer.table("progress_baselines")) WHERE portfolio = $1
            """, [portfolio])
        return (claims, (0..<found.rowCount).map {
            (CalendarDate(found.string($0, 0)!)!, KnownSpan(from: found.date($0, 1)!, to: found.date($0, 2)))
        })
    }

    // MARK: Writing

    private func write(_ changes: [ProgressChange]) throws {
        for change in changes { try write(change) }
    }

    private func write(_ change: ProgressChange) throws {
        switch change {
        case .insertClaim(let row):
            let e = row.claim
            writer.insert(into: "claims", columns: Self.claimColumns, [
                row.eventId, e.scope, e.scopeKind.rawValue, e.unit.rawValue, e.wording, e.lo, e.hi, e.loInclusive,
                e.hiInclusive, e.count, e.total, e.asOf, e.source, e.speaker, e.note, row.position, row.recordedAt,
                e.quote, e.quoteStart, e.quoteEnd,
            ])
        case .retractClaim(let id, let at, let reason):
            try writer.add("UPDATE \(writer.table("claims")) SET retracted_at = $2, retraction_reason = $3 WHERE event_id = $1",
                           [id, at, reason])
        case .upsertScope(let scope, let portfolio):
            writer.upsert(into: "progress_scopes", columns: ["scope", "portfolio"], keyCount: 1, [scope, portfolio])
        case .insertBaseline(let id, let portfolio, let revisedOn, let recordedAt):
            writer.insert(into: "progress_baselines", columns: ["event_id", "portfolio", "revised_on", "recorded_at"],
                          [id, portfolio, revisedOn, recordedAt])
        case .retractBaseline(let id, let at):
            try writer.add("UPDATE \(writer.table("progress_baselines")) SET retracted_at = $2 WHERE event_id = $1", [id, at])
        case .closeVersions(let groups, let at):
            // One statement for every group touched at this time. A version replaced at the time it
            // was made never existed for a reader: it is dropped, so that where batches happen to end
            // does not change the tables; the others are closed.
            try writer.add("""
                WITH touched AS (SELECT * FROM unnest($1::text[], $2::text[]) AS g(scope, unit)),
                dropped_timeline AS (
                    DELETE FROM \(writer.table("timeline")) WHERE ctid = ANY (\(currentRows("timeline", "t.known_from = $3")))),
                closed_timeline AS (
                    UPDATE \(writer.table("timeline")) SET known_to = $3
                    WHERE ctid = ANY (\(currentRows("timeline", "t.known_from <> $3")))),
                dropped_contradictions AS (
                    DELETE FROM \(writer.table("contradictions")) WHERE ctid = ANY (\(currentRows("contradictions", "t.known_from = $3"))))
                UPDATE \(writer.table("contradictions")) SET known_to = $3
                WHERE ctid = ANY (\(currentRows("contradictions", "t.known_from <> $3")))
                """, [groups.map { $0.scope }, groups.map { $0.unit.rawValue }, at])
        case .deleteVersions(let group):
            for table in ["timeline", "contradictions"] {
                try writer.add("DELETE FROM \(writer.table(table)) WHERE scope = $1 AND unit = $2", [group.scope, group.unit.rawValue])
            }
        case .insertTimeline(let row):
            let p = row.point
            writer.insert(afterStatementsInto: "timeline", columns: Self.timelineColumns, [
                row.group.scope, row.group.unit.rawValue, p.date, p.estimate.lo, p.estimate.hi, p.estimate.loInclusive,
                p.estimate.hiInclusive, p.disputed, p.claim.lo, p.claim.hi, p.claim.loInclusive, p.claim.hiInclusive,
                p.claimsSoFar, row.lastClaim, row.knownFrom, row.knownTo,
            ])
        case .insertContradiction(let row):
            writer.insert(afterStatementsInto: "contradictions", columns: Self.contradictionColumns, [
                row.group.scope, row.group.unit.rawValue, row.contradiction.kind.rawValue, row.contradiction.earlier,
                row.contradiction.later, row.knownFrom, row.knownTo,
            ])
        }
    }

    static let claimColumns = [
        "event_id", "scope", "scope_kind", "unit", "wording", "lo", "hi", "lo_inclusive", "hi_inclusive",
        "count", "total", "as_of", "source", "speaker", "note", "position", "recorded_at",
        "quote", "quote_start", "quote_end",
    ]
    static let timelineColumns = [
        "scope", "unit", "date", "estimate_lo", "estimate_hi", "estimate_lo_inclusive", "estimate_hi_inclusive", "disputed",
        "claim_lo", "claim_hi", "claim_lo_inclusive", "claim_hi_inclusive", "claims", "last_claim", "known_from", "known_to",
    ]
    static let contradictionColumns = ["scope", "unit", "kind", "earlier", "later", "known_from", "known_to"]

    /// The current rows of the touched groups in `table` that also meet `condition`, found
    /// group by group through the index. `OFFSET 0` keeps the planner from merging the lookup
    /// into a join: it guesses that few rows meet `condition` and scans them all, but after a
    /// bulk load every current row has the same `known_from`.
    private func currentRows(_ table: String, _ condition: String) -> String {
        """
        ARRAY(SELECT t.ctid FROM touched g CROSS JOIN LATERAL (
            SELECT ctid, known_from FROM \(writer.table(table)) t
            WHERE t.scope = g.scope AND t.unit = g.unit AND t.known_to IS NULL OFFSET 0) t
            WHERE \(condition))
        """
    }
}
