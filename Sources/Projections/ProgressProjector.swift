import EventStore
import Foundation
import Postgres
import Tracker

/// Claims, and from them the estimate timeline and the contradictions per scope and unit,
/// versioned by the time each change was recorded so that `--known-at` can ask the past.
struct ProgressProjector: Projector {
    static let name = "progress"
    static let tables = ["claims", "timeline", "contradictions", "progress_scopes", "progress_baselines"]

    struct Group: Hashable {
        let scope: String
        let unit: String
    }

    let writer: ProjectionWriter
    /// What this run has read or written, so each group is loaded at most once.
    private var portfolioOf: [String: String] = [:]
    private var baselines: [String: [UUID: CalendarDate]] = [:]
    private var claims: [Group: [UUID: ClaimFact]] = [:]
    private var groupOf: [UUID: Group] = [:]
    private var dirty: Set<Group> = []
    private var dirtyAt: Date?
    /// The latest time a version was made at, read once a run. A change recorded before it (an
    /// older record imported later) cannot just close the current versions: its groups' whole
    /// history is made again from the recording times.
    private var horizon: Date?
    private var horizonRead = false

    init(writer: ProjectionWriter) { self.writer = writer }

    mutating func apply(_ event: RecordedEvent, _ decoded: TrackerEvent) throws {
        // Changes recorded at one time make one version of each group they touch.
        if let dirtyAt, dirtyAt != event.recordedAt { try flushGroups() }
        switch decoded {
        case .portfolioDefined(let e):
            addScope(e.id, portfolio: e.id)
        case .programmeAdded(let e):
            addScope(e.id, portfolio: e.portfolio)
        case .portfolioRevised(let e):
            writer.insert(into: "progress_baselines", columns: ["event_id", "portfolio", "revised_on", "recorded_at"],
                          [event.id, e.id, e.on, event.recordedAt])
            try loadBaselines(e.id)
            baselines[e.id, default: [:]][event.id] = e.on
            try touchPortfolio(e.id, at: event.recordedAt)
        case .progressClaimed(let e):
            let group = Group(scope: e.scope, unit: e.unit.rawValue)
            writer.insert(into: "claims", columns: [
                "event_id", "scope", "scope_kind", "unit", "wording", "lo", "hi", "lo_inclusive", "hi_inclusive",
                "count", "total", "as_of", "source", "speaker", "note", "position", "recorded_at",
            ], [event.id, e.scope, e.scopeKind.rawValue, e.unit.rawValue, e.wording, e.lo, e.hi, e.loInclusive,
                e.hiInclusive, e.count, e.total, e.asOf, e.source, e.speaker, e.note, event.position, event.recordedAt])
            try load(group)
            claims[group, default: [:]][event.id] = ClaimFact(
                id: event.id, asOf: e.asOf, interval: e.interval, sequence: Int(event.position))
            groupOf[event.id] = group
            touch(group, at: event.recordedAt)
        case .eventRetracted(let e):
            guard let target = e.target else { return }
            if e.targetType == ProgressClaimed.eventType {
                try writer.add("UPDATE \(writer.table("claims")) SET retracted_at = $2, retraction_reason = $3 WHERE event_id = $1",
                           [target, event.recordedAt, e.reason])
                guard let group = try group(of: target) else { return }
                try load(group)
                claims[group]?[target] = nil
                touch(group, at: event.recordedAt)
            } else if e.targetType == PortfolioRevised.eventType {
                try writer.add("UPDATE \(writer.table("progress_baselines")) SET retracted_at = $2 WHERE event_id = $1",
                           [target, event.recordedAt])
                let rows = try writer.query("SELECT portfolio FROM \(writer.table("progress_baselines")) WHERE event_id = $1", [target])
                guard let portfolio = rows.string(0, 0) else { return }
                try loadBaselines(portfolio)
                baselines[portfolio]?[target] = nil
                try touchPortfolio(portfolio, at: event.recordedAt)
            }
        default:
            break
        }
    }

    /// Loads, in three queries, the claims of every group the batch's claims fall in, their
    /// scopes' portfolios and those portfolios' baselines, which `apply` would otherwise load
    /// one by one.
    mutating func prepare(_ batch: [(RecordedEvent, TrackerEvent)]) throws {
        var groups: Set<Group> = []
        for case (_, .progressClaimed(let e)) in batch { groups.insert(Group(scope: e.scope, unit: e.unit.rawValue)) }
        let wanted = groups.filter { claims[$0] == nil }.sorted { ($0.scope, $0.unit) < ($1.scope, $1.unit) }
        guard !wanted.isEmpty else { return }
        // Group by group through the index, whatever the planner guesses of a rebuild's
        // unanalysed temporary table (see `currentRows`).
        let rows = try writer.query("""
            SELECT g.scope, g.unit, c.event_id, c.as_of, c.lo, c.hi, c.lo_inclusive, c.hi_inclusive, c.position
            FROM unnest($1::text[], $2::text[]) AS g(scope, unit)
            CROSS JOIN LATERAL (
                SELECT * FROM \(writer.table("claims")) c
                WHERE c.scope = g.scope AND c.unit = g.unit AND c.retracted_at IS NULL OFFSET 0) c
            """, [wanted.map { $0.scope }, wanted.map { $0.unit }])
        for group in wanted { claims[group] = [:] }
        for row in 0..<rows.rowCount {
            let group = Group(scope: rows.string(row, 0)!, unit: rows.string(row, 1)!)
            addLoaded(rows, row: row, offset: 2, to: group)
        }
        let scopes = Set(wanted.map { $0.scope }).filter { portfolioOf[$0] == nil }.sorted()
        if !scopes.isEmpty {
            let found = try writer.query("SELECT scope, portfolio FROM \(writer.table("progress_scopes")) WHERE scope = ANY ($1::text[])",
                                         [scopes])
            for row in 0..<found.rowCount { portfolioOf[found.string(row, 0)!] = found.string(row, 1)! }
        }
        let portfolios = Set(wanted.compactMap { portfolioOf[$0.scope] }).filter { baselines[$0] == nil }.sorted()
        if !portfolios.isEmpty {
            let found = try writer.query("""
                SELECT portfolio, event_id, revised_on FROM \(writer.table("progress_baselines"))
                WHERE portfolio = ANY ($1::text[]) AND retracted_at IS NULL
                """, [portfolios])
            for portfolio in portfolios { baselines[portfolio] = [:] }
            for row in 0..<found.rowCount {
                baselines[found.string(row, 0)!]![found.uuid(row, 1)!] = CalendarDate(found.string(row, 2)!)!
            }
        }
    }

    mutating func finishBatch() throws {
        try flushGroups()
    }

    private mutating func addScope(_ scope: String, portfolio: String) {
        portfolioOf[scope] = portfolio
        writer.upsert(into: "progress_scopes", columns: ["scope", "portfolio"], keyCount: 1, [scope, portfolio])
    }

    private mutating func touch(_ group: Group, at: Date) {
        dirty.insert(group)
        dirtyAt = at
    }

    /// A plan revision moves the baseline of every scope of its portfolio.
    private mutating func touchPortfolio(_ portfolio: String, at: Date) throws {
        do {
            let rows = try writer.query("""
                SELECT DISTINCT c.scope, c.unit FROM \(writer.table("claims")) c
                JOIN \(writer.table("progress_scopes")) s ON s.scope = c.scope
                WHERE s.portfolio = $1 AND c.retracted_at IS NULL
                """, [portfolio])
            for row in 0..<rows.rowCount { try load(Group(scope: rows.string(row, 0)!, unit: rows.string(row, 1)!)) }
        }
        for group in claims.keys where try self.portfolio(of: group.scope) == portfolio {
            touch(group, at: at)
        }
    }

    private mutating func portfolio(of scope: String) throws -> String? {
        if let known = portfolioOf[scope] { return known }
        let portfolio = try writer.query("SELECT portfolio FROM \(writer.table("progress_scopes")) WHERE scope = $1", [scope]).string(0, 0)
        portfolioOf[scope] = portfolio
        return portfolio
    }

    private mutating func group(of claim: UUID) throws -> Group? {
        if let known = groupOf[claim] { return known }
        let rows = try writer.query("SELECT scope, unit FROM \(writer.table("claims")) WHERE event_id = $1", [claim])
        guard rows.rowCount == 1 else { return nil }
        return Group(scope: rows.string(0, 0)!, unit: rows.string(0, 1)!)
    }

    private mutating func load(_ group: Group) throws {
        guard claims[group] == nil else { return }
        claims[group] = [:]
        let rows = try writer.query("""
            SELECT event_id, as_of, lo, hi, lo_inclusive, hi_inclusive, position FROM \(writer.table("claims"))
            WHERE scope = $1 AND unit = $2 AND retracted_at IS NULL
            """, [group.scope, group.unit])
        for row in 0..<rows.rowCount { addLoaded(rows, row: row, offset: 0, to: group) }
    }

    /// A claim row read back: event_id, as_of, lo, hi, lo_inclusive, hi_inclusive and position
    /// from column `offset` on.
    private mutating func addLoaded(_ rows: QueryResult, row: Int, offset: Int, to group: Group) {
        let id = rows.uuid(row, offset)!
        claims[group, default: [:]][id] = ClaimFact(
            id: id, asOf: CalendarDate(rows.string(row, offset + 1)!)!,
            interval: PercentInterval(lo: rows.double(row, offset + 2)!, hi: rows.double(row, offset + 3)!,
                                      loInclusive: rows.bool(row, offset + 4)!, hiInclusive: rows.bool(row, offset + 5)!),
            sequence: rows.int(row, offset + 6)!)
        groupOf[id] = group
    }

    private mutating func loadBaselines(_ portfolio: String) throws {
        guard baselines[portfolio] == nil else { return }
        baselines[portfolio] = [:]
        let rows = try writer.query("""
            SELECT event_id, revised_on FROM \(writer.table("progress_baselines"))
            WHERE portfolio = $1 AND retracted_at IS NULL
            """, [portfolio])
        for row in 0..<rows.rowCount { baselines[portfolio]![rows.uuid(row, 0)!] = CalendarDate(rows.string(row, 1)!)! }
    }

    /// Closes the current version of each touched group and writes the new one.
    private mutating func flushGroups() throws {
        guard let at = dirtyAt else { return }
        let groups = dirty.sorted { ($0.scope, $0.unit) < ($1.scope, $1.unit) }
        if !horizonRead {
            horizon = try writer.query("""
                SELECT greatest((SELECT max(known_from) FROM \(writer.table("timeline"))),
                                (SELECT max(known_from) FROM \(writer.table("contradictions"))))
                """, []).date(0, 0)
            horizonRead = true
        }
        if let horizon, at < horizon {
            for group in groups { try rewriteHistory(of: group) }
            dirty.removeAll()
            dirtyAt = nil
            return
        }
        horizon = at
        // Loaded first, so that the statement below and the rows that follow it go out together.
        var inputs: [(group: Group, facts: [ClaimFact], baselines: [CalendarDate])] = []
        for group in groups {
            var revisionDates: [CalendarDate] = []
            if let portfolio = try portfolio(of: group.scope) {
                try loadBaselines(portfolio)
                revisionDates = Array(baselines[portfolio, default: [:]].values)
            }
            inputs.append((group, Array(claims[group, default: [:]].values), revisionDates))
        }
        // One statement for every group touched at this time. A version replaced at the time it
        // was made never existed for a reader: it is dropped, so that where batches happen to end
        // does not change the tables; the others are closed. The new versions follow it.
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
            """, [groups.map { $0.scope }, groups.map { $0.unit }, at])
        for (group, facts, baselines) in inputs { writeVersion(of: group, facts: facts, baselines: baselines, from: at) }
        dirty.removeAll()
        dirtyAt = nil
    }

    /// The rows of one version of a group, known from `time`: its timeline and contradictions.
    private func writeVersion(of group: Group, facts: [ClaimFact], baselines: [CalendarDate], from time: Date) {
        let sequence = Dictionary(uniqueKeysWithValues: facts.map { ($0.id, $0.sequence) })
        for point in Inference.timeline(claims: facts, baselines: baselines) {
            let lastClaim = point.claimIds.max { (sequence[$0] ?? 0) < (sequence[$1] ?? 0) }!
            writer.insert(afterStatementsInto: "timeline", columns: Self.timelineColumns, [
                group.scope, group.unit, point.date, point.estimate.lo, point.estimate.hi, point.estimate.loInclusive,
                point.estimate.hiInclusive, point.disputed, point.claim.lo, point.claim.hi, point.claim.loInclusive,
                point.claim.hiInclusive, point.claimsSoFar, lastClaim, time,
            ])
        }
        for contradiction in Inference.contradictions(claims: facts, baselines: baselines) {
            writer.insert(afterStatementsInto: "contradictions", columns: ["scope", "unit", "kind", "earlier", "later", "known_from"],
                          [group.scope, group.unit, contradiction.kind.rawValue, contradiction.earlier, contradiction.later, time])
        }
    }

    /// Makes every version of a group again from its claims' and its portfolio's baselines'
    /// recording and retraction times: a version from each such time to the next.
    private mutating func rewriteHistory(of group: Group) throws {
        let rows = try writer.query("""
            SELECT event_id, as_of, lo, hi, lo_inclusive, hi_inclusive, position, recorded_at, retracted_at
            FROM \(writer.table("claims")) WHERE scope = $1 AND unit = $2
            """, [group.scope, group.unit])
        let claims = (0..<rows.rowCount).map { row in
            (fact: ClaimFact(
                id: rows.uuid(row, 0)!, asOf: CalendarDate(rows.string(row, 1)!)!,
                interval: PercentInterval(lo: rows.double(row, 2)!, hi: rows.double(row, 3)!,
                                          loInclusive: rows.bool(row, 4)!, hiInclusive: rows.bool(row, 5)!),
                sequence: rows.int(row, 6)!),
             known: KnownSpan(from: rows.date(row, 7)!, to: rows.date(row, 8)))
        }
        var revisions: [(on: CalendarDate, known: KnownSpan)] = []
        if let portfolio = try portfolio(of: group.scope) {
            let found = try writer.query("""
                SELECT revised_on, recorded_at, retracted_at FROM \(writer.table("progress_baselines")) WHERE portfolio = $1
                """, [portfolio])
            revisions = (0..<found.rowCount).map {
                (CalendarDate(found.string($0, 0)!)!, KnownSpan(from: found.date($0, 1)!, to: found.date($0, 2)))
            }
        }
        let times = Set(claims.flatMap { [$0.known.from, $0.known.to] } + revisions.flatMap { [$0.known.from, $0.known.to] })
            .compactMap { $0 }.sorted()
        try writer.add("DELETE FROM \(writer.table("timeline")) WHERE scope = $1 AND unit = $2", [group.scope, group.unit])
        try writer.add("DELETE FROM \(writer.table("contradictions")) WHERE scope = $1 AND unit = $2", [group.scope, group.unit])
        for time in times {
            writeVersion(of: group, facts: claims.filter { $0.known.contains(time) }.map(\.fact),
                         baselines: revisions.filter { $0.known.contains(time) }.map(\.on), from: time)
        }
        // Each version holds until the next time; the last one holds still.
        let next = times.dropFirst().map { Optional($0) } + [nil]
        for table in ["timeline", "contradictions"] {
            try writer.add("""
                UPDATE \(writer.table(table)) t SET known_to = n.known_to
                FROM unnest($3::timestamptz[], $4::timestamptz[]) AS n(known_from, known_to)
                WHERE t.scope = $1 AND t.unit = $2 AND t.known_from = n.known_from
                """, [group.scope, group.unit, times, next])
        }
    }

    /// From when to when a claim or baseline was on record.
    private struct KnownSpan {
        let from: Date
        let to: Date?
        func contains(_ time: Date) -> Bool { from <= time && to.map { time < $0 } ?? true }
    }

    static let timelineColumns = [
        "scope", "unit", "date", "estimate_lo", "estimate_hi", "estimate_lo_inclusive", "estimate_hi_inclusive", "disputed",
        "claim_lo", "claim_hi", "claim_lo_inclusive", "claim_hi_inclusive", "claims", "last_claim", "known_from",
    ]

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
