import EventStore
import Foundation
import Postgres
import Tracker

/// Portfolios, plan revisions, programmes, milestones and sources as they stand, with the time
/// each was retracted, if it was.
///
/// A batch's changes are folded per row before they are written: a definition becomes a whole
/// row (an upsert) and what follows it in the batch changes that row in memory; changes to rows
/// of earlier batches become one UPDATE per row. A replay then costs a few statements per batch
/// rather than one per event, and gives the same tables as applying the events one by one.
struct CatalogProjector: Projector {
    static let name = "catalog"
    static let tables = ["portfolios", "plan_revisions", "programmes", "milestones", "sources"]

    /// Each table's columns in the table's order, its key first.
    static let columns: [String: (keyCount: Int, names: [String])] = [
        "portfolios": (1, ["id", "title", "title_ru", "approved_on", "approved_by", "period_start", "period_end",
                           "planned_programmes", "planned_measures", "event_id", "recorded_at", "retracted_at"]),
        "plan_revisions": (1, ["event_id", "portfolio", "revised_on", "planned_programmes", "planned_measures",
                               "source", "recorded_at", "retracted_at"]),
        "programmes": (1, ["id", "portfolio", "title", "title_ru", "lead", "planned_measures", "completed_on",
                           "completed_source", "completed_event_id", "event_id", "recorded_at", "retracted_at",
                           "completed_recorded_at", "completed_retracted_at"]),
        "milestones": (2, ["programme", "id", "title", "due", "reached_on", "reached_source", "reached_event_id",
                           "reached_recorded_at", "event_id", "recorded_at", "retracted_at", "reached_retracted_at"]),
        "sources": (1, ["id", "title", "published_on", "speaker", "publisher", "url", "sha256", "has_text",
                        "event_id", "recorded_at", "retracted_at", "text"]),
    ]

    private static let null: String? = nil

    /// Columns set on a row that an earlier batch wrote, in the order they were first set.
    private struct Change {
        let table: String
        let key: [String]
        var values: [(column: String, value: any PostgresParameter)]

        /// A later value of a column replaces the earlier one in place.
        mutating func set(_ column: String, _ value: any PostgresParameter) {
            if let existing = values.firstIndex(where: { $0.column == column }) {
                values[existing].value = value
            } else {
                values.append((column, value))
            }
        }
    }

    let writer: ProjectionWriter
    private var changes: [Change] = []
    /// The batch's events so far: a retraction of one of them is applied here, not in SQL.
    private var seen: Set<UUID> = []

    init(writer: ProjectionWriter) { self.writer = writer }

    mutating func apply(_ event: RecordedEvent, _ decoded: TrackerEvent) throws {
        let at = event.recordedAt
        switch decoded {
        case .portfolioDefined(let e):
            // A definition retracted and recorded again replaces the old row.
            define("portfolios", [e.id, e.title, e.titleRu, e.approvedOn, e.approvedBy, e.periodStart, e.periodEnd,
                                  e.plannedProgrammes, e.plannedMeasures, event.id, at, Self.null])
        case .portfolioRevised(let e):
            define("plan_revisions", [event.id, e.id, e.on, e.plannedProgrammes, e.plannedMeasures, e.source, at, Self.null])
        case .programmeAdded(let e):
            define("programmes", [e.id, e.portfolio, e.title, e.titleRu, e.lead, e.plannedMeasures, Self.null, Self.null, Self.null,
                                  event.id, at, Self.null, Self.null, Self.null])
        case .programmeCompleted(let e):
            change("programmes", key: [e.id], [("completed_on", e.on), ("completed_source", e.source),
                                               ("completed_event_id", event.id), ("completed_recorded_at", at),
                                               ("completed_retracted_at", Self.null)])
        case .milestoneAdded(let e):
            define("milestones", [e.programme, e.id, e.title, e.due, Self.null, Self.null, Self.null, Self.null, event.id, at, Self.null,
                                  Self.null])
        case .milestoneReached(let e):
            change("milestones", key: [e.programme, e.id], [
                ("reached_on", e.on), ("reached_source", e.source), ("reached_event_id", event.id), ("reached_recorded_at", at),
                ("reached_retracted_at", Self.null),
            ])
        case .sourceAdded(let e):
            define("sources", [e.id, e.title, e.publishedOn, e.speaker, e.publisher, e.url, e.sha256, e.text != nil,
                               event.id, at, Self.null, e.text])
        case .eventRetracted(let e):
            try retract(e, at: at)
        case .progressClaimed:
            return
        }
        seen.insert(event.id)
    }

    private mutating func define(_ table: String, _ values: [any PostgresParameter]) {
        let (keyCount, names) = Self.columns[table]!
        writer.upsert(into: table, columns: names, keyCount: keyCount, values)
        let key = values[..<keyCount].map { $0.postgresText ?? "" }
        // The whole row overwrites every column an earlier change of the batch set.
        changes.removeAll { $0.table == table && $0.key == key }
    }

    /// Sets columns of the row with this key: of the waiting upsert if the batch defined it,
    /// else of the row an earlier batch wrote (nothing if there is none, as with UPDATE).
    private mutating func change(_ table: String, key: [String], _ values: [(String, any PostgresParameter)]) {
        let names = Self.columns[table]!.names
        let defined = writer.changeWaiting(table, key: key) { row in
            for (column, value) in values { row[names.firstIndex(of: column)!] = value }
        }
        if defined { return }
        let at = changes.firstIndex { $0.table == table && $0.key == key } ?? {
            changes.append(Change(table: table, key: key, values: []))
            return changes.count - 1
        }()
        for (column, value) in values { changes[at].set(column, value) }
    }

    private mutating func retract(_ retraction: EventRetracted, at: Date) throws {
        let target = retraction.eventId
        // Which table, which column names the retracted event, and which column takes the
        // retraction's time. The row keeps what was retracted, so a known-at before it sees it.
        let effect: (table: String, column: String, retractedAt: String)? = switch retraction.targetType {
        case PortfolioDefined.eventType: ("portfolios", "event_id", "retracted_at")
        case PortfolioRevised.eventType: ("plan_revisions", "event_id", "retracted_at")
        case ProgrammeAdded.eventType: ("programmes", "event_id", "retracted_at")
        case ProgrammeCompleted.eventType: ("programmes", "completed_event_id", "completed_retracted_at")
        case MilestoneAdded.eventType: ("milestones", "event_id", "retracted_at")
        case MilestoneReached.eventType: ("milestones", "reached_event_id", "reached_retracted_at")
        case SourceAdded.eventType: ("sources", "event_id", "retracted_at")
        default: nil
        }
        guard let effect else { return }
        guard let id = retraction.target, seen.contains(id) else {
            // Retracts a row of an earlier batch. It may run before or after what the batch does
            // to that row (upserts go first, changes last) with the same result: a definition
            // overwrites what this sets, and a change of the same columns names another event,
            // so this no longer matches it. A second retraction of the same event changes nothing.
            try writer.add("""
                UPDATE \(writer.table(effect.table)) SET \(effect.retractedAt) = $2
                WHERE \(effect.column) = $1 AND \(effect.retractedAt) IS NULL
                """, [target, at])
            return
        }
        let targetText = id.postgresText!
        let names = Self.columns[effect.table]!.names
        let column = names.firstIndex(of: effect.column)!, retractedAt = names.firstIndex(of: effect.retractedAt)!
        writer.changeWaiting(effect.table, where: { $0[column].postgresText == targetText && $0[retractedAt].postgresText == nil }) { row in
            row[retractedAt] = at
        }
        for index in changes.indices where changes[index].table == effect.table
            && changes[index].values.contains(where: { $0.column == effect.column && $0.value.postgresText == targetText })
            && !changes[index].values.contains(where: { $0.column == effect.retractedAt && $0.value.postgresText != nil }) {
            changes[index].set(effect.retractedAt, at)
        }
    }

    /// The changes to rows of earlier batches, one UPDATE each.
    mutating func finishBatch() throws {
        for change in changes {
            let (keyCount, names) = Self.columns[change.table]!
            let assignments = change.values.enumerated().map { "\($1.column) = $\($0 + keyCount + 1)" }
            let keys = names[..<keyCount].enumerated().map { "\($1) = $\($0 + 1)" }
            try writer.add("UPDATE \(writer.table(change.table)) SET \(assignments.joined(separator: ", ")) WHERE \(keys.joined(separator: " AND "))",
                           change.key.map { $0 as any PostgresParameter } + change.values.map { $0.value })
        }
        changes = []
        seen = []
    }
}
