import Foundation
import Postgres
import TestSupport
import Testing

/// `ustrack extract` run as a user runs it: over a source added with --file, in each format;
/// it records nothing, and a source without text or an unknown one is bad input.
@Suite struct ExtractTests {
    /// The Lavrov–Aleinik news conference of 2023-05-17, as the extraction tests keep it.
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appending(path: "../ExtractionTests/Fixtures/2023-05-17-moscow-lavrov-aleinik.txt").standardizedFileURL

    struct World {
        let ustrack: UstrackBinary
        let connection: Connection
        let folder: URL

        func events() throws -> Int64 {
            try connection.execute("SELECT count(*) FROM store.events").int64(0, 0)!
        }
    }

    static func world(_ label: String = #function) throws -> World {
        let conninfo = try TestDatabase.create(label)
        let world = World(ustrack: UstrackBinary(database: conninfo), connection: try Connection.connect(conninfo),
                          folder: FileManager.default.temporaryDirectory.appending(path: "extract-tests-\(UUID().uuidString)"))
        try FileManager.default.createDirectory(at: world.folder, withIntermediateDirectories: true)
        for arguments in [
            ["portfolio", "define", "union-state-2021-2023", "--title", "Main directions for implementing the Treaty on the Creation of the Union State, 2021-2023",
             "--programmes", "28"],
            ["programme", "add", "currency-regulation", "--portfolio", "union-state-2021-2023",
             "--title", "Harmonisation of currency regulation and currency control"],
            ["source", "add", "mfa-2023-05-17", "--title", "Lavrov's remarks", "--published-on", "2023-05-17",
             "--speaker", "Sergey Lavrov", "--file", document.path],
            ["source", "add", "no-text", "--title", "A source kept without its text", "--published-on", "2023-05-18"],
        ] {
            let outcome = try world.ustrack.run(arguments)
            #expect(outcome.status == 0, "\(arguments): \(outcome.stderr)")
        }
        return world
    }

    @Test func proposesTheStatementWithItsSpanInEachFormatAndRecordsNothing() throws {
        let world = try Self.world()
        defer { try? FileManager.default.removeItem(at: world.folder) }
        let before = try world.events()

        let json = try world.ustrack.run("extract", "mfa-2023-05-17", "--format", "json")
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["set_aside"] == nil, "set aside only with --all")
        let proposals = try #require(object["proposals"] as? [[String: Any]])
        #expect(proposals.count == 1)
        let claim = try #require(proposals.first)
        #expect(claim["wording"] as? String == "More than half of the measures")
        #expect(claim["unit"] as? String == "measures")
        #expect(claim["scope"] as? String == "union-state-2021-2023")
        #expect(claim["as_of"] as? String == "2023-05-17")
        #expect(claim["speaker"] as? String == "Sergey Lavrov")
        #expect(claim["lo"] as? Double == 50 && claim["hi"] as? Double == 100)
        #expect(claim["lo_inclusive"] as? Bool == false && claim["hi_inclusive"] as? Bool == true)
        #expect((claim["quote"] as? String)?.hasPrefix("More than half of the measures have been realised") == true)
        for key in ["start", "end", "count", "total", "why"] { #expect(claim.keys.contains(key), "\(key)") }
        // The offsets reproduce the wording in PostgreSQL, which counts code points.
        let start = try #require(claim["start"] as? Int), end = try #require(claim["end"] as? Int)
        let stored = try world.connection.execute(
            "SELECT substr(text, $1::int + 1, $2::int - $1::int) FROM projection.sources WHERE id = 'mfa-2023-05-17'", [start, end])
        #expect(stored.string(0, 0) == "More than half of the measures")

        let all = try world.ustrack.run("extract", "mfa-2023-05-17", "--all", "--format", "json")
        #expect(all.status == 0, "\(all.stderr)")
        let allObject = try #require(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any])
        let setAside = try #require(allObject["set_aside"] as? [[String: Any]])
        let trade = try #require(setAside.first { $0["wording"] as? String == "45" })
        #expect(trade["why"] as? String == "an amount of money")

        let table = try world.ustrack.run("extract", "mfa-2023-05-17", "--all")
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasPrefix("START"), "\(table.stdout)")
        #expect(table.stdout.contains("More than half of the measures"))
        #expect(table.stdout.contains("set aside:"))

        let ndjson = try world.ustrack.run("extract", "mfa-2023-05-17", "--format", "ndjson")
        #expect(ndjson.status == 0, "\(ndjson.stderr)")
        let lines = ndjson.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let line = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(line["command"] as? String == "progress")
        #expect(line["wording"] as? String == "More than half of the measures")
        #expect(line["as-of"] as? String == "2023-05-17")
        #expect(line["source"] as? String == "mfa-2023-05-17")
        #expect((line["quote"] as? String)?.contains("realised") == true)

        #expect(try world.events() == before, "extract records nothing")

        // Without "quote" (which import does not take yet), the line imports as it is.
        var importable = line
        importable["quote"] = nil
        let file = world.folder.appending(path: "claims.ndjson")
        try JSONSerialization.data(withJSONObject: importable).write(to: file)
        let imported = try world.ustrack.run("import", file.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try world.events() == before + 1)
    }

    @Test func aSourceWithoutTextOrAnUnknownSourceIsBadInput() throws {
        let world = try Self.world()
        defer { try? FileManager.default.removeItem(at: world.folder) }
        let before = try world.events()

        let noText = try world.ustrack.run("extract", "no-text")
        #expect(noText.status == 2)
        #expect(noText.stderr.contains("add it again with --file"), "\(noText.stderr)")

        let unknown = try world.ustrack.run("extract", "mfa-2023-05-71", "--format", "ndjson")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown source \"mfa-2023-05-71\""), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("\"mfa-2023-05-17\""), "the nearest id: \(unknown.stderr)")
        #expect(unknown.stdout.isEmpty)

        #expect(try world.events() == before)
    }
}
