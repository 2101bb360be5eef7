import Tracker

/// How a claim is drawn, the same in SVG and in a terminal: a point for an exact figure, otherwise
/// a bar whose ends say whether each bound is included (flat cap) or excluded (an arrowhead on the
/// bound, pointing into the interval: "more than 50" reads as "from 50 upwards").
public enum ClaimShape: Hashable, Sendable {
    case point(Double)
    case bar(lo: Double, hi: Double, loOpen: Bool, hiOpen: Bool)

    public init(_ interval: PercentInterval) {
        let lo = Self.clamp(min(interval.lo, interval.hi))
        let hi = Self.clamp(max(interval.lo, interval.hi))
        if interval.isPoint {
            self = .point(lo)
        } else {
            self = .bar(lo: lo, hi: hi, loOpen: !interval.loInclusive, hiOpen: !interval.hiInclusive)
        }
    }

    public var hasOpenEnd: Bool {
        if case .bar(_, _, let loOpen, let hiOpen) = self { return loOpen || hiOpen }
        return false
    }

    static func clamp(_ percent: Double) -> Double {
        percent.isFinite ? min(max(percent, 0), 100) : 0
    }
}
