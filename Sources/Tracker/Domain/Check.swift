import Foundation

/// The checks shared by the deciders; each names the offending field the way the CLI spells it.
enum Check {
    static func id(_ value: String, _ field: String) throws(ValidationError) {
        let rule = "use 1–\(Limits.idLength) lowercase letters, digits and hyphens, starting and ending with a letter or digit"
        if isBlank(value, newlines: false) {
            throw ValidationError("\(field) is empty: \(rule), e.g. \"union-state-2021-2023\"")
        }
        let bytes = Array(value.utf8)
        let isSlugByte = { (byte: UInt8) in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        let isSlug = bytes.count <= Limits.idLength
            && bytes.allSatisfy { isSlugByte($0) || $0 == UInt8(ascii: "-") }
            && isSlugByte(bytes.first!) && isSlugByte(bytes.last!)
        guard isSlug else {
            let suggestion = slug(from: value)
            let example = suggestion.isEmpty ? "union-state-2021-2023" : suggestion
            throw ValidationError("\(field) \"\(value)\" is not a valid id: \(rule), e.g. \"\(example)\"")
        }
    }

    /// Whether `value` is empty or only whitespace: what Foundation's trimming of `.whitespacesAndNewlines`
    /// (or `.whitespaces`, without `newlines`) would leave empty, without its cost on every field of a large import.
    static func isBlank(_ value: String, newlines: Bool = true) -> Bool {
        value.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isWhitespace && (newlines || !isNewline(scalar))
        }
    }

    private static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        (0x0A...0x0D).contains(scalar.value) || scalar.value == 0x85 || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// Text is stored exactly as given; it only has to say something, fit, and be storable in PostgreSQL.
    static func text(_ value: String, _ field: String, limit: Int) throws(ValidationError) {
        if isBlank(value) {
            throw ValidationError("\(field) is empty: give some text, or leave \(field) out where it is optional")
        }
        let length = value.count
        if length > limit {
            throw ValidationError("\(field) is \(length) characters long: the limit is \(limit)")
        }
        try storable(value, field)
    }

    static func optionalText(_ value: String?, _ field: String, limit: Int) throws(ValidationError) {
        if let value { try text(value, field, limit: limit) }
    }

    /// PostgreSQL text and jsonb cannot hold U+0000.
    static func storable(_ value: String, _ field: String) throws(ValidationError) {
        if value.utf8.contains(0) {
            throw ValidationError("\(field) contains a NUL character, which PostgreSQL cannot store: remove it")
        }
    }

    static func date(_ text: String, _ field: String) throws(ValidationError) -> CalendarDate {
        let date: CalendarDate
        do {
            date = try CalendarDate(parsing: text)
        } catch {
            throw ValidationError("\(field): \(error.message)")
        }
        if date < Limits.earliestDate {
            throw ValidationError(
                "\(field) \(date) is before \(Limits.earliestDate): ustrack records programmes from \(Limits.earliestDate.year) on; check the year"
            )
        }
        return date
    }

    /// A date something happened on: it cannot be later than today.
    static func factDate(_ text: String, _ field: String, today: CalendarDate) throws(ValidationError) -> CalendarDate {
        let date = try date(text, field)
        if date > today {
            throw ValidationError(
                "\(field) \(date) is after today (\(today)): record what has happened, dated on or before today"
            )
        }
        return date
    }

    static func count(_ value: Int?, _ field: String) throws(ValidationError) {
        guard let value else { return }
        if !(1...Limits.count).contains(value) {
            throw ValidationError("\(field) \(value) is out of range: give a whole number from 1 to \(Limits.count)")
        }
    }

    static func url(_ value: String?) throws(ValidationError) {
        guard let value else { return }
        try text(value, "--url", limit: Limits.urlLength)
        guard let components = URLComponents(string: value),
              let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host, !host.isEmpty
        else {
            throw ValidationError("--url \"\(value)\" is not a web address: give a full http or https URL, e.g. https://example.org/doc")
        }
    }

    static func interval(_ interval: PercentInterval) throws(ValidationError) {
        let (lo, hi) = (interval.lo, interval.hi)
        guard lo.isFinite, hi.isFinite else {
            // Not `\(interval)`: PercentInterval.format traps on an infinite bound.
            throw ValidationError("the interval from \(lo) to \(hi) is not a pair of numbers: percentages lie within 0–100")
        }
        if lo < 0 {
            throw ValidationError("the lower bound \(PercentInterval.format(lo)) is below 0: percentages lie within 0–100")
        }
        if hi > 100 {
            throw ValidationError("the upper bound \(PercentInterval.format(hi)) is above 100: percentages lie within 0–100")
        }
        if lo > hi {
            throw ValidationError("the interval \(interval) has its lower bound above its upper bound: lo must not exceed hi")
        }
        if interval.isEmpty {
            throw ValidationError("the interval \(interval) holds no value: a single figure needs both ends closed, e.g. [40, 40]")
        }
    }

    /// A cited source must exist and be published on or after the date it reports on:
    /// a document can only tell what had happened by the day it came out.
    static func citation(
        _ source: String?, reporting date: CalendarDate, _ dateField: String, in streams: StreamStates
    ) throws(ValidationError) {
        guard let source else { return }
        try id(source, "--source")
        guard let added = streams.source(source).added else { throw .unknownSource(source) }
        let published = added.event.publishedOn
        if date > published {
            throw ValidationError(
                "\(dateField) \(date) is after source \"\(source)\" was published (\(published)): a source can only report what had happened by then; check the date or cite a later source"
            )
        }
    }

    /// The nearest valid id to what was typed, to show in the error.
    private static func slug(from value: String) -> String {
        var result = ""
        for scalar in value.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else if !result.isEmpty, !result.hasSuffix("-") {
                result += "-"
            }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return String(result.prefix(Limits.idLength)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }
}
