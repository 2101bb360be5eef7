import Foundation
import Reports

/// Writes results to stdout in the format the user chose.
enum Output {
    static func line(_ text: String = "") {
        FileHandleOutput.standardOutput.write(text + "\n")
    }

    /// `snakeCase`: property names become keys in snake_case (`asOf` → `as_of`).
    static func json<T: Encodable>(_ value: T, snakeCase: Bool = false) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.dateEncodingStrategy = .iso8601
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        // The pretty printer writes an empty list as "[", a blank line and "]"; people expect
        // "[]". Only a text that short can be an empty one.
        let bare = text.utf8.count <= 8 ? text.filter { !$0.isWhitespace } : text
        line(bare == "[]" || bare == "{}" ? bare : text)
    }

    /// RFC 4180, as the report's CSV writes it: a field is quoted when it holds a comma, quote or
    /// line break, and a text a spreadsheet would run as a formula (`=HYPERLINK(…)`) gets a leading `'`.
    static func csv(_ rows: [[String]]) {
        for row in rows {
            line(row.map(CSV.field).joined(separator: ","))
        }
    }

    /// Aligned `label: value` lines for a terminal; values are shown `safe`.
    static func fields(_ pairs: [(String, String)]) {
        let width = (pairs.map(\.0.count).max() ?? 0) + 1
        for (label, value) in pairs {
            line((label + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + safe(value))
        }
    }

    /// Stored text made safe for a terminal: a control character (an ESC in a title would recolour
    /// or retitle the terminal) is shown, `␛`, instead of sent. Every `line` that prints stored text
    /// passes it through this; `table` and `fields` do it themselves. Line breaks and tabs stay
    /// unless `keepingLayout` is false.
    static func safe(_ text: String, keepingLayout: Bool = true) -> String {
        VisibleText.controls(text, keepingLayout: keepingLayout)
    }
}

/// One column of a command's CSV or table: its header and how a row fills it.
struct Column<Row>: Sendable {
    let header: String
    let value: @Sendable (Row) -> String

    init(_ header: String, _ value: @escaping @Sendable (Row) -> String) {
        self.header = header
        self.value = value
    }
}

extension Output {
    /// A reading command's rows in the format asked for: JSON with snake_case keys, or the CSV or
    /// table columns. `json` when the JSON groups what the CSV and table show a line each;
    /// `whenEmpty` the line a table shows instead of no rows.
    static func rows<Row, JSON: Encodable>(_ rows: [Row], json: JSON, as format: OutputFormat, csv: [Column<Row>],
                                         table: [Column<Row>], whenEmpty: () throws -> String) throws {
        switch format {
        case .json: try Output.json(json, snakeCase: true)
        case .csv: Output.csv(rows, csv)
        case .table:
            guard !rows.isEmpty else { return line(try whenEmpty()) }
            Output.table(rows, table)
        }
    }

    static func rows<Row: Encodable>(_ rows: [Row], as format: OutputFormat, csv: [Column<Row>], table: [Column<Row>],
                                     whenEmpty: () throws -> String) throws {
        try Output.rows(rows, json: rows, as: format, csv: csv, table: table, whenEmpty: whenEmpty)
    }

    static func csv<Row>(_ rows: [Row], _ columns: [Column<Row>]) {
        csv([columns.map(\.header)] + rows.map { row in columns.map { $0.value(row) } })
    }

    static func table<Row>(_ rows: [Row], _ columns: [Column<Row>]) {
        table(columns.map(\.header), rows.map { row in columns.map { $0.value(row) } })
    }

    /// Columns padded to their widest cell, for a terminal. A cell's line breaks, tabs and other
    /// control characters are shown (`␊`, `␉`, `␛`), so each row stays one line and nothing is sent
    /// to the terminal.
    static func table(_ headers: [String], _ rows: [[String]]) {
        let rows = rows.map { $0.map { safe($0, keepingLayout: false) } }
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

/// Input echoed in a message, kept readable: a 10 MB wording quoted back (twice) would bury the
/// message, and a control character in it would act on the terminal.
enum EchoedInput {
    /// How many characters of one echoed input a message shows.
    static let limit = 200

    /// `message` with every quoted run (`"…"`) longer than `limit` characters cut to its start,
    /// saying how long it was, the same for any of `inputs` (e.g. the command line's arguments)
    /// quoted or not, and control characters shown (`Output.safe`).
    static func shortened(_ message: String, inputs: [String] = []) -> String {
        var message = message
        for input in Set(inputs) where input.count > limit && message.contains(input) {
            message = message.replacingOccurrences(of: input, with: cut(input))
        }
        if message.count > limit {
            var result = ""
            var quoted: String?
            for character in message {
                if character == "\"" {
                    if let run = quoted {
                        result += "\"" + (run.count > limit ? cut(run) : run) + "\""
                        quoted = nil
                    } else {
                        quoted = ""
                    }
                } else if quoted != nil {
                    quoted!.append(character)
                } else {
                    result.append(character)
                }
            }
            if let run = quoted { result += "\"" + (run.count > limit ? cut(run) : run) }
            message = result
        }
        return Output.safe(message)
    }

    /// The first `limit` characters and what was cut, e.g. `xxxx… (cut: 2000000 characters in all)`.
    static func cut(_ text: String) -> String {
        "\(text.prefix(limit))… (cut: \(text.count) characters in all)"
    }
}
