import Foundation

/// What every event payload shares: a stable type name and the schema version its JSON is written in.
/// Bump `schemaVersion` when the JSON changes shape, and add an `Upcaster` from the old shape.
public protocol EventPayload: Codable, Hashable, Sendable {
    static var eventType: String { get }
    static var schemaVersion: Int { get }
    var event: TrackerEvent { get }
}

public struct PortfolioDefined: EventPayload {
    public static let eventType = "PortfolioDefined"
    public static let schemaVersion = 1

    public var id: String
    public var title: String
    public var titleRu: String?
    public var approvedOn: CalendarDate?
    public var approvedBy: String?
    public var periodStart: CalendarDate?
    public var periodEnd: CalendarDate?
    public var plannedProgrammes: Int?
    public var plannedMeasures: Int?

    public init(
        id: String, title: String, titleRu: String? = nil, approvedOn: CalendarDate? = nil,
        approvedBy: String? = nil, periodStart: CalendarDate? = nil, periodEnd: CalendarDate? = nil,
        plannedProgrammes: Int? = nil, plannedMeasures: Int? = nil
    ) {
        self.id = id
        self.title = title
        self.titleRu = titleRu
        self.approvedOn = approvedOn
        self.approvedBy = approvedBy
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.plannedProgrammes = plannedProgrammes
        self.plannedMeasures = plannedMeasures
    }

    enum CodingKeys: String, CodingKey {
        case id, title
        case titleRu = "title_ru"
        case approvedOn = "approved_on"
        case approvedBy = "approved_by"
        case periodStart = "period_start"
        case periodEnd = "period_end"
        case plannedProgrammes = "planned_programmes"
        case plannedMeasures = "planned_measures"
    }

    public var event: TrackerEvent { .portfolioDefined(self) }
}

/// New planned totals from a date on: a new baseline for contradictions.
public struct PortfolioRevised: EventPayload {
    public static let eventType = "PortfolioRevised"
    public static let schemaVersion = 1

    public var id: String
    public var on: CalendarDate
    public var plannedProgrammes: Int?
    public var plannedMeasures: Int?
    public var source: String?

    public init(
        id: String, on: CalendarDate, plannedProgrammes: Int? = nil, plannedMeasures: Int? = nil,
        source: String? = nil
    ) {
        self.id = id
        self.on = on
        self.plannedProgrammes = plannedProgrammes
        self.plannedMeasures = plannedMeasures
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case id, on, source
        case plannedProgrammes = "planned_programmes"
        case plannedMeasures = "planned_measures"
    }

    public var event: TrackerEvent { .portfolioRevised(self) }
}

public struct ProgrammeAdded: EventPayload {
    public static let eventType = "ProgrammeAdded"
    public static let schemaVersion = 1

    public var id: String
    public var portfolio: String
    public var title: String
    public var titleRu: String?
    public var lead: String?
    public var plannedMeasures: Int?

    public init(
        id: String, portfolio: String, title: String, titleRu: String? = nil, lead: String? = nil,
        plannedMeasures: Int? = nil
    ) {
        self.id = id
        self.portfolio = portfolio
        self.title = title
        self.titleRu = titleRu
        self.lead = lead
        self.plannedMeasures = plannedMeasures
    }

    enum CodingKeys: String, CodingKey {
        case id, portfolio, title, lead
        case titleRu = "title_ru"
        case plannedMeasures = "planned_measures"
    }

    public var event: TrackerEvent { .programmeAdded(self) }
}

public struct ProgrammeCompleted: EventPayload {
    public static let eventType = "ProgrammeCompleted"
    public static let schemaVersion = 1

    public var id: String
    public var on: CalendarDate
    public var source: String?

    public init(id: String, on: CalendarDate, source: String? = nil) {
        self.id = id
        self.on = on
        self.source = source
    }

    public var event: TrackerEvent { .programmeCompleted(self) }
}

public struct MilestoneAdded: EventPayload {
    public static let eventType = "MilestoneAdded"
    public static let schemaVersion = 1

    public var programme: String
    public var id: String
    public var title: String
    public var due: CalendarDate?

    public init(programme: String, id: String, title: String, due: CalendarDate? = nil) {
        self.programme = programme
        self.id = id
        self.title = title
        self.due = due
    }

    public var event: TrackerEvent { .milestoneAdded(self) }
}

public struct MilestoneReached: EventPayload {
    public static let eventType = "MilestoneReached"
    public static let schemaVersion = 1

    public var programme: String
    public var id: String
    public var on: CalendarDate
    public var source: String?

    public init(programme: String, id: String, on: CalendarDate, source: String? = nil) {
        self.programme = programme
        self.id = id
        self.on = on
        self.source = source
    }

    public var event: TrackerEvent { .milestoneReached(self) }
}

public struct SourceAdded: EventPayload {
    public static let eventType = "SourceAdded"
    public static let schemaVersion = 1

    public var id: String
    public var title: String
    public var publishedOn: CalendarDate
    public var speaker: String?
    public var publisher: String?
    public var url: String?
    public var text: String?
    /// Lowercase hex SHA-256 of `text` as UTF-8, so a stored text can be checked against its document.
    public var sha256: String?

    public init(
        id: String, title: String, publishedOn: CalendarDate, speaker: String? = nil,
        publisher: String? = nil, url: String? = nil, text: String? = nil, sha256: String? = nil
    ) {
        self.id = id
        self.title = title
        self.publishedOn = publishedOn
        self.speaker = speaker
        self.publisher = publisher
        self.url = url
        self.text = text
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey {
        case id, title, speaker, publisher, url, text, sha256
        case publishedOn = "published_on"
    }

    public var event: TrackerEvent { .sourceAdded(self) }
}

/// A statement of how far a scope is. The interval is stored flat (`lo`, `hi`, `lo_inclusive`,
/// `hi_inclusive`) so SQL reads it without unpacking.
public struct ProgressClaimed: EventPayload {
    public static let eventType = "ProgressClaimed"
    public static let schemaVersion = 1

    public var scope: String
    public var scopeKind: ScopeKind
    public var wording: String
    public var lo: Double
    public var hi: Double
    public var loInclusive: Bool
    public var hiInclusive: Bool
    /// "7 of 28": the figures behind an exact share, kept as said.
    public var count: Int?
    public var total: Int?
    public var unit: ClaimUnit
    public var asOf: CalendarDate
    public var source: String
    public var speaker: String?
    public var note: String?
    /// The passage of the source's stored text that says it, as the text spells it, and where it
    /// lies there (`QuoteSpan`); nil for a claim recorded without a quote.
    public var quote: String?
    public var quoteStart: Int?
    public var quoteEnd: Int?

    public init(
        scope: String, scopeKind: ScopeKind, wording: String, interval: PercentInterval,
        count: Int? = nil, total: Int? = nil, unit: ClaimUnit, asOf: CalendarDate, source: String,
        speaker: String? = nil, note: String? = nil, quote: String? = nil, quoteSpan: QuoteSpan? = nil
    ) {
        self.scope = scope
        self.scopeKind = scopeKind
        self.wording = wording
        self.lo = interval.lo
        self.hi = interval.hi
        self.loInclusive = interval.loInclusive
        self.hiInclusive = interval.hiInclusive
        self.count = count
        self.total = total
        self.unit = unit
        self.asOf = asOf
        self.source = source
        self.speaker = speaker
        self.note = note
        self.quote = quote
        self.quoteStart = quoteSpan?.start
        self.quoteEnd = quoteSpan?.end
    }

    public var quoteSpan: QuoteSpan? {
        guard let quoteStart, let quoteEnd else { return nil }
        return QuoteSpan(start: quoteStart, end: quoteEnd)
    }

    public var interval: PercentInterval {
        PercentInterval(lo: lo, hi: hi, loInclusive: loInclusive, hiInclusive: hiInclusive)
    }

    enum CodingKeys: String, CodingKey {
        case scope, wording, lo, hi, count, total, unit, source, speaker, note, quote
        case quoteStart = "quote_start"
        case quoteEnd = "quote_end"
        case scopeKind = "scope_kind"
        case loInclusive = "lo_inclusive"
        case hiInclusive = "hi_inclusive"
        case asOf = "as_of"
    }

    public var event: TrackerEvent { .progressClaimed(self) }
}

/// Withdraws an earlier event of the same stream; nothing is ever edited or deleted.
public struct EventRetracted: EventPayload {
    public static let eventType = "EventRetracted"
    public static let schemaVersion = 1

    /// The target's event id, lowercase as PostgreSQL prints a uuid.
    public var eventId: String
    public var targetType: String
    public var reason: String

    public init(eventId: String, targetType: String, reason: String) {
        self.eventId = eventId
        self.targetType = targetType
        self.reason = reason
    }

    public var target: UUID? { UUID(uuidString: eventId) }

    enum CodingKeys: String, CodingKey {
        case reason
        case eventId = "event_id"
        case targetType = "target_type"
    }

    public var event: TrackerEvent { .eventRetracted(self) }
}
