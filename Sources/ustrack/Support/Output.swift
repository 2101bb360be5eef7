import Foundation

/// Writes results to stdout in the format the user chose.
enum Output {
    static func line(_ text: String = "") {
        FileHandleOutput.standardOutput.write(text + "\n")
    }

    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        // The pretty printer writes an empty list as "[", a blank line and "]"; people expect
        // "[]". Only a text that short can be an empty one.
        let bare = text.utf8.count <= 8 ? text.filter { !$0.isWhitespace } : text
        line(bare == "[]" || bare == "{}" ? bare : text)
    }

    /// RFC 4180: quote a field when it holds a comma, quote, or line break.
    static func csv(_ rows: [[String]]) {
        for row in rows {
            line(row.map { field in
                field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ","))
        }
    }

    /// Aligned `label: value` lines for a terminal.
    static func fields(_ pairs: [(String, String)]) {
        let width = (pairs.map(\.0.count).max() ?? 0) + 1
        for (label, value) in pairs {
            line((label + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + value)
        }
    }
}

extension Output {
    /// Columns padded to their widest cell, for a terminal.
    static func table(_ headers: [String], _ rows: [[String]]) {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func render(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        line(render(headers))
        line(render(widths.map { String(repeating: "-", count: $0) }))
        rows.forEach { line(render($0)) }
    }
}
