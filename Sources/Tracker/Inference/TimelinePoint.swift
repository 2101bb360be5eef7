import Foundation

/// What is known about progress at one date.
public struct TimelinePoint: Hashable, Sendable {
    /// The date the point describes (for `Inference.estimate(on:)`, the date asked about).
    public var date: CalendarDate
    /// The latest claim narrowed by the lower bounds of earlier claims in the same baseline;
    /// when they contradict, the latest claim's interval as it stands.
    public var estimate: PercentInterval
    /// The claims contradict here: the narrowing was empty, or the same-day claims do not overlap.
    public var disputed: Bool
    /// The latest claim's interval: the intersection of that day's claims, or, when they do not
    /// overlap, the interval of the one recorded last.
    public var claim: PercentInterval
    /// The claims dated `claimDate`, in recording order.
    public var claimIds: [UUID]
    /// Claims with as-of on or before `date`, across all baselines.
    public var claimsSoFar: Int
    /// The as-of of the claims the estimate rests on: `date` itself on a timeline, the latest
    /// claim date on or before it for `Inference.estimate(on:)`.
    public var claimDate: CalendarDate

    public init(
        date: CalendarDate, estimate: PercentInterval, disputed: Bool, claim: PercentInterval,
        claimIds: [UUID], claimsSoFar: Int, claimDate: CalendarDate? = nil
    ) {
        self.date = date
        self.estimate = estimate
        self.disputed = disputed
        self.claim = claim
        self.claimIds = claimIds
        self.claimsSoFar = claimsSoFar
        self.claimDate = claimDate ?? date
    }
}
