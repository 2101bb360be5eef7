import Tracker

/// A burn-up as two cumulative step lines: milestones reached by each date, and milestones planned
/// by each date (by due date; a milestone without one counts as planned from the start).
public struct BurnUpSeries: Hashable, Sendable {
    public struct Step: Hashable, Sendable {
        public var date: CalendarDate
        public var count: Int
    }

    public var first: CalendarDate
    public var last: CalendarDate
    public var total: Int
    /// Starts at `first`; one step per date the count changes.
    public var reached: [Step]
    public var planned: [Step]

    /// Nil when no milestone has a due or reached date: there is no time axis to draw on.
    public init?(_ burnUp: BurnUp) {
        let milestones = burnUp.milestones
        let dates = milestones.compactMap(\.due) + milestones.compactMap(\.reachedOn)
        guard let first = dates.min(), let last = dates.max() else { return nil }
        self.first = first
        self.last = last
        total = milestones.count
        reached = Self.cumulative(milestones.compactMap(\.reachedOn), from: first, startingAt: 0)
        planned = Self.cumulative(milestones.compactMap(\.due), from: first,
                                  startingAt: milestones.filter { $0.due == nil }.count)
    }

    private static func cumulative(_ dates: [CalendarDate], from first: CalendarDate, startingAt initial: Int) -> [Step] {
        var steps = [Step(date: first, count: initial)]
        for date in dates.sorted() {
            if steps[steps.count - 1].date == date {
                steps[steps.count - 1].count += 1
            } else {
                steps.append(Step(date: date, count: steps[steps.count - 1].count + 1))
            }
        }
        return steps
    }
}
