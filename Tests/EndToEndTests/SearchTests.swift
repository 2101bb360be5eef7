import ChildProcess
import Foundation
import Postgres
import TestSupport
import XCTest

/// `ustrack search` and `reporting.search_sources` over the five documents of shared/sources
/// (as the demo loads them) and small texts of the tests' own.
final class SearchTests: XCTestCase {
    private var ustrack: UstrackBinary!
    private var connection: Connection!
    private var folder: URL!

    /// shared/sources beside the repository, as scripts/demo finds it.
    private static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appending(path: "../../../shared/sources").standardizedFileURL

    override func setUpWithError() throws {
        guard FileManager.default.fileExists(atPath: Self.sources.appending(path: "INDEX.md").path) else {
            throw XCTSkip("the source documents are not at \(Self.sources.path); search is tested over them")
        }
        let conninfo = try TestDatabase.create(name)
        ustrack = UstrackBinary(database: conninfo)
        connection = try Connection.connect(conninfo)
        let demo = try ustrack.run("demo", "--sources", Self.sources.path)
        XCTAssertEqual(demo.status, 0, demo.stderr)
        folder = FileManager.default.temporaryDirectory.appending(path: "search-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private func addSource(_ id: String, _ title: String, text: String, publishedOn: String = "2023-06-01") throws {
        let file = folder.appending(path: "\(id).txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let outcome = try ustrack.run("source", "add", id, "--title", title, "--published-on", publishedOn, "--file", file.path)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
    }

    private func search(_ arguments: String...) throws -> [[String: Any]] {
        let outcome = try ustrack.run(["search"] + arguments + ["--format", "json"])
        XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
        return try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as! [[String: Any]]
    }

    func testEnglishWordsMatchInEveryFormWithTheMatchesMarked() throws {
        // The documents say "implemented" and "programme(s)", never "implementing programmes".
        let hits = try search("implementing programmes")
        let ids = hits.map { $0["source"] as! String }
        XCTAssertTrue(ids.contains("minsk-2023-01-19"), "\(ids)")
        XCTAssertTrue(ids.contains("mfa-2022-06-30"), "\(ids)")
        let first = try XCTUnwrap(hits.first)
        for key in ["source", "title", "published_on", "speaker", "rank", "snippet"] {
            XCTAssertNotNil(first[key], "a hit has \(key): \(first)")
        }
        let snippet = first["snippet"] as! String
        XCTAssertTrue(snippet.contains("**implemented**") || snippet.contains("**programmes**"), snippet)
        XCTAssertFalse(snippet.contains("\n"), snippet)
        let ranks = hits.map { $0["rank"] as! Double }
        XCTAssertEqual(ranks, ranks.sorted(by: >), "best first")
        XCTAssertEqual(try search("implementing programmes", "--limit", "1").count, 1)
        // The table shows the same hits.
        let table = try ustrack.run("search", "implementing programmes")
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("RANK"), table.stdout)
        XCTAssertTrue(table.stdout.contains("minsk-2023-01-19"), table.stdout)
    }

    func testRussianWordsMatchInEveryFormAndYoIsReadAsYe() throws {
        try addSource("ru-programmes", "Заседание Совета Министров",
                      text: "Обсуждён ход реализации союзных программ. Подписан отчет о работе.")
        let hits = try search("союзная программа")
        XCTAssertEqual(hits.map { $0["source"] as! String }, ["ru-programmes"])
        XCTAssertTrue((hits[0]["snippet"] as! String).contains("**союзных** **программ**"), "\(hits[0])")
        // ё in the text found with е in the query, and the other way round.
        XCTAssertEqual(try search("обсужден").map { $0["source"] as! String }, ["ru-programmes"])
        XCTAssertEqual(try search("отчёт").map { $0["source"] as! String }, ["ru-programmes"])
        XCTAssertEqual(try search("Заседания советов").map { $0["source"] as! String }, ["ru-programmes"], "titles are searched")
    }

    func testATextThatSaysThePhraseTwiceRanksAboveOneThatSaysItOnce() throws {
        try addSource("once", "Once", text: "The customs union roadmap was discussed. Trade and energy were also on the agenda today.")
        try addSource("twice", "Twice", text: "The customs union roadmap was discussed. The customs union roadmap was approved at last.")
        let hits = try search("\"customs union roadmap\"")
        XCTAssertEqual(hits.map { $0["source"] as! String }, ["twice", "once"])
        XCTAssertGreaterThan(hits[0]["rank"] as! Double, hits[1]["rank"] as! Double)
    }

    func testAReaderLoginCanSearch() throws {
        try connection.execute("""
            DO $$ BEGIN CREATE ROLE search_reader LOGIN IN ROLE ustrack_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$
            """)
        var reader = ustrack!
        reader.environment["DATABASE_URL"] = reader.environment["DATABASE_URL"]!.replacingOccurrences(
            of: #"^postgresql://[^@]*@"#, with: "postgresql://search_reader@", options: .regularExpression)
        let outcome = try reader.run("search", "programmes", "--format", "json")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("minsk-2023-01-19"), outcome.stdout)
        try connection.execute("SET ROLE ustrack_reader")
        defer { _ = try? connection.execute("RESET ROLE") }
        let sources = try connection.execute("SELECT source FROM reporting.search_sources('programmes')").column().compactMap { $0 }
        XCTAssertTrue(sources.contains("minsk-2023-01-19"), "\(sources)")
        XCTAssertThrowsError(try connection.execute("SELECT text FROM projection.sources")) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, .insufficientPrivilege, "\(error)")
        }
    }

    func testAnEmptyQueryIsRefusedAndStopWordsAloneFindNothing() throws {
        for query in ["", "   "] {
            let outcome = try ustrack.run("search", query)
            XCTAssertEqual(outcome.status, 2, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("give words to search for"), outcome.stderr)
        }
        let limit = try ustrack.run("search", "programmes", "--limit", "0")
        XCTAssertEqual(limit.status, 2, limit.stderr)
        for query in ["the of and", "и в на"] {
            let outcome = try ustrack.run("search", query)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertTrue(outcome.stdout.hasPrefix("no hits"), outcome.stdout)
            XCTAssertEqual(try search(query).count, 0, query)
        }
    }

    func testKnownAtBeforeASourceWasRecordedHidesIt() throws {
        let before = try XCTUnwrap(try connection.execute("SELECT clock_timestamp()::text").string(0, 0))
        try addSource("later", "Later", text: "A zebra crossing was built beside the ministry.")
        XCTAssertEqual(try search("zebra").map { $0["source"] as! String }, ["later"])
        XCTAssertEqual(try search("zebra", "--known-at", before).count, 0)
        XCTAssertFalse(try search("programmes", "--known-at", before).isEmpty, "the sources recorded before stay")
    }
}
