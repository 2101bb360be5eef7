import EventStore
import Foundation
import Postgres
import Tracker

/// Portfolios, plan revisions, programmes, milestones and sources as they stand, with the time
/// each was retracted, if it was.
struct CatalogProjector: Projector {
    static let name = "catalog"
    static let tables = ["portfolios", "plan_revisions", "programmes", "milestones", "sources"]
    let writer: ProjectionWriter

    init(writer: ProjectionWriter) { self.writer = writer }

    mutating func apply(_ event: RecordedEvent, _ decoded: TrackerEvent) throws {
        let at = event.recordedAt
        switch decoded {
        case .portfolioDefined(let e):
            // A definition retracted and recorded again replaces the old row.
            writer.insertRow(into: "portfolios", columns: [
                ("id", "text"), ("title", "text"), ("title_ru", "text"), ("approved_on", "date"), ("approved_by", "text"),
                ("period_start", "date"), ("period_end", "date"), ("planned_programmes", "int"), ("planned_measures", "int"),
                ("event_id", "uuid"), ("recorded_at", "timestamptz"),
            ], [e.id, e.title, e.titleRu, e.approvedOn, e.approvedBy, e.periodStart, e.periodEnd,
                e.plannedProgrammes, e.plannedMeasures, event.id, at], suffix: """
                ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, title_ru = EXCLUDED.title_ru,
                    approved_on = EXCLUDED.approved_on, approved_by = EXCLUDED.approved_by,
                    period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end,
                    planned_programmes = EXCLUDED.planned_programmes, planned_measures = EXCLUDED.planned_measures,
                    event_id = EXCLUDED.event_id, recorded_at = EXCLUDED.recorded_at, retracted_at = NULL
                """)
        case .portfolioRevised(let e):
            writer.insertRow(into: "plan_revisions", columns: [
                ("event_id", "uuid"), ("portfolio", "text"), ("revised_on", "date"), ("planned_programmes", "int"),
                ("planned_measures", "int"), ("source", "text"), ("recorded_at", "timestamptz"),
            ], [event.id, e.id, e.on, e.plannedProgrammes, e.plannedMeasures, e.source, at])
        case .programmeAdded(let e):
            writer.insertRow(into: "programmes", columns: [
                ("id", "text"), ("portfolio", "text"), ("title", "text"), ("title_ru", "text"), ("lead", "text"),
                ("planned_measures", "int"), ("event_id", "uuid"), ("recorded_at", "timestamptz"),
            ], [e.id, e.portfolio, e.title, e.titleRu, e.lead, e.plannedMeasures, event.id, at], suffix: """
                ON CONFLICT (id) DO UPDATE SET portfolio = EXCLUDED.portfolio, title = EXCLUDED.title,
                    title_ru = EXCLUDED.title_ru, lead = EXCLUDED.lead, planned_measures = EXCLUDED.planned_measures,
                    completed_on = NULL, completed_source = NULL, completed_event_id = NULL,
                    event_id = EXCLUDED.event_id, recorded_at = EXCLUDED.recorded_at, retracted_at = NULL
                """)
        case .programmeCompleted(let e):
            writer.add("""
                UPDATE \(writer.table("programmes")) SET completed_on = $2, completed_source = $3, completed_event_id = $4
                WHERE id = $1
                """, [e.id, e.on, e.source, event.id])
        case .milestoneAdded(let e):
            writer.insertRow(into: "milestones", columns: [
                ("programme", "text"), ("id", "text"), ("title", "text"), ("due", "date"), ("event_id", "uuid"),
                ("recorded_at", "timestamptz"),
            ], [e.programme, e.id, e.title, e.due, event.id, at], suffix: """
                ON CONFLICT (programme, id) DO UPDATE SET title = EXCLUDED.title, due = EXCLUDED.due,
                    reached_on = NULL, reached_source = NULL, reached_event_id = NULL, reached_recorded_at = NULL,
                    event_id = EXCLUDED.event_id, recorded_at = EXCLUDED.recorded_at, retracted_at = NULL
                """)
        case .milestoneReached(let e):
            writer.add("""
                UPDATE \(writer.table("milestones")) SET reached_on = $3, reached_source = $4, reached_event_id = $5,
                    reached_recorded_at = $6
                WHERE programme = $1 AND id = $2
                """, [e.programme, e.id, e.on, e.source, event.id, at])
        case .sourceAdded(let e):
            writer.insertRow(into: "sources", columns: [
                ("id", "text"), ("title", "text"), ("published_on", "date"), ("speaker", "text"), ("publisher", "text"),
                ("url", "text"), ("sha256", "text"), ("has_text", "bool"), ("event_id", "uuid"), ("recorded_at", "timestamptz"),
            ], [e.id, e.title, e.publishedOn, e.speaker, e.publisher, e.url, e.sha256, e.text != nil, event.id, at], suffix: """
                ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, published_on = EXCLUDED.published_on,
                    speaker = EXCLUDED.speaker, publisher = EXCLUDED.publisher, url = EXCLUDED.url,
                    sha256 = EXCLUDED.sha256, has_text = EXCLUDED.has_text, event_id = EXCLUDED.event_id,
                    recorded_at = EXCLUDED.recorded_at, retracted_at = NULL
                """)
        case .eventRetracted(let e):
            try retract(e, at: at)
        case .progressClaimed:
            break
        }
    }

    private func retract(_ retraction: EventRetracted, at: Date) throws {
        let target = retraction.eventId
        let statement: String? = switch retraction.targetType {
        case PortfolioDefined.eventType: "UPDATE \(writer.table("portfolios")) SET retracted_at = $2 WHERE event_id = $1"
        case PortfolioRevised.eventType: "UPDATE \(writer.table("plan_revisions")) SET retracted_at = $2 WHERE event_id = $1"
        case ProgrammeAdded.eventType: "UPDATE \(writer.table("programmes")) SET retracted_at = $2 WHERE event_id = $1"
        case ProgrammeCompleted.eventType: """
            UPDATE \(writer.table("programmes")) SET completed_on = NULL, completed_source = NULL, completed_event_id = NULL
            WHERE completed_event_id = $1 AND $2::timestamptz IS NOT NULL
            """
        case MilestoneAdded.eventType: "UPDATE \(writer.table("milestones")) SET retracted_at = $2 WHERE event_id = $1"
        case MilestoneReached.eventType: """
            UPDATE \(writer.table("milestones")) SET reached_on = NULL, reached_source = NULL, reached_event_id = NULL,
                reached_recorded_at = NULL
            WHERE reached_event_id = $1 AND $2::timestamptz IS NOT NULL
            """
        case SourceAdded.eventType: "UPDATE \(writer.table("sources")) SET retracted_at = $2 WHERE event_id = $1"
        default: nil
        }
        if let statement { writer.add(statement, [target, at]) }
    }

    mutating func finishBatch() throws {}
}
