import CivilDays
import Tracker

/// Maps a value of `domain` linearly onto `range`; the range may run backwards (a y axis grows upwards).
public struct LinearScale: Sendable {
    public var domain: ClosedRange<Double>
    public var range: (start: Double, end: Double)

    public init(domain: ClosedRange<Double>, range: (start: Double, end: Double)) {
        self.domain = domain
        self.range = range
    }

    public func callAsFunction(_ value: Double) -> Double {
        let span = domain.upperBound - domain.lowerBound
        // A one-value domain has no slope: put everything in the middle rather than divide by zero.
        guard span > 0 else { return (range.start + range.end) / 2 }
        return range.start + (value - domain.lowerBound) / span * (range.end - range.start)
    }
}

/// Dates onto x, by whole days, so a month of 31 days is wider than February.
public struct DateScale: Sendable {
    public var start: CalendarDate
    public var end: CalendarDate
    private var scale: LinearScale

    public init(from start: CalendarDate, to end: CalendarDate, range: (start: Double, end: Double)) {
        self.start = start
        self.end = end
        scale = LinearScale(domain: Double(Self.dayNumber(start))...Double(Self.dayNumber(max(start, end))), range: range)
    }

    public func callAsFunction(_ date: CalendarDate) -> Double {
        scale(Double(Self.dayNumber(date)))
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    public static func dayNumber(_ date: CalendarDate) -> Int {
        CivilDays.days(year: date.year, month: date.month, day: date.day)
    }

    /// The inverse of `dayNumber`, clamped to the years `CalendarDate` can hold.
    public static func date(dayNumber: Int) -> CalendarDate {
        let (year, month, day) = CivilDays.date(days: dayNumber)
        if year < 1 { return CalendarDate(year: 1, month: 1, day: 1)! }
        if year > 9999 { return CalendarDate(year: 9999, month: 12, day: 31)! }
        return CalendarDate(year: year, month: month, day: day)!
    }

    /// Room around the data so the first and last marks do not sit on the axes: 4% of the span
    /// before (at least a week), twice that after, where the last estimate still holds, and a
    /// month each side of a single date.
    public static func paddedDomain(first: CalendarDate, last: CalendarDate) -> (start: CalendarDate, end: CalendarDate) {
        let span = dayNumber(max(first, last)) - dayNumber(first)
        let pad = span == 0 ? 30 : max(span * 4 / 100, 7)
        return (adding(-pad, to: first), adding(span == 0 ? pad : 2 * pad, to: max(first, last)))
    }

    /// A date `days` later (or earlier, when negative).
    public static func adding(_ days: Int, to date: CalendarDate) -> CalendarDate {
        self.date(dayNumber: dayNumber(date) + days)
    }
}
