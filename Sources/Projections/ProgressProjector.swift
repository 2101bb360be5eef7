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

    init(writer: ProjectionWriter) { self.writer = writer }

    mutating func apply(_ event: RecordedEvent, _ decoded: TrackerEvent) throws {
        // Changes recorded at one time make one version of each group they touch.
        if let dirtyAt, dirtyAt != event.recordedAt { try flushGroups() }
        switch decoded {
        case .portfolioDefined(let e):
            try addScope(e.id, portfolio: e.id)
        case .programmeAdded(let e):
            try addScope(e.id, portfolio: e.portfolio)
        case .portfolioRevised(let e):
            try writer.add("""
                INSERT INTO \(writer.table("progress_baselines")) (event_id, portfolio, revised_on, recorded_at)
                VALUES ($1, $2, $3, $4)
                """, [event.id, e.id, e.on, event.recordedAt])
            try loadBaselines(e.id)
            baselines[e.id, default: [:]][event.id] = e.on
            try touchPortfolio(e.id, at: event.recordedAt)
        case .progressClaimed(let e):
            let group = Group(scope: e.scope, unit: e.unit.rawValue)
            try writer.add("""
                INSERT INTO \(writer.table("claims")) (event_id, scope, scope_kind, unit, wording, lo, hi, lo_inclusive,
                    hi_inclusive, count, total, as_of, source, speaker, note, position, recorded_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                """, [event.id, e.scope, e.scopeKind.rawValue, e.unit.rawValue, e.wording, e.lo, e.hi, e.loInclusive,
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

    mutating func finishBatch() throws {
        try flushGroups()
    }

    private mutating func addScope(_ scope: String, portfolio: String) throws {
        portfolioOf[scope] = portfolio
        try writer.add("""
            INSERT INTO \(writer.table("progress_scopes")) (scope, portfolio) VALUES ($1, $2)
            ON CONFLICT (scope) DO UPDATE SET portfolio = EXCLUDED.portfolio
            """, [scope, portfolio])
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
        for row in 0..<rows.rowCount {
            let id = rows.uuid(row, 0)!
            claims[group]![id] = ClaimFact(
                id: id, asOf: CalendarDate(rows.string(row, 1)!)!,
                interval: PercentInterval(lo: rows.double(row, 2)!, hi: rows.double(row, 3)!,
                                          loInclusive: rows.bool(row, 4)!, hiInclusive: rows.bool(row, 5)!),
                sequence: rows.int(row, 6)!)
            groupOf[id] = group
        }
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
        for group in dirty.sorted(by: { ($0.scope, $0.unit) < ($1.scope, $1.unit) }) {
            let facts = Array(claims[group, default: [:]].values)
            var revisionDates: [CalendarDate] = []
            if let portfolio = try portfolio(of: group.scope) {
                try loadBaselines(portfolio)
                revisionDates = Array(baselines[portfolio, default: [:]].values)
            }
            let points = Inference.timeline(claims: facts, baselines: revisionDates)
            let found = Inference.contradictions(claims: facts, baselines: revisionDates)
            let sequence = Dictionary(uniqueKeysWithValues: facts.map { ($0.id, $0.sequence) })
            for table in ["timeline", "contradictions"] {
                // A version replaced at the time it was made never existed for a reader: drop it, so
                // that where batches happen to end does not change the tables.
                try writer.add("DELETE FROM \(writer.table(table)) WHERE scope = $1 AND unit = $2 AND known_to IS NULL AND known_from = $3",
                           [group.scope, group.unit, at])
                try writer.add("UPDATE \(writer.table(table)) SET known_to = $3 WHERE scope = $1 AND unit = $2 AND known_to IS NULL",
                           [group.scope, group.unit, at])
            }
            if !points.isEmpty {
                try writer.add("""
                    INSERT INTO \(writer.table("timeline")) (scope, unit, date, estimate_lo, estimate_hi, estimate_lo_inclusive,
                        estimate_hi_inclusive, disputed, claim_lo, claim_hi, claim_lo_inclusive, claim_hi_inclusive, claims,
                        last_claim, known_from)
                    SELECT $1, $2, p.*, $15 FROM unnest($3::date[], $4::float8[], $5::float8[], $6::bool[], $7::bool[],
                        $8::bool[], $9::float8[], $10::float8[], $11::bool[], $12::bool[], $13::int[], $14::uuid[]) AS p
                    """, [group.scope, group.unit, points.map { $0.date }, points.map { $0.estimate.lo }, points.map { $0.estimate.hi },
                          points.map { $0.estimate.loInclusive }, points.map { $0.estimate.hiInclusive }, points.map { $0.disputed },
                          points.map { $0.claim.lo }, points.map { $0.claim.hi }, points.map { $0.claim.loInclusive },
                          points.map { $0.claim.hiInclusive }, points.map { $0.claimsSoFar },
                          points.map { point in point.claimIds.max { (sequence[$0] ?? 0) < (sequence[$1] ?? 0) }! }, at])
            }
            if !found.isEmpty {
                try writer.add("""
                    INSERT INTO \(writer.table("contradictions")) (scope, unit, kind, earlier, later, known_from)
                    SELECT $1, $2, x.*, $6 FROM unnest($3::text[], $4::uuid[], $5::uuid[]) AS x
                    """, [group.scope, group.unit, found.map { $0.kind.rawValue }, found.map { $0.earlier }, found.map { $0.later }, at])
            }
        }
        dirty.removeAll()
        dirtyAt = nil
    }
}
