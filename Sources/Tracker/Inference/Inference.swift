/// Pure inference over one scope's claims in one unit: the estimate over time and the
/// contradictions among claims (DESIGN §1, "What the projections infer").
public enum Inference {
    /// One point per distinct as-of date that has claims, in date order.
    public static func timeline(claims: [ClaimFact], baselines: [CalendarDate]) -> [TimelinePoint] {
        let baselines = Baselines(baselines)
        let days = days(of: claims)
        var points: [TimelinePoint] = []
        points.reserveCapacity(days.count)
        // The lower bounds of the claims before the current day, within the current baseline.
        var floor: PercentInterval? = nil
        var floorBaseline: Int? = nil
        var soFar = 0
        for day in days {
            let baseline = baselines.index(of: day.date)
            // A revision starts a new baseline: the old claims stop bounding the new ones.
            if baseline != floorBaseline {
                floor = nil
                floorBaseline = baseline
            }
            soFar += day.claims.count
            points.append(point(for: day, above: floor, claimsSoFar: soFar))
            for claim in day.claims {
                floor = raise(floor, by: claim)
            }
        }
        return points
    }

    /// The estimate at an arbitrary date: the point of the latest claim date on or before it,
    /// re-dated to `date` (nil when no claim is dated on or before it).
    public static func estimate(on date: CalendarDate, claims: [ClaimFact], baselines: [CalendarDate]) -> TimelinePoint? {
        let known = claims.filter { $0.asOf <= date }
        guard var point = timeline(claims: known, baselines: baselines).last else { return nil }
        point.date = date
        return point
    }

    /// The claims of one as-of date, in recording order.
    struct Day {
        var date: CalendarDate
        var claims: [ClaimFact]
    }

    static func days(of claims: [ClaimFact]) -> [Day] {
        var days: [Day] = []
        for claim in claims.sorted(by: ClaimFact.chronologically) {
            if let last = days.indices.last, days[last].date == claim.asOf {
                days[last].claims.append(claim)
            } else {
                days.append(Day(date: claim.asOf, claims: [claim]))
            }
        }
        return days
    }

    /// Progress never decreases, so a claim's lower bound holds on every later date of its
    /// baseline: the floor is the intersection of [lo, 100] over those claims, which keeps the
    /// highest lower bound and, at equal values, the open end (the stronger statement).
    static func raise(_ floor: PercentInterval?, by claim: ClaimFact) -> PercentInterval {
        let bound = PercentInterval.atLeast(claim.interval.lo, inclusive: claim.interval.loInclusive)
        return floor.map { $0.intersection(bound) } ?? bound
    }

    /// The estimate for one day: its claims together, narrowed by the floor of earlier claims.
    /// When either step comes out empty the claims contradict; the estimate then falls back to
    /// what was said last rather than inventing a value nobody stated.
    static func point(for day: Day, above floor: PercentInterval?, claimsSoFar: Int) -> TimelinePoint {
        let ids = day.claims.map(\.id)
        let together = day.claims.dropFirst().reduce(day.claims[0].interval) { $0.intersection($1.interval) }
        if together.isEmpty {
            // Same-day clash: the claim recorded last that day stands, marked disputed.
            let last = day.claims[day.claims.count - 1].interval
            return TimelinePoint(date: day.date, estimate: last, disputed: true, claim: last,
                                 claimIds: ids, claimsSoFar: claimsSoFar)
        }
        guard let floor else {
            return TimelinePoint(date: day.date, estimate: together, disputed: false, claim: together,
                                 claimIds: ids, claimsSoFar: claimsSoFar)
        }
        let narrowed = together.intersection(floor)
        return TimelinePoint(date: day.date, estimate: narrowed.isEmpty ? together : narrowed,
                             disputed: narrowed.isEmpty, claim: together,
                             claimIds: ids, claimsSoFar: claimsSoFar)
    }
}
