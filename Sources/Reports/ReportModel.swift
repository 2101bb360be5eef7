import Foundation
import Tracker

/// Everything a progress report shows, read from the reporting schema at one (as-of, known-at)
/// pair. Pure data: the renderers (Markdown, HTML, JSON, CSV, SVG and terminal charts) only
/// format it, so they can be tested without a database.
public struct Report: Hashable, Sendable, Codable {
    public var title: String
    /// The portfolio the report is about, or the one its programme belongs to.
    public var portfolio: PortfolioInfo?
    /// Every portfolio the report covers: `portfolio` alone, or all of them in a report on everything.
    public var portfolios: [PortfolioInfo]
    /// The scope asked for; nil for a report on everything.
    public var scope: String?
    public var asOf: CalendarDate
    /// When the knowledge was cut, as ISO 8601 text, or nil for "now".
    public var knownAt: String?
    public var generatedAt: String
    public var summary: [ScopeSummary]
    public var timelines: [Timeline]
    public var programmes: [ProgrammeRow]
    public var burnUps: [BurnUp]
    public var contradictions: [ContradictionRow]
    /// Every live claim in date order.
    public var claims: [ClaimMark]
    public var sources: [SourceRow]

    public init(title: String, portfolio: PortfolioInfo?, portfolios: [PortfolioInfo]? = nil, scope: String?,
                asOf: CalendarDate, knownAt: String?, generatedAt: String, summary: [ScopeSummary], timelines: [Timeline],
                programmes: [ProgrammeRow], burnUps: [BurnUp], contradictions: [ContradictionRow], claims: [ClaimMark],
                sources: [SourceRow]) {
        self.title = title
        self.portfolio = portfolio
        self.portfolios = portfolios ?? (portfolio.map { [$0] } ?? [])
        self.scope = scope
        self.asOf = asOf
        self.knownAt = knownAt
        self.generatedAt = generatedAt
        self.summary = summary
        self.timelines = timelines
        self.programmes = programmes
        self.burnUps = burnUps
        self.contradictions = contradictions
        self.claims = claims
        self.sources = sources
    }
}

public struct PortfolioInfo: Hashable, Sendable, Codable {
    public var id: String
    public var title: String
    public var titleRu: String?
    public var approvedOn: CalendarDate?
    public var approvedBy: String?
    public var periodStart: CalendarDate?
    public var periodEnd: CalendarDate?
    public var plannedProgrammes: Int?
    public var plannedMeasures: Int?
    /// How many of its programmes are recorded; nil when not known.
    public var programmes: Int?

    public init(id: String, title: String, titleRu: String? = nil, approvedOn: CalendarDate? = nil, approvedBy: String? = nil,
                periodStart: CalendarDate? = nil, periodEnd: CalendarDate? = nil, plannedProgrammes: Int? = nil,
                plannedMeasures: Int? = nil, programmes: Int? = nil) {
        self.id = id
        self.title = title
        self.titleRu = titleRu
        self.approvedOn = approvedOn
        self.approvedBy = approvedBy
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.plannedProgrammes = plannedProgrammes
        self.plannedMeasures = plannedMeasures
        self.programmes = programmes
    }
}

/// A claim as a report shows it.
public struct ClaimMark: Hashable, Sendable, Codable {
    public var id: UUID
    public var scope: String
    public var unit: String
    public var wording: String
    public var interval: PercentInterval
    public var asOf: CalendarDate
    public var speaker: String?
    public var source: String
    public var sourceTitle: String?
    public var sourceURL: String?
    /// True when it takes part in a contradiction.
    public var contradicted: Bool
    /// The passage of the source's stored text that says it, when the claim was pinned to one.
    public var quote: String?

    public init(id: UUID, scope: String, unit: String, wording: String, interval: PercentInterval, asOf: CalendarDate,
                speaker: String?, source: String, sourceTitle: String?, sourceURL: String?, contradicted: Bool,
                quote: String? = nil) {
        self.id = id
        self.scope = scope
        self.unit = unit
        self.wording = wording
        self.interval = interval
        self.asOf = asOf
        self.speaker = speaker
        self.source = source
        self.sourceTitle = sourceTitle
        self.sourceURL = sourceURL
        self.contradicted = contradicted
        self.quote = quote
    }

    /// `sourceUrl` so that snake_case conversion gives `source_url` and reads it back; the id in
    /// lowercase, as every id ustrack prints.
    enum CodingKeys: String, CodingKey {
        case id, scope, unit, wording, interval, asOf, speaker, source, sourceTitle, sourceURL = "sourceUrl", contradicted, quote
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.uuidString.lowercased(), forKey: .id)
        try container.encode(scope, forKey: .scope)
        try container.encode(unit, forKey: .unit)
        try container.encode(wording, forKey: .wording)
        try container.encode(interval, forKey: .interval)
        try container.encode(asOf, forKey: .asOf)
        try container.encodeIfPresent(speaker, forKey: .speaker)
        try container.encode(source, forKey: .source)
        try container.encodeIfPresent(sourceTitle, forKey: .sourceTitle)
        try container.encodeIfPresent(sourceURL, forKey: .sourceURL)
        try container.encode(contradicted, forKey: .contradicted)
        try container.encodeIfPresent(quote, forKey: .quote)
    }
}

/// Where one scope stands in one unit.
public struct ScopeSummary: Hashable, Sendable, Codable {
    public var scope: String
    public var unit: String
    public var estimate: PercentInterval
    public var disputed: Bool
    public var claims: Int
    /// The estimate before the last claim, to say what changed; nil when the last claim was the first.
    public var previousEstimate: PercentInterval?
    public var lastClaim: ClaimMark
    public var contradictions: Int

    public init(scope: String, unit: String, estimate: PercentInterval, disputed: Bool, claims: Int,
                previousEstimate: PercentInterval?, lastClaim: ClaimMark, contradictions: Int) {
        self.scope = scope
        self.unit = unit
        self.estimate = estimate
        self.disputed = disputed
        self.claims = claims
        self.previousEstimate = previousEstimate
        self.lastClaim = lastClaim
        self.contradictions = contradictions
    }
}

/// The estimate of one scope and unit over time, stepping at each claim date.
public struct Timeline: Hashable, Sendable, Codable {
    public struct Step: Hashable, Sendable, Codable {
        public var date: CalendarDate
        public var estimate: PercentInterval
        public var disputed: Bool
        public init(date: CalendarDate, estimate: PercentInterval, disputed: Bool) {
            self.date = date
            self.estimate = estimate
            self.disputed = disputed
        }
    }

    public var scope: String
    public var unit: String
    public var steps: [Step]
    /// The claims of this scope and unit, each a mark at its as-of date.
    public var claims: [ClaimMark]

    public init(scope: String, unit: String, steps: [Step], claims: [ClaimMark]) {
        self.scope = scope
        self.unit = unit
        self.steps = steps
        self.claims = claims
    }
}

public struct ProgrammeRow: Hashable, Sendable, Codable {
    public var id: String
    public var title: String
    /// Its portfolio's id; nil when not known.
    public var portfolio: String?
    /// `completed` or `in progress`, as `reporting.programmes` says; `ReportSentences.status` words it.
    public var status: String
    public var completedOn: CalendarDate?
    public var plannedMeasures: Int?
    /// The current estimate of measures (or content where measures were never claimed); nil: no claim yet.
    public var estimate: PercentInterval?
    public var estimateUnit: String?
    public var lastClaim: String?
    public var milestonesReached: Int
    public var milestonesPlanned: Int

    public init(id: String, title: String, portfolio: String? = nil, status: String, completedOn: CalendarDate? = nil,
                plannedMeasures: Int? = nil, estimate: PercentInterval?, estimateUnit: String?, lastClaim: String?,
                milestonesReached: Int, milestonesPlanned: Int) {
        self.id = id
        self.title = title
        self.portfolio = portfolio
        self.status = status
        self.completedOn = completedOn
        self.plannedMeasures = plannedMeasures
        self.estimate = estimate
        self.estimateUnit = estimateUnit
        self.lastClaim = lastClaim
        self.milestonesReached = milestonesReached
        self.milestonesPlanned = milestonesPlanned
    }
}

/// Milestones of one programme: when each is due and when it was reached.
public struct BurnUp: Hashable, Sendable, Codable {
    public struct Milestone: Hashable, Sendable, Codable {
        public var id: String
        public var title: String
        public var due: CalendarDate?
        public var reachedOn: CalendarDate?
        /// The source that says it was reached.
        public var reachedSource: String?
        public init(id: String, title: String, due: CalendarDate?, reachedOn: CalendarDate?, reachedSource: String? = nil) {
            self.id = id
            self.title = title
            self.due = due
            self.reachedOn = reachedOn
            self.reachedSource = reachedSource
        }
    }

    public var programme: String
    public var milestones: [Milestone]

    public init(programme: String, milestones: [Milestone]) {
        self.programme = programme
        self.milestones = milestones
    }
}

public struct ContradictionRow: Hashable, Sendable, Codable {
    public var scope: String
    public var unit: String
    /// `backwards` or `same_day`.
    public var kind: String
    public var earlier: ClaimMark
    public var later: ClaimMark

    public init(scope: String, unit: String, kind: String, earlier: ClaimMark, later: ClaimMark) {
        self.scope = scope
        self.unit = unit
        self.kind = kind
        self.earlier = earlier
        self.later = later
    }
}

public struct SourceRow: Hashable, Sendable, Codable {
    public var id: String
    public var title: String
    public var publishedOn: CalendarDate
    public var speaker: String?
    public var publisher: String?
    public var url: String?
    /// The SHA-256 of its stored text, in hex; nil when its text is not stored.
    public var sha256: String?

    public init(id: String, title: String, publishedOn: CalendarDate, speaker: String?, publisher: String?, url: String?,
                sha256: String? = nil) {
        self.id = id
        self.title = title
        self.publishedOn = publishedOn
        self.speaker = speaker
        self.publisher = publisher
        self.url = url
        self.sha256 = sha256
    }
}
