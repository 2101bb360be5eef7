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
            try writer.add("""
                INSERT INTO \(writer.table("portfolios")) (id, title, title_ru, approved_on, approved_by, period_start,
                    period_end, planned_programmes, planned_measures, event_id, recorded_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, title_ru = EXCLUDED.title_ru,
                    approved_on = EXCLUDED.approved_on, approved_by = EXCLUDED.approved_by,
                    period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end,
                    planned_programmes = EXCLUDED.planned_programmes, planned_measures = EXCLUDED.planned_measures,
                    event_id = EXCLUDED.event_id, recorded_at = EXCLUDED.recorded_at, retracted_at = NULL
                """, [e.id, e.title, e.titleRu, e.approvedOn, e.approvedBy, e.periodStart, e.periodEnd,
                      e.plannedProgrammes, e.plannedMeasures, event.id, at])
        case .portfolioRevised(let e):
            writer.insert(into: "plan_revisions", columns: [
                "event_id", "portfolio", "revised_on", "planned_programmes", "planned_measures", "source", "recorded_at",
            ], [event.id, e.id, e.on, e.plannedProgrammes, e.plannedMeasures, e.source, at])
        case .programmeAdded(let e):
            try writer.add("""
                INSERT INTO \(writer.table("programmes")) (id, portfolio, title, title_ru, lead, planned_measures,
                    event_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (id) DO UPDATE SET portfolio = EXCLUDED.portfolio, title = EXCLUDED.title,
                    title_ru = EXCLUDED.title_ru, lead = EXCLUDED.lead, planned_measures = EXCLUDED.planned_measures,
                    completed_on = NULL, completed_source = NULL, completed_event_id = NULL,
                    event_id = EXCLUDED.event_id, recorded_at = EXCLUDED.recorded_at, retracted_at = NULL
                """, [e.id, e.portfolio, e.title, e.titleRu, e.lead, e.plannedMeasures, event.id, at])
        case .programmeCompleted(let e):
            try writer.add("""
                UPDATE \(writer.table("programmes")) SET completed_on = $2, completed_source = $3, completed_event_id = $4
                WHERE id = $1
                """, [e.id, e.on, e.source, event.id])
        case .milestoneAdded(let e):
            try writer.add("""
                INSERT INTO \(writer.table("milestones")) (programme, id, title, due, event_id, recorded_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (programme, id) DO UPDATE SET title = EXCLUDED.title, due = EXCLUDED.due,
                    reached_on = NULL, reached_source = NULL, reached_event_id = NULL, reached_recorded_at = NULL,
                    event_id = EXCLUDED.event_id, recorded_at = EXCLUDED.recorded_at, retracted_at = NULL
                """, [e.programme, e.id, e.title, e.due, event.id, at])
        case .milestoneReached(let e):
            try writer.add("""
                UPDATE \(writer.table("milestones")) SET reached_on = $3, reached_source = $4, reached_event_id = $5,
                    reached_recorded_at = $6
                WHERE programme = $1 AND id = $2
                """, [e.programme, e.id, e.on, e.source, event.id, at])
        case .sourceAdded(let e):
            try writer.add("""
                INSERT INTO \(writer.table("sources")) (id, title, published_on, speaker, publisher, url, sha256,
                    has_text, event_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, published_on = EXCLUDED.published_on,
                    speaker = EXCLUDED.speaker, publisher = EXCLUDED.publisher, url = EXCLUDED.url,
                    sha256 = EXCLUDED.sha256, has_text = EXCLUDED.has_text, event_id = EXCLUDED.event_id,
                    recorded_at = EXCLUDED.recorded_at, retracted_at = NULL
                """, [e.id, e.title, e.publishedOn, e.speaker, e.publisher, e.url, e.sha256, e.text != nil, event.id, at])
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
        if let statement { try writer.add(statement, [target, at]) }
    }

    mutating func finishBatch() throws {}
}
