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

    struct Hit: Encodable {
        let source: String
        let title: String
        let publishedOn: String
        let speaker: String?
        let url: String?
        let rank: Double
        let snippet: String
        enum CodingKeys: String, CodingKey { case source, title, publishedOn = "published_on", speaker, url, rank, snippet }
    }

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
        let result = try session.run {
            try session.connection.execute("""
                SELECT source, title, published_on::text, speaker, url, rank, snippet
                FROM reporting.search_sources($1, $2::timestamptz, $3)
                """, [query, known, limit])
        }
        let hits = (0..<result.rowCount).map { r in
            Hit(source: result.string(r, 0)!, title: result.string(r, 1)!, publishedOn: result.string(r, 2)!,
                speaker: result.string(r, 3), url: result.string(r, 4), rank: result.double(r, 5) ?? 0,
                snippet: result.string(r, 6) ?? "")
        }
        switch options.format {
        case .json: try Output.json(hits)
        case .csv:
            Output.csv([["source", "title", "published_on", "speaker", "url", "rank", "snippet"]]
                + hits.map { [$0.source, $0.title, $0.publishedOn, $0.speaker ?? "", $0.url ?? "", Self.rank($0.rank), $0.snippet] })
        case .table:
            guard !hits.isEmpty else {
                return Output.line(Output.safe("no hits for \"\(query.count > EchoedInput.limit ? EchoedInput.cut(query) : query)\""
                    + (knownAt.map { " among the sources recorded by \($0)" } ?? ""), keepingLayout: false))
            }
            Output.table(["RANK", "SOURCE", "PUBLISHED", "SPEAKER", "TITLE", "SNIPPET"], hits.map {
                [Self.rank($0.rank), $0.source, $0.publishedOn, $0.speaker ?? "", $0.title, $0.snippet]
            })
        }
    }

    static func rank(_ value: Double) -> String { String(format: "%.4f", value) }
}
