import Foundation

/// A day on the calendar, without time of day or zone: what as-of, due and publication dates are.
public struct CalendarDate: Hashable, Sendable, Comparable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Self.days(inMonth: month, of: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Strict ISO 8601 `YYYY-MM-DD`; anything else, including impossible days such as `2023-02-30`, is rejected.
    public init(parsing text: String) throws(ValidationError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = Self.number(bytes[0..<4]),
              let month = Self.number(bytes[5..<7]),
              let day = Self.number(bytes[8..<10])
        else {
            throw ValidationError("\"\(text)\" is not a date: write it as YYYY-MM-DD, e.g. 2023-05-17")
        }
        guard (1...12).contains(month) else {
            throw ValidationError("\"\(text)\" is not a real date: the month must be 01 to 12")
        }
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            let days = Self.days(inMonth: month, of: year)
            throw ValidationError(
                "\"\(text)\" is not a real date: \(Self.monthNames[month - 1]) \(year) has \(days) days"
            )
        }
        self = date
    }

    /// The day an instant falls on in a time zone: how the CLI turns the clock into `today`.
    public init(_ instant: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self.year = parts.year!
        self.month = parts.month!
        self.day = parts.day!
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    private static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// ASCII digits only, so `٢٠٢٣` or `+023` never pass as a year.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

extension CalendarDate: LosslessStringConvertible {
    public init?(_ description: String) {
        guard let date = try? CalendarDate(parsing: description) else { return nil }
        self = date
    }

    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }
}

extension CalendarDate: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try CalendarDate(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
