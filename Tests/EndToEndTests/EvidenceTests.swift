import Foundation
import Postgres
import TestSupport
import Testing

/// Claims pinned to the words of their sources (`progress --quote`, `"quote"` in import lines),
/// and `verify` finding a stored text or quote that no longer holds.
@Suite struct EvidenceTests {
    static let text = """
        Sergey Lavrov: This determination is reflected in the 28 union programmes that we are \
        currently fulfilling. More than half of the measures have been realised and this work \
        continues. Trade soared by more than 34%.
        Sergei Aleinik added: “the union programmes are implemented by 70 percent” — a figure of January.
        """

    struct World {
        let ustrack: UstrackBinary
        let connection: Connection
        let conninfo: String
        let folder: URL

        func events() throws -> Int64 {
            try connection.execute("SELECT count(*) FROM store.events").int64(0, 0)!
        }

        /// Reads SQL once the projections hold every event: tests in other databases of the
        /// cluster run at the same time, and a transaction of theirs still open holds back what
        /// a catch-up may read (DESIGN.md §2), so a read right after a command can find its
        /// claim not there yet. A reading command catches up again each time it runs.
        func caughtUp(_ sql: String) throws -> QueryResult {
            for _ in 0..<40 {
                let lag = try connection.execute("SELECT max(position) FROM store.events").int64(0, 0)
                    == (try connection.execute("SELECT max(position) FROM reporting.claims").int64(0, 0))
                if lag { break }
                _ = try ustrack.run("status")
                Thread.sleep(forTimeInterval: 0.25)
            }
            return try connection.execute(sql)
        }

        func progress(_ wording: String, quote: String) throws -> (status: Int32, stdout: String, stderr: String) {
            let outcome = try ustrack.run("progress", "union-state-2021-2023", wording, "--as-of", "2023-05-17",
                                          "--source", "mfa-2023-05-17", "--quote", quote, "--format", "json")
            return (outcome.status, outcome.stdout, outcome.stderr)
        }
    }

    static func world(_ label: String = #function) throws -> World {
        let conninfo = try TestDatabase.create(label)
        let folder = FileManager.default.temporaryDirectory.appending(path: "evidence-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appending(path: "lavrov.txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let world = World(ustrack: UstrackBinary(database: conninfo), connection: try Connection.connect(conninfo),
                          conninfo: conninfo, folder: folder)
        for arguments in [
            ["portfolio", "define", "union-state-2021-2023", "--title", "Union State programmes", "--programmes", "28"],
            ["source", "add", "mfa-2023-05-17", "--title", "Lavrov's remarks", "--published-on", "2023-05-17",
             "--speaker", "Sergey Lavrov", "--file", file.path],
        ] {
            let outcome = try world.ustrack.run(arguments)
            #expect(outcome.status == 0, "\(arguments): \(outcome.stderr)")
        }
        return world
    }

    @Test func aQuoteTypedWithOtherSpacingAndQuotesIsFoundAndStoredAsTheTextSpellsIt() throws {
        let world = try Self.world()
        defer { try? FileManager.default.removeItem(at: world.folder) }
        let typed = "“More  than half of the measures have been realised”"
        // Typographic quotes around it in the typing only: the text has none, so they must be left out.
        let refused = try world.progress("more than half of the measures", quote: typed)
        #expect(refused.status == 2, "\(refused.stderr)")
        let recorded = try world.progress("more than half of the measures",
                                          quote: "More  than half of the\nmeasures have been realised")
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let row = try world.caughtUp("""
            SELECT c.quote, c.quote_start, c.quote_end,
                   substr(e.data ->> 'text', c.quote_start + 1, c.quote_end - c.quote_start) AS passage
            FROM reporting.claims c JOIN store.events e ON e.type = 'SourceAdded'
            """)
        #expect(row.rowCount == 1)
        #expect(row.string(0, 0) == "More than half of the measures have been realised")
        #expect(row.string(0, 3) == row.string(0, 0), "substr of the stored text gives the quote back")
        // The report prints it.
        let report = try world.ustrack.run("report", "union-state-2021-2023", "--format", "md")
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("“More than half of the measures have been realised”"), "\(report.stdout)")

        // Straight quotes and a hyphen typed where the text has typographic ones and a dash.
        let straight = try world.ustrack.run("progress", "union-state-2021-2023", "implemented by 70 percent", "--as-of", "2023-01-19",
                                             "--source", "mfa-2023-05-17",
                                             "--quote", "added: \"the union programmes are implemented by 70 percent\" - a figure")
        #expect(straight.status == 0, "\(straight.stderr)")
        let stored = try world.caughtUp("SELECT quote FROM reporting.claims WHERE wording LIKE 'implemented%'").string(0, 0)
        #expect(stored == "added: “the union programmes are implemented by 70 percent” — a figure")
    }

    @Test func aQuoteNotInTheTextOrNotHoldingTheWordingIsRefusedAndNothingWritten() throws {
        let world = try Self.world()
        defer { try? FileManager.default.removeItem(at: world.folder) }
        let before = try world.events()

        let absent = try world.progress("more than half of the measures", quote: "More than half of the measures have been completed")
        #expect(absent.status == 2)
        #expect(absent.stderr.contains("--quote is not in the stored text of source \"mfa-2023-05-17\""), "\(absent.stderr)")
        #expect(absent.stderr.contains("More than half of the measures have been realised"), "names the closest passage: \(absent.stderr)")

        let outside = try world.progress("more than half of the measures", quote: "this work continues")
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("is not inside the quote"), "\(outside.stderr)")

        let noText = try world.ustrack.run("source", "add", "no-text", "--title", "Without text", "--published-on", "2023-05-18")
        #expect(noText.status == 0)
        let afterSource = try world.events()
        let textless = try world.ustrack.run("progress", "union-state-2021-2023", "half", "--as-of", "2023-05-17",
                                             "--source", "no-text", "--quote", "half")
        #expect(textless.status == 2)
        #expect(textless.stderr.contains("add it again with --file"), "\(textless.stderr)")
        #expect(try world.events() == afterSource, "nothing written")
        #expect(afterSource == before + 1)
    }

    @Test func importLinesCarryQuotesAndImportingAgainAddsNothing() throws {
        let world = try Self.world()
        defer { try? FileManager.default.removeItem(at: world.folder) }
        let line = """
            {"command": "progress", "scope": "union-state-2021-2023", "wording": "more than half of the measures", \
            "as-of": "2023-05-17", "source": "mfa-2023-05-17", "quote": "More than half of the measures have been realised"}
            """
        let file = world.folder.appending(path: "claims.ndjson")
        try (line + "\n").write(to: file, atomically: true, encoding: .utf8)
        let first = try world.ustrack.run("import", file.path)
        #expect(first.status == 0, "\(first.stderr)")
        let count = try world.events()
        let again = try world.ustrack.run("import", file.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try world.events() == count)
        let quote = try world.caughtUp("SELECT quote FROM reporting.claims").string(0, 0)
        #expect(quote == "More than half of the measures have been realised")

        let wrong = world.folder.appending(path: "wrong.ndjson")
        try (line.replacingOccurrences(of: "realised", with: "completed") + "\n").write(to: wrong, atomically: true, encoding: .utf8)
        let refused = try world.ustrack.run("import", wrong.path)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("line 1"), "\(refused.stderr)")
        #expect(try world.events() == count)
    }

    @Test func verifyCatchesATamperedTextAndAQuoteThatNoLongerHolds() throws {
        let world = try Self.world()
        defer { try? FileManager.default.removeItem(at: world.folder) }
        let recorded = try world.progress("more than half of the measures", quote: "More than half of the measures have been realised")
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let clean = try world.ustrack.run("verify")
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("verified 1 stored text and 1 quote: all hold"), "\(clean.stdout)")

        // The table owner, with the append-only trigger disabled, rewrites the stored text.
        try world.connection.execute("ALTER TABLE store.events DISABLE TRIGGER events_refuse_update_delete")
        try world.connection.execute("""
            UPDATE store.events SET data = jsonb_set(data, '{text}', to_jsonb(replace(data ->> 'text', 'More than half', 'Nearly all')))
            WHERE type = 'SourceAdded'
            """)
        try world.connection.execute("ALTER TABLE store.events ENABLE TRIGGER events_refuse_update_delete")

        let tampered = try world.ustrack.run("verify", "--format", "json")
        #expect(tampered.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(tampered.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        let messages = findings.compactMap { $0["message"] as? String }
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.contains { $0.contains("source \"mfa-2023-05-17\" no longer matches its SHA-256") }, "\(messages)")
        #expect(messages.contains { $0.contains("is no longer at") }, "\(messages)")
        let table = try world.ustrack.run("verify")
        #expect(table.status == 1)
        #expect(table.stdout.contains("2 mismatches in 1 stored text and 1 quote"), "\(table.stdout)")
    }
}
