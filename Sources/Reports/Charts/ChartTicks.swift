import Tracker

/// A labelled date on a time axis.
public struct DateTick: Hashable, Sendable {
    public var date: CalendarDate
    public var label: String
}

/// Where axes get their labels: round values a reader can interpolate between.
public enum Ticks {
    /// Percent gridlines along an axis `axisLength` long: every 10 when there is room for eleven
    /// labels, else quarters, else halves.
    public static func percent(axisLength: Double) -> [Double] {
        let step: Double = axisLength >= 220 ? 10 : axisLength >= 60 ? 25 : 50
        return stride(from: 0, through: 100, by: step).map { $0 }
    }

    /// Whole-number ticks from 0 up to at least `maximum`, stepping 1, 2 or 5 times a power of ten,
    /// at most `maxCount` of them; the last tick is the top of the axis.
    public static func counts(upTo maximum: Int, maxCount: Int) -> [Int] {
        let top = max(maximum, 1)
        let slots = max(maxCount - 1, 1)
        var magnitude = 1
        while true {
            for factor in [1, 2, 5] {
                let step = factor * magnitude
                let intervals = (top + step - 1) / step
                if intervals <= slots {
                    return (0...intervals).map { $0 * step }
                }
            }
            magnitude *= 10
        }
    }

    /// Date ticks inside `start...end`: the finest of days, half months, months, quarters, half years
    /// and years that gives at most `maxCount` ticks, aligned to the calendar (the 1st and 15th,
    /// January/April/July/October, even years) so labels read as round dates.
    public static func dates(from start: CalendarDate, to end: CalendarDate, maxCount: Int) -> [DateTick] {
        let end = max(start, end)
        let limit = max(maxCount, 1)
        let spanDays = DateScale.dayNumber(end) - DateScale.dayNumber(start)
        // Day-level ticks only make sense for short ranges; skipping them keeps long ranges cheap.
        if spanDays <= 92 {
            for days in dayOfMonthSets {
                let ticks = dayTicks(from: start, to: end, days: days, limit: limit)
                if let ticks, !ticks.isEmpty { return ticks }
            }
        }
        for months in [1, 2, 3, 6] + [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000].map({ $0 * 12 }) {
            if let ticks = monthTicks(from: start, to: end, every: months, limit: limit), !ticks.isEmpty {
                return ticks
            }
        }
        return [DateTick(date: start, label: start.description)]
    }

    private static let dayOfMonthSets: [Set<Int>] = [
        Set(1...31),
        Set(stride(from: 1, through: 29, by: 2)),
        [1, 5, 10, 15, 20, 25],
        [1, 15],
    ]

    /// Nil when there would be more than `limit` ticks.
    private static func dayTicks(from start: CalendarDate, to end: CalendarDate, days: Set<Int>, limit: Int) -> [DateTick]? {
        var ticks: [DateTick] = []
        for number in DateScale.dayNumber(start)...DateScale.dayNumber(end) {
            let date = DateScale.date(dayNumber: number)
            guard days.contains(date.day) else { continue }
            ticks.append(DateTick(date: date, label: date.description))
            if ticks.count > limit { return nil }
        }
        return ticks
    }

    /// First days of months whose index (counted from year 0) is a multiple of `every`; nil when over `limit`.
    private static func monthTicks(from start: CalendarDate, to end: CalendarDate, every: Int, limit: Int) -> [DateTick]? {
        let first = start.year * 12 + start.month - 1 + (start.day == 1 ? 0 : 1)
        let last = end.year * 12 + end.month - 1
        guard first <= last else { return [] }
        let aligned = (first + every - 1) / every * every
        guard aligned <= last else { return [] }
        if (last - aligned) / every + 1 > limit { return nil }
        return stride(from: aligned, through: last, by: every).compactMap { index in
            guard let date = CalendarDate(year: index / 12, month: index % 12 + 1, day: 1) else { return nil }
            let label = every % 12 == 0 ? String(date.description.prefix(4)) : String(date.description.prefix(7))
            return DateTick(date: date, label: label)
        }
    }
}
