/// A share in percent as officials state it: a range with open or closed ends, never a bare number.
public struct PercentInterval: Hashable, Sendable, Codable {
    public var lo: Double
    public var hi: Double
    public var loInclusive: Bool
    public var hiInclusive: Bool

    public init(lo: Double, hi: Double, loInclusive: Bool = true, hiInclusive: Bool = true) {
        self.lo = lo
        self.hi = hi
        self.loInclusive = loInclusive
        self.hiInclusive = hiInclusive
    }

    public static func exactly(_ value: Double) -> PercentInterval {
        PercentInterval(lo: value, hi: value)
    }

    /// Everything from a lower bound to 100: what an earlier claim still says about later dates.
    public static func atLeast(_ lo: Double, inclusive: Bool = true) -> PercentInterval {
        PercentInterval(lo: lo, hi: 100, loInclusive: inclusive, hiInclusive: true)
    }

    public static let whole = PercentInterval(lo: 0, hi: 100)

    public var isEmpty: Bool {
        lo > hi || (lo == hi && !(loInclusive && hiInclusive))
    }

    public var isPoint: Bool { lo == hi && loInclusive && hiInclusive }

    /// The common part of two intervals; empty (check `isEmpty`) when they do not overlap.
    public func intersection(_ other: PercentInterval) -> PercentInterval {
        let (lo, loInclusive): (Double, Bool) =
            self.lo > other.lo ? (self.lo, self.loInclusive)
            : other.lo > self.lo ? (other.lo, other.loInclusive)
            : (self.lo, self.loInclusive && other.loInclusive)
        let (hi, hiInclusive): (Double, Bool) =
            self.hi < other.hi ? (self.hi, self.hiInclusive)
            : other.hi < self.hi ? (other.hi, other.hiInclusive)
            : (self.hi, self.hiInclusive && other.hiInclusive)
        return PercentInterval(lo: lo, hi: hi, loInclusive: loInclusive, hiInclusive: hiInclusive)
    }

    public func overlaps(_ other: PercentInterval) -> Bool {
        !intersection(other).isEmpty
    }

    /// True when every value of this interval lies below every value of `other`.
    public func isEntirelyBelow(_ other: PercentInterval) -> Bool {
        hi < other.lo || (hi == other.lo && !(hiInclusive && other.loInclusive))
    }
}

extension PercentInterval: CustomStringConvertible {
    /// Mathematical notation: `[35, 45]`, `(50, 100]`.
    public var description: String {
        "\(loInclusive ? "[" : "(")\(Self.format(lo)), \(Self.format(hi))\(hiInclusive ? "]" : ")")"
    }

    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        if value == value.rounded() { return String(Int(value)) }
        let scaled = (value * 100).rounded() / 100
        return String(scaled)
    }
}
