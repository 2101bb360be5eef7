import Foundation
import Tracker

/// A whole row of one of the catalog's tables, as its defining event and the later events that
/// changed it give it.
public enum CatalogRow: Hashable, Sendable {
    case portfolio(PortfolioDefined, RecordStamp)
    case planRevision(PortfolioRevised, RecordStamp)
    case programme(ProgrammeAdded, RecordStamp, completion: Completion?)
    case milestone(MilestoneAdded, RecordStamp, reach: Reach?)
    /// `sources.text` keeps the source's text for search.
    case source(SourceAdded, RecordStamp)

    public struct Completion: Hashable, Sendable {
        public var fact: ProgrammeCompleted
        public var recorded: RecordStamp
        public init(_ fact: ProgrammeCompleted, _ recorded: RecordStamp) { (self.fact, self.recorded) = (fact, recorded) }
    }

    public struct Reach: Hashable, Sendable {
        public var fact: MilestoneReached
        public var recorded: RecordStamp
        public init(_ fact: MilestoneReached, _ recorded: RecordStamp) { (self.fact, self.recorded) = (fact, recorded) }
    }

    public var key: CatalogKey {
        switch self {
        case .portfolio(let e, _): CatalogKey(.portfolios, e.id)
        case .planRevision(_, let recorded): CatalogKey(.planRevisions, recorded.eventId.uuidString)
        case .programme(let e, _, _): CatalogKey(.programmes, e.id)
        case .milestone(let e, _, _): CatalogKey(.milestones, e.programme, e.id)
        case .source(let e, _): CatalogKey(.sources, e.id)
        }
    }

    /// The record of the row's definition.
    public var recorded: RecordStamp {
        get {
            switch self {
            case .portfolio(_, let r), .planRevision(_, let r), .programme(_, let r, _), .milestone(_, let r, _), .source(_, let r): r
            }
        }
        set {
            switch self {
            case .portfolio(let e, _): self = .portfolio(e, newValue)
            case .planRevision(let e, _): self = .planRevision(e, newValue)
            case .programme(let e, _, let c): self = .programme(e, newValue, completion: c)
            case .milestone(let e, _, let r): self = .milestone(e, newValue, reach: r)
            case .source(let e, _): self = .source(e, newValue)
            }
        }
    }
}

public enum CatalogTable: String, Hashable, Sendable, CaseIterable {
    case portfolios, planRevisions = "plan_revisions", programmes, milestones, sources
}

/// A catalog row's key: its table and its key columns' values (a plan revision's, its event id).
public struct CatalogKey: Hashable, Sendable {
    public var table: CatalogTable
    public var values: [String]
    public init(_ table: CatalogTable, _ values: String...) { (self.table, self.values) = (table, values) }
}

/// The record a retraction takes effect on: a row, or a programme's completion or a milestone's reach.
public enum CatalogRecord: Hashable, Sendable {
    case portfolio, planRevision, programme, completion, milestone, reach, source

    /// The record an event of this type makes, if it makes a catalog record.
    public init?(eventType: String) {
        switch eventType {
        case PortfolioDefined.eventType: self = .portfolio
        case PortfolioRevised.eventType: self = .planRevision
        case ProgrammeAdded.eventType: self = .programme
        case ProgrammeCompleted.eventType: self = .completion
        case MilestoneAdded.eventType: self = .milestone
        case MilestoneReached.eventType: self = .reach
        case SourceAdded.eventType: self = .source
        default: return nil
        }
    }
}

/// What the catalog projection changes in its tables.
public enum CatalogChange: Hashable, Sendable {
    /// The whole row replaces the row of its key, if there is one.
    case upsert(CatalogRow)
    /// Sets the completion of the programme with this id, if there is one.
    case complete(CatalogRow.Completion)
    /// Sets the reach of the milestone, if there is one.
    case reach(CatalogRow.Reach)
    /// Marks the record that this event made retracted at `at`, unless it already is. The row
    /// keeps what was retracted, so a known-at before the retraction still sees it.
    case retract(CatalogRecord, eventId: UUID, at: Date)

    /// The change one event makes, alone.
    public static func of(_ event: ProjectionEvent) -> CatalogChange? {
        let recorded = RecordStamp(event)
        switch event.payload {
        case .portfolioDefined(let e): return .upsert(.portfolio(e, recorded))
        case .portfolioRevised(let e): return .upsert(.planRevision(e, recorded))
        case .programmeAdded(let e): return .upsert(.programme(e, recorded, completion: nil))
        case .programmeCompleted(let e): return .complete(.init(e, recorded))
        case .milestoneAdded(let e): return .upsert(.milestone(e, recorded, reach: nil))
        case .milestoneReached(let e): return .reach(.init(e, recorded))
        case .sourceAdded(let e): return .upsert(.source(e, recorded))
        case .eventRetracted(let e):
            guard let target = e.target, let record = CatalogRecord(eventType: e.targetType) else { return nil }
            return .retract(record, eventId: target, at: event.recordedAt)
        case .progressClaimed: return nil
        }
    }
}
