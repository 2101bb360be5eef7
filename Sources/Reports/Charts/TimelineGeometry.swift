import Tracker

/// One stretch of the estimate band: from a step's date to the next step's date, or to the right
/// edge of the chart (`until == nil`) for the last step, since the estimate holds until a new claim.
public struct BandSegment: Hashable, Sendable {
    public var from: CalendarDate
    public var until: CalendarDate?
    public var estimate: PercentInterval
    public var disputed: Bool

    /// Where the band is drawn from and to, kept inside 0...100.
    public var lo: Double { ClaimShape.clamp(min(estimate.lo, estimate.hi)) }
    public var hi: Double { ClaimShape.clamp(max(estimate.lo, estimate.hi)) }
}

extension Timeline {
    /// The first and last date with a step or a claim; nil when there is nothing to draw.
    public var dateExtent: (first: CalendarDate, last: CalendarDate)? {
        let dates = steps.map(\.date) + claims.map(\.asOf)
        guard let first = dates.min(), let last = dates.max() else { return nil }
        return (first, last)
    }

    public var bandSegments: [BandSegment] {
        let ordered = steps.enumerated().sorted { ($0.element.date, $0.offset) < ($1.element.date, $1.offset) }.map(\.element)
        return ordered.enumerated().map { index, step in
            BandSegment(
                from: step.date,
                until: index + 1 < ordered.count ? ordered[index + 1].date : nil,
                estimate: step.estimate,
                disputed: step.disputed
            )
        }
    }

    /// Claims in date order, each with its rank among the claims of the same day and how many share
    /// that day, so marks of one day can sit side by side instead of on top of each other.
    public var claimsBySameDay: [(claim: ClaimMark, rank: Int, ofDay: Int)] {
        let ordered = claims.enumerated().sorted { ($0.element.asOf, $0.offset) < ($1.element.asOf, $1.offset) }.map(\.element)
        var perDay: [CalendarDate: Int] = [:]
        for claim in ordered { perDay[claim.asOf, default: 0] += 1 }
        var seen: [CalendarDate: Int] = [:]
        return ordered.map { claim in
            let rank = seen[claim.asOf, default: 0]
            seen[claim.asOf] = rank + 1
            return (claim, rank, perDay[claim.asOf]!)
        }
    }
}
