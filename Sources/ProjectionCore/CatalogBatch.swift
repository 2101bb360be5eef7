import Foundation
import Tracker

/// A batch's catalog changes folded per row, so that a replay costs a few statements per batch
/// rather than one per event, with the same tables as applying the changes one by one.
///
/// A definition becomes a whole row (an upsert) that what follows it in the batch changes in
/// memory; changes to rows of earlier batches become one update per row; retractions of records
/// of earlier batches stay statements of their own.
public struct CatalogBatch: Sendable {
    /// Rows defined in the batch, the last per key, in the order their keys first came.
    private var rows: [CatalogRow] = []
    private var rowIndex: [CatalogKey: Int] = [:]
    /// Completions and reaches of rows of earlier batches, the last per key.
    private var updates: [CatalogChange] = []
    private var updateIndex: [CatalogKey: Int] = [:]
    /// Retractions of records of earlier batches, in order.
    private var retractions: [CatalogChange] = []
    /// The batch's events so far: a retraction of one of them is folded here.
    private var seen: Set<UUID> = []

    public init() {}

    public mutating func apply(_ event: ProjectionEvent) {
        if let change = CatalogChange.of(event) { add(change) }
        seen.insert(event.id)
    }

    /// The folded changes: the upserts, then the retractions, then the updates. A retraction of
    /// a record of an earlier batch may run before or after what the batch does to its row with
    /// the same result: an upsert overwrites what it sets, and an update of the same record
    /// names another event, so it no longer matches. A second retraction changes nothing.
    public var changes: [CatalogChange] { rows.map { .upsert($0) } + retractions + updates }

    mutating func add(_ change: CatalogChange) {
        switch change {
        case .upsert(let row):
            let key = row.key
            if let at = rowIndex[key] { rows[at] = row } else {
                rowIndex[key] = rows.count
                rows.append(row)
            }
            // The whole row overwrites what an earlier change of the batch set.
            if let at = updateIndex.removeValue(forKey: key) {
                updates.remove(at: at)
                for (other, index) in updateIndex where index > at { updateIndex[other] = index - 1 }
            }
        case .complete(let completion):
            let key = CatalogKey(.programmes, completion.fact.id)
            if let at = rowIndex[key], case .programme(let e, let r, _) = rows[at] {
                rows[at] = .programme(e, r, completion: completion)
            } else {
                setUpdate(change, key: key)
            }
        case .reach(let reach):
            let key = CatalogKey(.milestones, reach.fact.programme, reach.fact.id)
            if let at = rowIndex[key], case .milestone(let e, let r, _) = rows[at] {
                rows[at] = .milestone(e, r, reach: reach)
            } else {
                setUpdate(change, key: key)
            }
        case .retract(let record, let target, let at):
            guard seen.contains(target) else { return retractions.append(change) }
            for index in rows.indices { rows[index].retract(record, target, at: at) }
            for index in updates.indices { updates[index].retract(record, target, at: at) }
        }
    }

    private mutating func setUpdate(_ change: CatalogChange, key: CatalogKey) {
        if let at = updateIndex[key] { updates[at] = change } else {
            updateIndex[key] = updates.count
            updates.append(change)
        }
    }
}

extension RecordStamp {
    /// Retracted at `at` if this event made it and it is not retracted yet.
    mutating func retract(_ target: UUID, at: Date) {
        if eventId == target && retractedAt == nil { retractedAt = at }
    }
}

extension CatalogRow {
    /// Marks `record` retracted at `at` where this row holds it as made by `target`.
    mutating func retract(_ record: CatalogRecord, _ target: UUID, at: Date) {
        switch (record, self) {
        case (.portfolio, .portfolio), (.planRevision, .planRevision), (.programme, .programme),
             (.milestone, .milestone), (.source, .source):
            recorded.retract(target, at: at)
        case (.completion, .programme(let e, let r, var completion?)):
            completion.recorded.retract(target, at: at)
            self = .programme(e, r, completion: completion)
        case (.reach, .milestone(let e, let r, var reach?)):
            reach.recorded.retract(target, at: at)
            self = .milestone(e, r, reach: reach)
        default:
            break
        }
    }
}

extension CatalogChange {
    /// The same, for a completion or reach still waiting as an update.
    mutating func retract(_ record: CatalogRecord, _ target: UUID, at: Date) {
        switch (record, self) {
        case (.completion, .complete(var completion)):
            completion.recorded.retract(target, at: at)
            self = .complete(completion)
        case (.reach, .reach(var reach)):
            reach.recorded.retract(target, at: at)
            self = .reach(reach)
        default:
            break
        }
    }
}
