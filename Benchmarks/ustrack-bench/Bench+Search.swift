import Foundation
import Postgres

extension Bench {
    /// `reporting.search_sources` over many long sources, best 10 with snippets, against the
    /// plainest indexed read of the same table: one source by its id. Queries per second, each
    /// query on its own round trip, as `ustrack search` sends it.
    func search() throws {
        let count = options.searchSources
        try withDatabase { database in
            let connection = try database.connect()
            let started = ContinuousClock.now
            let commonQuery = try SearchWorkload.load(connection, sources: count)
            let loading = (ContinuousClock.now - started).seconds
            func rate(_ label: String, _ query: @escaping (Int) throws -> Void) -> () throws -> Double {
                {
                    var done = 0
                    let started = ContinuousClock.now
                    while (ContinuousClock.now - started).seconds < self.options.seconds || done < 3 {
                        try query(done)
                        done += 1
                    }
                    let rate = Double(done) / (ContinuousClock.now - started).seconds
                    FileHandle.standardError.write(Data("  \(label): \(String(format: "%.1f", 1000 / rate)) ms a query\n".utf8))
                    return rate
                }
            }
            let lookup = rate("SELECT … FROM reporting.sources WHERE id = $1") { n in
                try connection.execute("SELECT id, title, published_on FROM reporting.sources WHERE id = $1",
                                       ["bench-\(1 + n * 7919 % count)"])
            }
            func search(_ query: String) -> () throws -> Double {
                rate("reporting.search_sources('\(query)', now(), 10)") { _ in
                    try connection.execute("SELECT source, rank, snippet FROM reporting.search_sources($1, now(), 10)", [query])
                }
            }
            let rates = try medians([lookup, search(SearchWorkload.selectiveQuery), search(commonQuery)])
            let hits = try [SearchWorkload.selectiveQuery, commonQuery].map { try SearchWorkload.matches(connection, $0) }
            let sources = grouped(Double(count))
            rows.append(Row(name: "search \(sources) sources, \(grouped(Double(hits[0]))) hits", ustrack: rates[1], baseline: rates[0], target: nil))
            rows.append(Row(name: "search \(sources) sources, \(grouped(Double(hits[1]))) hits", ustrack: rates[2], baseline: rates[0], target: nil))
            func milliseconds(_ rate: Double) -> String { String(format: "%.1f ms", 1000 / rate) }
            notes.append("search: \(sources) sources of \(grouped(Double(SearchWorkload.paragraphsPerSource * SearchWorkload.wordsPerParagraph))) words "
                + "(loaded and indexed in \(String(format: "%.0f", loading)) s); the best 10 with snippets take "
                + "\(milliseconds(rates[1])) for \"\(SearchWorkload.selectiveQuery)\" (\(grouped(Double(hits[0]))) sources match) and "
                + "\(milliseconds(rates[2])) for \"\(commonQuery)\" (\(grouped(Double(hits[1]))) match), "
                + "against \(milliseconds(rates[0])) for one source by its id. Aim: well under 100 ms.")
        }
    }
}
