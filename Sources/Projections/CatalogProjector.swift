import EventStore
import Foundation
import Postgres
import ProjectionCore
import Tracker

/// Portfolios, plan revisions, programmes, milestones and sources as they stand, with the time
/// each was retracted, if it was. `CatalogBatch` folds a batch's changes per row; this writes
/// them: whole rows as upserts, then one UPDATE per retraction and per changed earlier row.
struct CatalogProjector: Projector {
    static let name = "catalog"
    static let tables = CatalogTable.allCases.map(\.rawValue)

    /// Each table's columns in the table's order, its key first.
    static let columns: [CatalogTable: (keyCount: Int, names: [String])] = [
        .portfolios: (1, ["id", "title", "title_ru", "approved_on", "approved_by", "period_start", "period_end",
                          "planned_programmes", "planned_measures", "event_id", "recorded_at", "retracted_at"]),
        .planRevisions: (1, ["event_id", "portfolio", "revised_on", "planned_programmes", "planned_measures",
                             "source", "recorded_at", "retracted_at"]),
        .programmes: (1, ["id", "portfolio", "title", "title_ru", "lead", "planned_measures", "completed_on",
                          "completed_source", "completed_event_id", "event_id", "recorded_at", "retracted_at",
                          "completed_recorded_at", "completed_retracted_at"]),
        .milestones: (2, ["programme", "id", "title", "due", "reached_on", "reached_source", "reached_event_id",
                          "reached_recorded_at", "event_id", "recorded_at", "retracted_at", "reached_retracted_at"]),
        .sources: (1, ["id", "title", "published_on", "speaker", "publisher", "url", "sha256", "has_text",
                       "event_id", "recorded_at", "retracted_at", "text"]),
    ]

    let writer: ProjectionWriter
    private var batch = CatalogBatch()

    init(writer: ProjectionWriter) { self.writer = writer }

    mutating func apply(_ event: RecordedEvent, _ decoded: TrackerEvent) throws {
        batch.apply(ProjectionEvent(event, decoded))
    }

    /// The catalog holds nothing between batches: `more` changes nothing.
    mutating func finishBatch(more: Bool) throws {
        for change in batch.changes { try write(change) }
        batch = CatalogBatch()
    }

    private func write(_ change: CatalogChange) throws {
        switch change {
        case .upsert(let row):
            let (table, values) = Self.values(of: row)
            let (keyCount, names) = Self.columns[table]!
            writer.upsert(into: table.rawValue, columns: names, keyCount: keyCount, values)
        case .complete(let completion):
            let c = completion.fact, r = completion.recorded
            try writer.add("""
                UPDATE \(writer.table("programmes")) SET completed_on = $2, completed_source = $3, completed_event_id = $4,
                    completed_recorded_at = $5, completed_retracted_at = $6 WHERE id = $1
                """, [c.id, c.on, c.source, r.eventId, r.recordedAt, r.retractedAt])
        case .reach(let reach):
            let m = reach.fact, r = reach.recorded
            try writer.add("""
                UPDATE \(writer.table("milestones")) SET reached_on = $3, reached_source = $4, reached_event_id = $5,
                    reached_recorded_at = $6, reached_retracted_at = $7 WHERE programme = $1 AND id = $2
                """, [m.programme, m.id, m.on, m.source, r.eventId, r.recordedAt, r.retractedAt])
        case .retract(let record, let target, let at):
            let (table, column, retractedAt) = Self.columns(of: record)
            try writer.add("""
                UPDATE \(writer.table(table.rawValue)) SET \(retractedAt) = $2
                WHERE \(column) = $1 AND \(retractedAt) IS NULL
                """, [target, at])
        }
    }

    /// The table of a record, the column that names the event that made it, and the one that
    /// takes the time it was retracted.
    static func columns(of record: CatalogRecord) -> (CatalogTable, String, String) {
        switch record {
        case .portfolio: (.portfolios, "event_id", "retracted_at")
        case .planRevision: (.planRevisions, "event_id", "retracted_at")
        case .programme: (.programmes, "event_id", "retracted_at")
        case .completion: (.programmes, "completed_event_id", "completed_retracted_at")
        case .milestone: (.milestones, "event_id", "retracted_at")
        case .reach: (.milestones, "reached_event_id", "reached_retracted_at")
        case .source: (.sources, "event_id", "retracted_at")
        }
    }

    /// A row's values in its table's column order.
    static func values(of row: CatalogRow) -> (CatalogTable, ProjectionWriter.Row) {
        switch row {
        case .portfolio(let e, let r):
            (.portfolios, [e.id, e.title, e.titleRu, e.approvedOn, e.approvedBy, e.periodStart, e.periodEnd,
                           e.plannedProgrammes, e.plannedMeasures, r.eventId, r.recordedAt, r.retractedAt])
        case .planRevision(let e, let r):
            (.planRevisions, [r.eventId, e.id, e.on, e.plannedProgrammes, e.plannedMeasures, e.source, r.recordedAt, r.retractedAt])
        case .programme(let e, let r, let c):
            (.programmes, [e.id, e.portfolio, e.title, e.titleRu, e.lead, e.plannedMeasures, c?.fact.on, c?.fact.source,
                           c?.recorded.eventId, r.eventId, r.recordedAt, r.retractedAt, c?.recorded.recordedAt,
                           c?.recorded.retractedAt])
        case .milestone(let e, let r, let reach):
            (.milestones, [e.programme, e.id, e.title, e.due, reach?.fact.on, reach?.fact.source, reach?.recorded.eventId,
                           reach?.recorded.recordedAt, r.eventId, r.recordedAt, r.retractedAt, reach?.recorded.retractedAt])
        case .source(let e, let r):
            (.sources, [e.id, e.title, e.publishedOn, e.speaker, e.publisher, e.url, e.sha256, e.text != nil,
                        r.eventId, r.recordedAt, r.retractedAt, e.text])
        }
    }
}

extension ProjectionEvent {
    init(_ event: RecordedEvent, _ decoded: TrackerEvent) {
        self.init(id: event.id, position: event.position, recordedAt: event.recordedAt, payload: decoded)
    }
}
