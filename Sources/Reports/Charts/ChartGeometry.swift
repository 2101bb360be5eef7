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

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
    public static func dayNumber(_ date: CalendarDate) -> Int {
        let year = date.month <= 2 ? date.year - 1 : date.year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (date.month + (date.month > 2 ? -3 : 9)) + 2) / 5 + date.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `dayNumber`, clamped to the years `CalendarDate` can hold.
    public static func date(dayNumber: Int) -> CalendarDate {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
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
