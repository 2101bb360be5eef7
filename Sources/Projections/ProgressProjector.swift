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

    static let claimColumns: [(name: String, type: String)] = [
        ("event_id", "uuid"), ("scope", "text"), ("scope_kind", "text"), ("unit", "text"), ("wording", "text"),
        ("lo", "float8"), ("hi", "float8"), ("lo_inclusive", "bool"), ("hi_inclusive", "bool"), ("count", "int"),
        ("total", "int"), ("as_of", "date"), ("source", "text"), ("speaker", "text"), ("note", "text"),
        ("position", "bigint"), ("recorded_at", "timestamptz"),
    ]

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
            writer.add("""
                INSERT INTO \(writer.table("progress_baselines")) (event_id, portfolio, revised_on, recorded_at)
                VALUES ($1, $2, $3, $4)
                """, [event.id, e.id, e.on, event.recordedAt])
            try loadBaselines(e.id)
            baselines[e.id, default: [:]][event.id] = e.on
            try touchPortfolio(e.id, at: event.recordedAt)
        case .progressClaimed(let e):
            let group = Group(scope: e.scope, unit: e.unit.rawValue)
            writer.insertRow(into: "claims", columns: Self.claimColumns, [
                event.id, e.scope, e.scopeKind.rawValue, e.unit.rawValue, e.wording, e.lo, e.hi, e.loInclusive,
                e.hiInclusive, e.count, e.total, e.asOf, e.source, e.speaker, e.note, event.position, event.recordedAt])
            try load(group)
            claims[group, default: [:]][event.id] = ClaimFact(
                id: event.id, asOf: e.asOf, interval: e.interval, sequence: Int(event.position))
            groupOf[event.id] = group
            touch(group, at: event.recordedAt)
        case .eventRetracted(let e):
            guard let target = e.target else { return }
            if e.targetType == ProgressClaimed.eventType {
                writer.add("UPDATE \(writer.table("claims")) SET retracted_at = $2, retraction_reason = $3 WHERE event_id = $1",
                           [target, event.recordedAt, e.reason])
                guard let group = try group(of: target) else { return }
                try load(group)
                claims[group]?[target] = nil
                touch(group, at: event.recordedAt)
            } else if e.targetType == PortfolioRevised.eventType {
                writer.add("UPDATE \(writer.table("progress_baselines")) SET retracted_at = $2 WHERE event_id = $1",
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
        writer.add("""
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

    /// Closes the current version of each touched group and writes the new one, for all
    /// touched groups at once: six statements however many groups changed.
    private mutating func flushGroups() throws {
        guard let at = dirtyAt else { return }
        let groups = dirty.sorted { ($0.scope, $0.unit) < ($1.scope, $1.unit) }
        var points: [(group: Group, point: TimelinePoint, last: UUID)] = []
        var found: [(group: Group, contradiction: Contradiction)] = []
        for group in groups {
            let facts = Array(claims[group, default: [:]].values)
            var revisionDates: [CalendarDate] = []
            if let portfolio = try portfolio(of: group.scope) {
                try loadBaselines(portfolio)
                revisionDates = Array(baselines[portfolio, default: [:]].values)
            }
            let sequence = Dictionary(uniqueKeysWithValues: facts.map { ($0.id, $0.sequence) })
            for point in Inference.timeline(claims: facts, baselines: revisionDates) {
                points.append((group, point, point.claimIds.max { (sequence[$0] ?? 0) < (sequence[$1] ?? 0) }!))
            }
            found += Inference.contradictions(claims: facts, baselines: revisionDates).map { (group, $0) }
        }
        let scopes = groups.map(\.scope), units = groups.map(\.unit)
        for table in ["timeline", "contradictions"] {
            // A version replaced at the time it was made never existed for a reader: drop it, so
            // that where batches happen to end does not change the tables.
            writer.add("""
                DELETE FROM \(writer.table(table)) WHERE known_to IS NULL AND known_from = $3
                  AND (scope, unit) IN (SELECT * FROM unnest($1::text[], $2::text[]))
                """, [scopes, units, at])
            writer.add("""
                UPDATE \(writer.table(table)) SET known_to = $3
                WHERE known_to IS NULL AND (scope, unit) IN (SELECT * FROM unnest($1::text[], $2::text[]))
                """, [scopes, units, at])
        }
        for (group, point, last) in points {
            writer.insertRow(into: "timeline", columns: Self.timelineColumns, [
                group.scope, group.unit, point.date, point.estimate.lo, point.estimate.hi, point.estimate.loInclusive,
                point.estimate.hiInclusive, point.disputed, point.claim.lo, point.claim.hi, point.claim.loInclusive,
                point.claim.hiInclusive, point.claimsSoFar, last, at])
        }
        for (group, contradiction) in found {
            writer.insertRow(into: "contradictions", columns: Self.contradictionColumns, [
                group.scope, group.unit, contradiction.kind.rawValue, contradiction.earlier, contradiction.later, at])
        }
        dirty.removeAll()
        dirtyAt = nil
    }

    static let timelineColumns: [(name: String, type: String)] = [
        ("scope", "text"), ("unit", "text"), ("date", "date"), ("estimate_lo", "float8"), ("estimate_hi", "float8"),
        ("estimate_lo_inclusive", "bool"), ("estimate_hi_inclusive", "bool"), ("disputed", "bool"),
        ("claim_lo", "float8"), ("claim_hi", "float8"), ("claim_lo_inclusive", "bool"), ("claim_hi_inclusive", "bool"),
        ("claims", "int"), ("last_claim", "uuid"), ("known_from", "timestamptz"),
    ]

    static let contradictionColumns: [(name: String, type: String)] = [
        ("scope", "text"), ("unit", "text"), ("kind", "text"), ("earlier", "uuid"), ("later", "uuid"), ("known_from", "timestamptz"),
    ]
}
