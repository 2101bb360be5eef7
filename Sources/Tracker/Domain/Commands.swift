/// The recording commands, one per CLI command. Fields hold what the user typed (dates and units as
/// text) so decide checks and parses them and fails with one kind of error; only a progress
/// claim's wording comes already parsed, by the CLI with `WordingParser` (see `ClaimProgress`).
public enum Command: Hashable, Sendable {
    case definePortfolio(DefinePortfolio)
    case revisePortfolio(RevisePortfolio)
    case addProgramme(AddProgramme)
    case completeProgramme(CompleteProgramme)
    case addMilestone(AddMilestone)
    case reachMilestone(ReachMilestone)
    case addSource(AddSource)
    case claimProgress(ClaimProgress)
    case retract(RetractEvent)

    /// The streams decide reads: load each into `DecisionContext.streams` first. A retraction also
    /// reads its target's stream, found by looking the event id up in the store.
    public var streamsToRead: [StreamName] {
        switch self {
        case .definePortfolio(let c):
            // A programme of the same id would make a claim's SCOPE ambiguous.
            [.portfolio(c.id), .programme(c.id)]
        case .revisePortfolio(let c):
            [.portfolio(c.id)] + (c.source.map { [.source($0)] } ?? [])
        case .addProgramme(let c):
            [.programme(c.id), .portfolio(c.portfolio), .portfolio(c.id)]
        case .completeProgramme(let c):
            [.programme(c.id)] + (c.source.map { [.source($0)] } ?? [])
        case .addMilestone(let c):
            [.programme(c.programme)]
        case .reachMilestone(let c):
            [.programme(c.programme)] + (c.source.map { [.source($0)] } ?? [])
        case .addSource(let c):
            [.source(c.id)]
        case .claimProgress(let c):
            [.portfolio(c.scope), .programme(c.scope), .source(c.source)]
        case .retract:
            []
        }
    }
}

/// `portfolio define ID --title T [--title-ru T] [--approved-on D] [--approved-by T] [--period D..D] [--programmes N] [--measures N]`
public struct DefinePortfolio: Hashable, Sendable {
    public var id: String
    public var title: String
    public var titleRu: String?
    public var approvedOn: String?
    public var approvedBy: String?
    /// `START..END`, e.g. `2021-01-01..2023-12-31`.
    public var period: String?
    public var plannedProgrammes: Int?
    public var plannedMeasures: Int?

    public init(
        id: String, title: String, titleRu: String? = nil, approvedOn: String? = nil,
        approvedBy: String? = nil, period: String? = nil, plannedProgrammes: Int? = nil,
        plannedMeasures: Int? = nil
    ) {
        self.id = id
        self.title = title
        self.titleRu = titleRu
        self.approvedOn = approvedOn
        self.approvedBy = approvedBy
        self.period = period
        self.plannedProgrammes = plannedProgrammes
        self.plannedMeasures = plannedMeasures
    }
}

/// `portfolio revise ID --on D [--programmes N] [--measures N] [--source S]`
public struct RevisePortfolio: Hashable, Sendable {
    public var id: String
    public var on: String
    public var plannedProgrammes: Int?
    public var plannedMeasures: Int?
    public var source: String?

    public init(
        id: String, on: String, plannedProgrammes: Int? = nil, plannedMeasures: Int? = nil,
        source: String? = nil
    ) {
        self.id = id
        self.on = on
        self.plannedProgrammes = plannedProgrammes
        self.plannedMeasures = plannedMeasures
        self.source = source
    }
}

/// `programme add ID --portfolio P --title T [--title-ru T] [--lead T] [--measures N]`
public struct AddProgramme: Hashable, Sendable {
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
}

/// `programme complete ID --on D [--source S]`
public struct CompleteProgramme: Hashable, Sendable {
    public var id: String
    public var on: String
    public var source: String?

    public init(id: String, on: String, source: String? = nil) {
        self.id = id
        self.on = on
        self.source = source
    }
}

/// `milestone add PROGRAMME ID --title T [--due D]`
public struct AddMilestone: Hashable, Sendable {
    public var programme: String
    public var id: String
    public var title: String
    public var due: String?

    public init(programme: String, id: String, title: String, due: String? = nil) {
        self.programme = programme
        self.id = id
        self.title = title
        self.due = due
    }
}

/// `milestone reach PROGRAMME ID --on D [--source S]`
public struct ReachMilestone: Hashable, Sendable {
    public var programme: String
    public var id: String
    public var on: String
    public var source: String?

    public init(programme: String, id: String, on: String, source: String? = nil) {
        self.programme = programme
        self.id = id
        self.on = on
        self.source = source
    }
}

/// `source add ID --title T --published-on D [--speaker P] [--publisher P] [--url U] [--file F]`
public struct AddSource: Hashable, Sendable {
    public var id: String
    public var title: String
    public var publishedOn: String
    public var speaker: String?
    public var publisher: String?
    public var url: String?
    /// The contents of `--file`, read by the CLI.
    public var text: String?
    /// Lowercase hex SHA-256 of `text` as UTF-8, computed by the caller (the domain has no crypto).
    public var sha256: String?

    public init(
        id: String, title: String, publishedOn: String, speaker: String? = nil,
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
}

/// `progress SCOPE "WORDING" --as-of D --source S [--unit U] [--speaker P] [--note T]`, with the
/// wording already parsed into an interval (and, for "7 of 28", its count and total).
public struct ClaimProgress: Hashable, Sendable {
    public var scope: String
    public var wording: String
    public var interval: PercentInterval
    public var count: Int?
    public var total: Int?
    /// Nil means the default, `measures`.
    public var unit: String?
    public var asOf: String
    public var source: String
    public var speaker: String?
    public var note: String?
    /// Words of the source's stored text that hold the wording; found as a reader would find them.
    public var quote: String?

    public init(
        scope: String, wording: String, interval: PercentInterval, count: Int? = nil,
        total: Int? = nil, unit: String? = nil, asOf: String, source: String,
        speaker: String? = nil, note: String? = nil, quote: String? = nil
    ) {
        self.scope = scope
        self.wording = wording
        self.interval = interval
        self.count = count
        self.total = total
        self.unit = unit
        self.asOf = asOf
        self.source = source
        self.speaker = speaker
        self.note = note
        self.quote = quote
    }
}

/// `retract EVENT_ID --reason T`
public struct RetractEvent: Hashable, Sendable {
    public var eventId: String
    public var reason: String

    public init(eventId: String, reason: String) {
        self.eventId = eventId
        self.reason = reason
    }
}
