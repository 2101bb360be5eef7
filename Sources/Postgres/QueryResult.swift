import CivilDays
import CLibPQ
import Foundation

/// The rows of one statement, owned until released. Values are read in text format.
public final class QueryResult {
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }
    deinit { PQclear(handle) }

    public var rowCount: Int { Int(PQntuples(handle)) }
    public var columnCount: Int { Int(PQnfields(handle)) }

    /// Rows touched by INSERT/UPDATE/DELETE, or returned by SELECT.
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }

    public var columnNames: [String] {
        (0..<Int32(columnCount)).map { String(cString: PQfname(handle, $0)) }
    }

    public func isNull(_ row: Int, _ column: Int) -> Bool {
        PQgetisnull(handle, Int32(row), Int32(column)) == 1
    }

    public func string(_ row: Int, _ column: Int) -> String? {
        if isNull(row, column) { return nil }
        return String(cString: PQgetvalue(handle, Int32(row), Int32(column)))
    }

    public func int64(_ row: Int, _ column: Int) -> Int64? {
        bytes(row, column).flatMap(Self.integer)
    }

    /// A decimal integer straight from the bytes: reading the log parses several per row.
    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < bytes.count, bytes.count - index <= 18 else { return Int64(String(decoding: bytes, as: UTF8.self)) }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = Int64(bytes[index]) - 48
            guard digit >= 0 && digit <= 9 else { return nil }
            value = value * 10 + digit
            index += 1
        }
        return negative ? -value : value
    }

    public func uint64(_ row: Int, _ column: Int) -> UInt64? {
        bytes(row, column).flatMap { UInt64(String(decoding: $0, as: UTF8.self)) }
    }

    public func int(_ row: Int, _ column: Int) -> Int? {
        int64(row, column).map { Int($0) }
    }

    public func bool(_ row: Int, _ column: Int) -> Bool? {
        string(row, column).map { $0 == "t" }
    }

    public func double(_ row: Int, _ column: Int) -> Double? {
        string(row, column).flatMap { Double($0) }
    }

    public func uuid(_ row: Int, _ column: Int) -> UUID? {
        bytes(row, column).flatMap(Self.uuid)
    }

    /// PostgreSQL's form, 8-4-4-4-12 hex digits; Foundation's parser goes through sscanf,
    /// a tenth of the time of reading an event.
    static func uuid(_ text: UnsafeRawBufferPointer) -> UUID? {
        guard text.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        func nibble(_ character: UInt8) -> UInt8? {
            switch character {
            case 48...57: character - 48
            case 97...102: character - 87
            case 65...70: character - 55
            default: nil
            }
        }
        var index = 0
        var failed = false
        withUnsafeMutableBytes(of: &bytes) { out in
            for position in 0..<16 {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard text[index] == UInt8(ascii: "-") else { failed = true; return }
                    index += 1
                }
                guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { failed = true; return }
                out[position] = high << 4 | low
                index += 2
            }
        }
        return failed ? nil : UUID(uuid: bytes)
    }

    /// The raw bytes of a text-format value, without copying into a String first.
    public func bytes(_ row: Int, _ column: Int) -> UnsafeRawBufferPointer? {
        if isNull(row, column) { return nil }
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        return UnsafeRawBufferPointer(start: PQgetvalue(handle, Int32(row), Int32(column)), count: length)
    }

    /// timestamptz as PostgreSQL prints it with the session's `DateStyle=ISO` and `TimeZone=UTC`.
    public func date(_ row: Int, _ column: Int) -> Date? {
        bytes(row, column).flatMap(Timestamps.parse)
    }

    /// Every value of the first column.
    public func column(_ column: Int = 0) -> [String?] {
        (0..<rowCount).map { string($0, column) }
    }
}

/// timestamptz text <-> Date, exact to the microsecond.
public enum Timestamps {
    /// Parses `2024-05-01 10:11:12.123456+00`, as PostgreSQL prints timestamptz in UTC with
    /// ISO DateStyle. Hand-written because it sits on the hot path of reading the log.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) -> Date? {
        guard bytes.count >= 22 else { return nil }
        func number(_ from: Int, _ length: Int) -> Int? {
            var value = 0
            for index in from..<(from + length) {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            var scale = 0.1
            index += 1
            while index < bytes.count, (48...57).contains(bytes[index]) {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        // The offset: +HH, +HH:MM or +HH:MM:SS.
        var offsetSeconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            let parts = String(decoding: bytes[(index + 1)...], as: UTF8.self).split(separator: ":").compactMap { Int($0) }
            let units = [3600, 60, 1]
            offsetSeconds = sign * zip(parts, units).map(*).reduce(0, +)
        }
        let days = CivilDays.days(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    public static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var days = micros / 86_400_000_000
        var ofDay = micros % 86_400_000_000
        if ofDay < 0 { days -= 1; ofDay += 86_400_000_000 }
        let (year, month, day) = CivilDays.date(days: Int(days))
        let seconds = Int(ofDay / 1_000_000)
        guard (0...9999).contains(year) else {
            return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", year, month, day,
                          seconds / 3600, seconds / 60 % 60, seconds % 60, Int(ofDay % 1_000_000))
        }
        // By hand, not String(format:): projections send a timestamp with nearly every row.
        var text: [UInt8] = []
        text.reserveCapacity(30)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(48 + value / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4); text.append(UInt8(ascii: "-"))
        digits(month, 2); text.append(UInt8(ascii: "-"))
        digits(day, 2); text.append(UInt8(ascii: " "))
        digits(seconds / 3600, 2); text.append(UInt8(ascii: ":"))
        digits(seconds / 60 % 60, 2); text.append(UInt8(ascii: ":"))
        digits(seconds % 60, 2); text.append(UInt8(ascii: "."))
        digits(Int(ofDay % 1_000_000), 6)
        text += Array("+00".utf8)
        return String(decoding: text, as: UTF8.self)
    }
}
