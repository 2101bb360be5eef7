import Foundation
import Postgres
import TestSupport
import Testing

/// An import line means what the same command means on the command line: every recording
/// command, given both ways, records the same events, and bad arguments fail both ways alike.
@Suite struct ImportLineParityTests {
    /// One command, written once and given both ways: as CLI words and as an import line.
    struct Step {
        var words: [String]
        var positionals: [(name: String, value: String)]
        var options: [(name: String, value: String)]

        /// `@stream/version` stands for the id of that event in the database at hand.
        func cli(_ resolve: (String) throws -> String) rethrows -> [String] {
            try words + positionals.map { try resolve($0.value) } + options.flatMap { ["--\($0.name)", try resolve($0.value)] }
        }

        func line(_ resolve: (String) throws -> String) throws -> String {
            var object: [String: Any] = ["command": words.joined(separator: " ")]
            for (name, value) in positionals + options { object[name] = try resolve(value) }
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
    }

    static let steps: [Step] = [
        Step(words: ["portfolio", "define"], positionals: [("id", "union-state")], options: [
            ("title", "Union State"), ("title-ru", "Союзное государство"), ("approved-on", "2021-11-04"),
            ("approved-by", "Decree No. 6"), ("period", "2021-11-04..2023-12-31"), ("programmes", "28"), ("measures", "310"),
        ]),
        Step(words: ["source", "add"], positionals: [("id", "mfa")], options: [
            ("title", "Remarks, Moscow"), ("published-on", "2023-05-17"), ("speaker", "Sergey Lavrov"),
            ("publisher", "MFA"), ("url", "https://example.org/s"), ("file", "statement.txt"),
        ]),
        Step(words: ["portfolio", "revise"], positionals: [("id", "union-state")], options: [
            ("on", "2023-05-17"), ("programmes", "27"), ("measures", "300"), ("source", "mfa"),
        ]),
        Step(words: ["programme", "add"], positionals: [("id", "customs")], options: [
            ("portfolio", "union-state"), ("title", "Customs \"quoted\""), ("title-ru", "Таможня"),
            ("lead", "Customs committee"), ("measures", "12"),
        ]),
        Step(words: ["milestone", "add"], positionals: [("programme", "customs"), ("id", "tariff")], options: [
            ("title", "Common tariff"), ("due", "2023-12-31"),
        ]),
        Step(words: ["milestone", "reach"], positionals: [("programme", "customs"), ("id", "tariff")], options: [
            ("on", "2023-05-01"), ("source", "mfa"),
        ]),
        Step(words: ["progress"], positionals: [("scope", "customs"), ("wording", "7 of 12")], options: [
            ("as-of", "2023-05-17"), ("source", "mfa"), ("unit", "measures"), ("speaker", "Sergey Lavrov"), ("note", "-said twice"),
        ]),
        Step(words: ["progress"], positionals: [("scope", "union-state"), ("wording", "более половины")], options: [
            ("as-of", "2023-05-17"), ("source", "mfa"), ("unit", "content"),
        ]),
        Step(words: ["programme", "complete"], positionals: [("id", "customs")], options: [
            ("on", "2023-05-17"), ("source", "mfa"),
        ]),
        Step(words: ["retract"], positionals: [("event-id", "@programme-customs/4")], options: [("reason", "wrong day")]),
    ]

    /// Bad arguments: refused both ways with exit code 2, nothing written.
    static let refused: [Step] = [
        Step(words: ["programme", "add"], positionals: [("id", "x")], options: [
            ("portfolio", "union-state"), ("title", "X"), ("measures", "twelve"),
        ]),
        Step(words: ["progress"], positionals: [("scope", "customs"), ("wording", "lots")], options: [
            ("as-of", "2023-05-17"), ("source", "mfa"),
        ]),
        Step(words: ["portfolio", "define"], positionals: [("id", "p")], options: []),
        Step(words: ["milestone", "reach"], positionals: [("programme", "customs"), ("id", "nowhere")], options: [
            ("on", "2023-05-01"),
        ]),
    ]

    @Test func everyRecordingCommandRecordsTheSameEventsFromTheCommandLineAndFromAnImportLine() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-parity-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "Более половины мероприятий реализовано.".write(to: folder.appending(path: "statement.txt"), atomically: true, encoding: .utf8)
        let (cliDatabase, importDatabase) = (try TestDatabase.create("parity_cli"), try TestDatabase.create("parity_import"))
        let (cli, importer) = (UstrackBinary(database: cliDatabase), UstrackBinary(database: importDatabase))
        let (cliConnection, importConnection) = (try Connection.connect(cliDatabase), try Connection.connect(importDatabase))

        func resolver(_ connection: Connection, cliFile: Bool) -> (String) throws -> String {
            { value in
                if cliFile && value == "statement.txt" { return folder.appending(path: value).path }
                guard value.hasPrefix("@") else { return value }
                let parts = value.dropFirst().split(separator: "/")
                return try #require(try connection.execute(
                    "SELECT event_id::text FROM store.events WHERE stream = $1 AND version = $2::bigint",
                    String(parts[0]), String(parts[1])).string(0, 0))
            }
        }

        for (index, step) in Self.steps.enumerated() {
            let typed = try cli.run(try step.cli(resolver(cliConnection, cliFile: true)))
            #expect(typed.status == 0, "\(step.words): \(typed.stderr)")
            let file = folder.appending(path: "step\(index).ndjson")
            try (try step.line(resolver(importConnection, cliFile: false)) + "\n").write(to: file, atomically: true, encoding: .utf8)
            let imported = try importer.run("import", file.path)
            #expect(imported.status == 0, "\(step.words): \(imported.stderr)")
        }
        let typedEvents = try events(cliConnection), importedEvents = try events(importConnection)
        #expect(typedEvents.count == Self.steps.count)
        #expect(typedEvents == importedEvents)

        for (index, step) in Self.refused.enumerated() {
            let before = (try events(cliConnection).count, try events(importConnection).count)
            let typed = try cli.run(try step.cli(resolver(cliConnection, cliFile: true)))
            let file = folder.appending(path: "refused\(index).ndjson")
            try (try step.line(resolver(importConnection, cliFile: false)) + "\n").write(to: file, atomically: true, encoding: .utf8)
            let imported = try importer.run("import", file.path)
            #expect(typed.status == 2, "\(step.words): \(typed.stderr)")
            #expect(imported.status == 2, "\(step.words): \(imported.stderr)")
            #expect(imported.stderr.contains("line 1:"), "\(imported.stderr)")
            #expect((try events(cliConnection).count, try events(importConnection).count) == before)
        }
    }

    /// Each event as the two ways must agree on it: ids and times legitimately differ, so an
    /// event id inside data reads as its stream and version, and metadata drops the command id
    /// and the time entered.
    private func events(_ connection: Connection) throws -> [String] {
        let result = try connection.execute("""
            SELECT e.stream, e.version, e.type, e.schema_version,
                   regexp_replace(e.data::text, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
                                  coalesce((SELECT t.stream || '/' || t.version FROM store.events t
                                            WHERE t.event_id::text = e.data ->> 'event_id'), 'none'), 'g'),
                   (e.metadata - 'command_id' - 'entered_at')::text
            FROM store.events e ORDER BY e.position
            """)
        return (0..<result.rowCount).map { row in
            (0..<6).map { result.string(row, $0) ?? "null" }.joined(separator: " | ")
        }
    }
}
