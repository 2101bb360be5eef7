import ArgumentParser
import Foundation
import Postgres

/// Full-text search over the sources' titles and stored texts, through
/// `reporting.search_sources` (db/functions/reporting/search_sources.sql): Russian and English words are stemmed, ё is read as е,
/// and the snippet marks each match **like this**.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Ranked hits in the sources' titles and stored texts (Russian and English), with snippets.",
        discussion: """
            QUERY is read as a web search: words (each form of a word matches: "программа" finds \
            "программ"), "a phrase" in double quotes, `or`, and -word to leave a word out. Words \
            too common to search for (and, the, и, в) are passed over: a query of only those finds \
            nothing. In the snippet, matches are marked **like this** and ё is shown as е.
            """ + "\n\n" + Examples.text("""
                ustrack search "союзные программы"
                ustrack search "implementing programmes" --limit 3
                ustrack search "\\"road map\\" -gas" --known-at 2023-01-01 --format json
                """))
    @Argument(help: "The words to search for.") var query: String
    @Option(help: "At most this many hits, best first.") var limit: Int = 10
    @Option(name: .customLong("known-at"), help: "Only sources recorded by this time (ISO 8601). Default: now.") var knownAt: String?
    @OptionGroup var options: CommonOptions

    typealias Hit = ReportingQueries.SearchHit

    static let csv: [Column<Hit>] = [
        Column("source") { $0.source }, Column("title") { $0.title }, Column("published_on") { $0.publishedOn.description },
        Column("speaker") { $0.speaker ?? "" }, Column("url") { $0.url ?? "" }, Column("rank") { rank($0.rank) },
        Column("snippet") { $0.snippet },
    ]

    static let table: [Column<Hit>] = [
        Column("RANK") { rank($0.rank) }, Column("SOURCE") { $0.source }, Column("PUBLISHED") { $0.publishedOn.description },
        Column("SPEAKER") { $0.speaker ?? "" }, Column("TITLE") { $0.title }, Column("SNIPPET") { $0.snippet },
    ]

    func validate() throws {
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ArgumentParser.ValidationError("give words to search for, e.g. `ustrack search \"союзные программы\"`")
        }
        guard limit > 0 else { throw ArgumentParser.ValidationError("--limit must be a positive number of hits") }
    }

    func run() throws {
        let session = try Session(options)
        let known = try TimeOptions.timestamp(knownAt, session.connection)
        try session.catchUp(reading: true)
        let hits = try session.run { try session.queries.search(query, knownAt: known, limit: limit) }
        try Output.rows(hits, as: options.format, csv: Self.csv, table: Self.table) {
            Output.safe("no hits for \"\(query.count > EchoedInput.limit ? EchoedInput.cut(query) : query)\""
                + (knownAt.map { " among the sources recorded by \($0)" } ?? ""), keepingLayout: false)
        }
    }

    static func rank(_ value: Double) -> String { String(format: "%.4f", value) }
}
