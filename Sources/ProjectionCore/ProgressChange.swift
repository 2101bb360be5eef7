import Foundation
import Tracker

/// The claims of one scope in one unit: what the progress projection infers over together.
public struct ProgressGroup: Hashable, Sendable, Comparable {
    public var scope: String
    public var unit: ClaimUnit

    public init(scope: String, unit: ClaimUnit) {
        self.scope = scope
        self.unit = unit
    }

    /// By scope, then by the unit's name, as the tables sort them.
    public static func < (a: ProgressGroup, b: ProgressGroup) -> Bool {
        (a.scope, a.unit.rawValue) < (b.scope, b.unit.rawValue)
    }
}

/// A row of `projection.claims`: the claim as recorded.
public struct ClaimRow: Hashable, Sendable {
    public var eventId: UUID
    public var position: Int64
    public var recordedAt: Date
    public var claim: ProgressClaimed

    public init(eventId: UUID, position: Int64, recordedAt: Date, claim: ProgressClaimed) {
        self.eventId = eventId
        self.position = position
        self.recordedAt = recordedAt
        self.claim = claim
    }
}

/// A row of `projection.timeline`: one date of one version of a group's estimate.
public struct TimelineRow: Hashable, Sendable {
    public var group: ProgressGroup
    public var point: TimelinePoint
    /// The claim of the point's date recorded last.
    public var lastClaim: UUID
    public var knownFrom: Date
    /// Nil while the version is the current one.
    public var knownTo: Date?
}

/// A row of `projection.contradictions`, in one version of a group.
public struct ContradictionRow: Hashable, Sendable {
    public var group: ProgressGroup
    public var contradiction: Contradiction
    public var knownFrom: Date
    public var knownTo: Date?
}

/// What the progress projection changes in its tables. The projector writes each in order.
public enum ProgressChange: Hashable, Sendable {
    case insertClaim(ClaimRow)
    case retractClaim(UUID, at: Date, reason: String)
    /// `progress_scopes`: the portfolio a scope belongs to.
    case upsertScope(scope: String, portfolio: String)
    /// `progress_baselines`: a plan revision, which starts a new baseline on its date.
    case insertBaseline(eventId: UUID, portfolio: String, revisedOn: CalendarDate, recordedAt: Date)
    case retractBaseline(UUID, at: Date)
    /// The current versions of these groups end at `at`; one made at `at` itself never existed
    /// for a reader and goes. Their new versions follow.
    case closeVersions([ProgressGroup], at: Date)
    /// Every version of the group goes, before its history is made again.
    case deleteVersions(ProgressGroup)
    case insertTimeline(TimelineRow)
    case insertContradiction(ContradictionRow)
}
