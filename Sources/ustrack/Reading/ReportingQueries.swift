import Foundation
import Postgres
import Reports
import Tracker

/// Every statement the reading side sends: the reading commands, the report, scope checks, the
/// warnings of what a reader cannot see, `db status`, `search` and `events`. Rows are read by
/// column name (`QueryResult.decode`): a property `lastClaimAsOf` reads `last_claim_as_of`, and a
/// nested value such as `lastClaim: ClaimSummary` reads the columns its name prefixes.
struct ReportingQueries {
    let connection: Connection

    // MARK: status, history, contradictions

    /// A claim as the reading commands print it.
    struct ClaimSummary: Codable {
        let wording: String
        let asOf: CalendarDate
        let speaker: String?
        let source: String
        let lo: Double?
        let hi: Double?
    }

    /// Where a scope stands in one unit, with its last claim and milestones.
    struct StatusRow: Codable {
        let scope: String
        let unit: String
        let asOf: CalendarDate
        let estimateLo: Double
        let estimateHi: Double
        let estimateLoInclusive: Bool
        let estimateHiInclusive: Bool
        let disputed: Bool
        let claims: Int
        let lastClaim: ClaimSummary
        let milestonesReached: Int?
        let milestonesPlanned: Int?
    }

    func status(asOf: CalendarDate, knownAt: String, scope: String?) throws -> [StatusRow] {
        // The status row names no interval for its last claim: lo and hi stay out of the JSON.
        try connection.execute("""
            SELECT s.scope, s.unit, $1::date AS as_of, s.estimate_lo, s.estimate_hi, s.estimate_lo_inclusive,
                   s.estimate_hi_inclusive, s.disputed, s.claims, s.last_claim_wording, s.last_claim_as_of,
                   s.last_claim_speaker, s.last_claim_source, NULL::float8 AS last_claim_lo, NULL::float8 AS last_claim_hi,
                   e.milestones_reached, e.milestones_planned
            FROM reporting.status_at($1::date, $2::timestamptz) s
            LEFT JOIN reporting.evidence_at($1::date, $2::timestamptz) e ON e.scope = s.scope
            WHERE $3::text IS NULL OR s.scope = $3
            ORDER BY s.scope, s.unit
            """, [asOf, knownAt, scope]).decode()
    }

    struct Evidence: Decodable {
        let milestonesReached: Int?
        let milestonesPlanned: Int?
    }

    /// A scope's milestones, which stand even when it has no claims.
    func evidence(asOf: CalendarDate, knownAt: String, scope: String) throws -> Evidence? {
        try connection.execute("""
            SELECT milestones_reached, milestones_planned FROM reporting.evidence_at($1::date, $2::timestamptz)
            WHERE scope = $3
            """, [asOf, knownAt, scope]).decodeFirst()
    }

    /// One claim on a step of a scope's timeline: a step with several claims comes once per claim.
    struct HistoryRow: Decodable {
        let unit: String
        let date: CalendarDate
        let estimateLo: Double
        let estimateHi: Double
        let estimateLoInclusive: Bool
        let estimateHiInclusive: Bool
        let disputed: Bool
        let claim: ClaimSummary
    }

    func history(scope: String, asOf: CalendarDate, knownAt: String) throws -> [HistoryRow] {
        try connection.execute("""
            SELECT t.unit, t.date, t.estimate_lo, t.estimate_hi, t.estimate_lo_inclusive, t.estimate_hi_inclusive, t.disputed,
                   c.wording AS claim_wording, c.as_of AS claim_as_of, c.speaker AS claim_speaker, c.source AS claim_source,
                   c.lo AS claim_lo, c.hi AS claim_hi
            FROM reporting.progress_timeline_at($2::date, $3::timestamptz) t
            JOIN reporting.claims_at($2::date, $3::timestamptz) c ON c.scope = t.scope AND c.unit = t.unit AND c.as_of = t.date
            WHERE t.scope = $1
            ORDER BY t.unit, t.date, c.position
            """, [scope, asOf, knownAt]).decode()
    }

    struct ContradictionRow: Codable {
        let scope: String
        let unit: String
        let kind: String
        let earlier: ClaimSummary
        let later: ClaimSummary
    }

    func contradictions(asOf: CalendarDate, knownAt: String, scope: String?) throws -> [ContradictionRow] {
        try connection.execute("""
            SELECT scope, unit, kind, earlier_wording, earlier_as_of, earlier_speaker, earlier_source, earlier_lo, earlier_hi,
                   later_wording, later_as_of, later_speaker, later_source, later_lo, later_hi
            FROM reporting.contradictions_at($1::date, $2::timestamptz)
            WHERE $3::text IS NULL OR scope = $3
            """, [asOf, knownAt, scope]).decode()
    }

    // MARK: events

    /// timestamptz as the server prints it, and as a `Date`.
    struct ServerTimestamp: Decodable, LosslessStringConvertible {
        let description: String
        let date: Date
        init?(_ description: String) {
            guard let date = Timestamps.parse(description) else { return nil }
            self.description = description
            self.date = date
        }
    }

    struct EventRow: Decodable {
        let position: Int64
        let stream: String
        let version: Int64
        let eventId: UUID
        let type: String
        let recordedAt: ServerTimestamp
        /// The stored JSON, as jsonb prints it.
        let data: String
        let metadata: String
    }

    func events(after: Int64, stream: String?, knownAt: String, limit: Int) throws -> [EventRow] {
        try connection.execute("""
            SELECT position, stream, version, event_id, type, recorded_at, data, metadata FROM reporting.events
            WHERE position > $1 AND ($2::text IS NULL OR stream = $2) AND recorded_at <= $3::timestamptz
            ORDER BY position LIMIT $4
            """, [after, stream, knownAt, limit]).decode()
    }

    // MARK: search

    struct SearchHit: Codable {
        let source: String
        let title: String
        let publishedOn: CalendarDate
        let speaker: String?
        let url: String?
        let rank: Double
        let snippet: String
    }

    func search(_ query: String, knownAt: String, limit: Int) throws -> [SearchHit] {
        try connection.execute("""
            SELECT source, title, published_on, speaker, url, coalesce(rank, 0) AS rank, coalesce(snippet, '') AS snippet
            FROM reporting.search_sources($1, $2::timestamptz, $3)
            """, [query, knownAt, limit]).decode()
    }

    // MARK: scopes

    private struct Known: Decodable { let known: Bool }
    private struct Id: Decodable { let id: String }

    /// Whether SCOPE has claims, or is a programme or portfolio, at the two times; asked in that
    /// order, each only if the one before found nothing: each function computes every scope's estimate.
    func isKnownScope(_ scope: String, asOf: CalendarDate, knownAt: String) throws -> Bool {
        try connection.execute("""
            SELECT EXISTS (SELECT 1 FROM reporting.status_at($2::date, $3::timestamptz) WHERE scope = $1)
                OR EXISTS (SELECT 1 FROM reporting.programmes_at($2::date, $3::timestamptz) WHERE id = $1)
                OR EXISTS (SELECT 1 FROM reporting.portfolios_at($2::date, $3::timestamptz) WHERE id = $1) AS known
            """, [scope, asOf, knownAt]).decodeFirst(Known.self)?.known == true
    }

    /// Every portfolio and programme id at the two times.
    func scopeIds(asOf: CalendarDate, knownAt: String) throws -> [String] {
        try connection.execute("""
            SELECT id FROM reporting.portfolios_at($1::date, $2::timestamptz)
            UNION SELECT id FROM reporting.programmes_at($1::date, $2::timestamptz)
            """, [asOf, knownAt]).decode(Id.self).map(\.id)
    }

    // MARK: what a reader cannot see

    /// `reporting.reading_horizon()`: events committed behind a transaction still open, and how far
    /// the projections stand behind the log.
    struct Horizon: Decodable {
        let logPosition: Int64?
        let hiddenEvents: Int64?
        let projectionPosition: Int64?
        let projectionLag: Int64?
        let inRecovery: Bool?
        let holderPid: Int?
        let holderUser: String?
        let holderApplication: String?
        let holderState: String?
        let holderDatabase: String?
        let holderSince: String?
        let holderSeconds: Double?
    }

    /// One row, or nil when the function returned none.
    func readingHorizon() throws -> Horizon? {
        let result = try connection.execute("""
            SELECT log_position, hidden_events, projection_position, projection_lag, in_recovery,
                   holder_pid, holder_user, holder_application, holder_state, holder_database,
                   to_char(holder_since, 'YYYY-MM-DD HH24:MI:SS TZ') AS holder_since, holder_seconds
            FROM reporting.reading_horizon()
            """)
        return result.rowCount == 1 ? try result.decodeFirst() : nil
    }

    /// The oldest open transaction with an id, and what it runs if this login may see that.
    func oldestTransaction() throws -> DatabaseStatus.OpenTransaction? {
        try connection.execute("""
            SELECT h.holder_pid AS pid, coalesce(h.holder_seconds, 0) AS seconds, coalesce(h.holder_state, '') AS state,
                   coalesce((SELECT left(a.query, 200) FROM pg_stat_activity a WHERE a.pid = h.holder_pid), '') AS query,
                   coalesce(h.holder_user, '') AS user, coalesce(h.holder_application, '') AS application,
                   coalesce(h.holder_database, '') AS database
            FROM reporting.reading_horizon() h WHERE h.holder_pid IS NOT NULL
            """).decodeFirst()
    }

    // MARK: db status (the store's counts; what this login may read of them)

    private struct Count: Decodable { let count: Int64 }
    private struct Readable: Decodable { let readable: Bool }
    private struct ServerVersion: Decodable { let serverVersion: String }

    func serverVersion() throws -> String? {
        try connection.execute("SHOW server_version").decodeFirst(ServerVersion.self)?.serverVersion
    }

    /// Whether this login may read a table of schema store.
    func mayRead(_ table: String) throws -> Bool {
        try connection.execute("""
            SELECT CASE WHEN has_schema_privilege('store', 'USAGE') THEN has_table_privilege($1, 'SELECT') ELSE false END
                   AS readable
            """, table).decodeFirst(Readable.self)?.readable == true
    }

    func eventCount() throws -> Int64? {
        try connection.execute("SELECT count(*) FROM store.events").decodeFirst(Count.self)?.count
    }

    func streamCount() throws -> Int64? {
        try connection.execute("SELECT count(*) FROM store.streams WHERE version > 0").decodeFirst(Count.self)?.count
    }

    func readers() throws -> [DatabaseStatus.Reader] {
        try connection.execute("""
            SELECT c.name, c.position,
                   (SELECT count(*) FROM store.events e WHERE (e.tx, e.position) > (c.tx, c.position)) AS lag
            FROM store.checkpoints c ORDER BY c.name
            """).decode()
    }

    // MARK: the report

    func portfolios(asOf: CalendarDate, knownAt: String) throws -> [PortfolioInfo] {
        try connection.execute("""
            SELECT id, title, title_ru, approved_on, approved_by, period_start, period_end,
                   planned_programmes, planned_measures, programmes
            FROM reporting.portfolios_at($1::date, $2::timestamptz) ORDER BY period_start NULLS LAST, id
            """, [asOf, knownAt]).decode()
    }

    struct Programme: Decodable {
        let id, portfolio, title, status: String
        let completedOn: CalendarDate?
        let plannedMeasures: Int?
        let milestonesReached, milestonesPlanned: Int
    }

    /// In id order.
    func programmes(asOf: CalendarDate, knownAt: String) throws -> [Programme] {
        try connection.execute("""
            SELECT id, portfolio, title, status, milestones_reached, milestones_planned, completed_on, planned_measures
            FROM reporting.programmes_at($1::date, $2::timestamptz) ORDER BY id
            """, [asOf, knownAt]).decode()
    }

    struct Claim: Decodable {
        let claimId: UUID
        let scope, unit, wording: String
        let lo, hi: Double
        let loInclusive, hiInclusive: Bool
        let asOf: CalendarDate
        let speaker: String?
        let source: String
        let sourceTitle, sourceUrl: String?
        let quote: String?
    }

    /// The live claims on SCOPES, oldest first.
    func claims(_ scopes: [String], asOf: CalendarDate, knownAt: String) throws -> [Claim] {
        try connection.execute("""
            SELECT claim_id, scope, unit, wording, lo, hi, lo_inclusive, hi_inclusive, as_of,
                   speaker, source, source_title, source_url, quote
            FROM reporting.claims_at($2::date, $3::timestamptz)
            WHERE scope = ANY ($1::text[])
            ORDER BY as_of, position
            """, [scopes, asOf, knownAt]).decode()
    }

    struct ContradictingPair: Decodable {
        let scope, unit, kind: String
        let earlierClaimId, laterClaimId: UUID
    }

    func contradictingPairs(_ scopes: [String], asOf: CalendarDate, knownAt: String) throws -> [ContradictingPair] {
        try connection.execute("""
            SELECT scope, unit, kind, earlier_claim_id, later_claim_id
            FROM reporting.contradictions_at($1::date, $2::timestamptz) WHERE scope = ANY ($3::text[])
            """, [asOf, knownAt, scopes]).decode()
    }

    struct TimelineStep: Decodable {
        let scope, unit: String
        let date: CalendarDate
        let estimate: PercentInterval
        let disputed: Bool
    }

    /// SCOPES' timelines, step by step, by scope, unit and date.
    func timelines(_ scopes: [String], asOf: CalendarDate, knownAt: String) throws -> [TimelineStep] {
        try connection.execute("""
            SELECT scope, unit, date, estimate_lo, estimate_hi, estimate_lo_inclusive, estimate_hi_inclusive, disputed
            FROM reporting.progress_timeline_at($2::date, $3::timestamptz)
            WHERE scope = ANY ($1::text[])
            ORDER BY scope, unit, date
            """, [scopes, asOf, knownAt]).decode()
    }

    struct Milestone: Decodable {
        let programme: String
        let id, title: String
        let due, reachedOn: CalendarDate?
        let reachedSource: String?
    }

    /// PROGRAMMES' milestones, by programme, reached or due first.
    func milestones(_ programmes: [String], asOf: CalendarDate, knownAt: String) throws -> [Milestone] {
        try connection.execute("""
            SELECT programme, id, title, due, reached_on, reached_source
            FROM reporting.milestones_at($2::date, $3::timestamptz) WHERE programme = ANY ($1::text[])
            ORDER BY programme, coalesce(reached_on, due) NULLS LAST, id
            """, [programmes, asOf, knownAt]).decode()
    }

    /// The sources IDS, as they stood at known-at (one retracted since is still listed); the
    /// SHA-256 only of a text that is stored.
    func sources(_ ids: [String], asOf: CalendarDate, knownAt: String) throws -> [SourceRow] {
        try connection.execute("""
            SELECT id, title, published_on, speaker, publisher, url, CASE WHEN has_text THEN sha256 END AS sha256
            FROM reporting.sources_at($2::date, $3::timestamptz)
            WHERE id = ANY ($1::text[])
            ORDER BY published_on, id
            """, [ids, asOf, knownAt]).decode()
    }

    // MARK: evidence: extract and verify

    /// A source as `extract` reads it: its text from its latest `SourceAdded` event, as no
    /// reporting view carries texts.
    struct SourceToRead: Decodable {
        let publishedOn: CalendarDate
        let speaker: String?
        let text: String?
    }

    func sourceToRead(_ id: String) throws -> SourceToRead? {
        try connection.execute("""
            SELECT s.published_on, s.speaker,
                   (SELECT e.data ->> 'text' FROM reporting.events e
                    WHERE e.stream = $2 AND e.type = 'SourceAdded' ORDER BY e.position DESC LIMIT 1) AS text
            FROM reporting.sources s WHERE s.id = $1
            """, [id, StreamName.source(id).description]).decodeFirst()
    }

    func sourceIds() throws -> [String] {
        try connection.execute("SELECT id FROM reporting.sources ORDER BY id").decode(Id.self).map(\.id)
    }

    /// The portfolios and programmes a statement may name.
    struct NamedScope: Decodable {
        let id: String
        let title: String?
        let titleRu: String?
        let plannedProgrammes: Int?
    }

    func namedScopes() throws -> [NamedScope] {
        try connection.execute("""
            SELECT id, title, title_ru, planned_programmes FROM reporting.portfolios
            UNION ALL SELECT id, title, title_ru, NULL FROM reporting.programmes
            ORDER BY 1
            """).decode()
    }

    /// The events `verify` checks, in the log's order: every stored text and every claim.
    struct EvidenceEvent: Decodable {
        let position: Int64
        let eventId: UUID
        let type: String
        let schemaVersion: Int
        let data: String
    }

    func evidenceEvents() throws -> [EvidenceEvent] {
        try connection.execute("""
            SELECT position, event_id, type, schema_version, data FROM reporting.events
            WHERE type IN ('SourceAdded', 'ProgressClaimed') ORDER BY position
            """).decode()
    }

    // MARK: demo

    /// Every scope's standing, as the demo prints it.
    struct Standing: Decodable {
        let scope, unit: String
        let estimateLo, estimateHi: Double
        let estimateLoInclusive, estimateHiInclusive, disputed: Bool
        let claims: Int
        let lastClaimWording: String
        let lastClaimAsOf: CalendarDate
        let lastClaimSpeaker: String?
    }

    func standing(asOf: CalendarDate) throws -> [Standing] {
        try connection.execute("""
            SELECT scope, unit, estimate_lo, estimate_hi, estimate_lo_inclusive, estimate_hi_inclusive,
                   disputed, claims, last_claim_wording, last_claim_as_of, last_claim_speaker
            FROM reporting.status_at($1::date, now()) ORDER BY scope, unit
            """, [asOf]).decode()
    }

    struct MilestoneEvidence: Decodable {
        let scope: String
        let milestonesReached, milestonesPlanned: Int
    }

    func milestoneEvidence(asOf: CalendarDate) throws -> [MilestoneEvidence] {
        try connection.execute("""
            SELECT scope, milestones_reached, milestones_planned FROM reporting.evidence_at($1::date, now())
            WHERE milestones_planned > 0 ORDER BY scope
            """, [asOf]).decode()
    }

    /// Each claim and retraction of PORTFOLIO, with the estimate as known right after it was recorded.
    struct Recording: Decodable {
        let recordedAt: String
        let type: String
        let wording, asOf, reason: String?
        let estimateLo, estimateHi: Double?
        let estimateLoInclusive, estimateHiInclusive: Bool?
    }

    func recordings(of portfolio: String, asOf: CalendarDate) throws -> [Recording] {
        try connection.execute("""
            SELECT to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS recorded_at, e.type,
                   e.data ->> 'wording' AS wording, e.data ->> 'as_of' AS as_of, e.data ->> 'reason' AS reason,
                   s.estimate_lo, s.estimate_hi, s.estimate_lo_inclusive, s.estimate_hi_inclusive
            FROM reporting.events e
            LEFT JOIN LATERAL (SELECT * FROM reporting.status_at($1::date, e.recorded_at) t
                               WHERE t.scope = $2 AND t.unit = 'measures') s ON true
            WHERE e.stream = 'portfolio-' || $2 AND e.type IN ('ProgressClaimed', 'EventRetracted')
            ORDER BY e.recorded_at, e.position
            """, [asOf, portfolio]).decode()
    }
}
