import ArgumentParser
import Extraction
import Foundation
import Postgres
import Tracker

/// `ustrack extract SOURCE`: the progress statements of a source's stored text, proposed as claims
/// (the Extraction module finds them); records nothing.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract", abstract: "Propose claims for the progress statements in a source's stored text; records nothing.",
        discussion: """
            Every figure the wording parser reads ("40 percent", "more than half of the measures", "7 of 28"), \
            and counts in number words up to twenty ("eight of the 28", "восемь из 28"), in a sentence that \
            speaks of implementing programmes, their measures or plans, in English or Russian. Figures about \
            other things (trade, settlements, prices, elections, growth, years, a count with no progress in it) \
            are set aside; --all lists them too, with why. START and END count code points from 0, END \
            excluded: in SQL, substr(text, start + 1, end - start) is the wording. The scope is the portfolio \
            or programme the sentence or its paragraph names, or empty when unsure; as-of is the publication \
            date unless the sentence dates the statement. --format ndjson writes the proposals as `progress` \
            import lines, with the quote; fill in the empty scopes, then `ustrack import` them.
            """ + "\n\n" + Examples.text("""
                ustrack extract mfa-2023-05-17
                ustrack extract mfa-2022-06-30 --all --format json
                ustrack extract minsk-2023-01-19 --format ndjson > claims.ndjson
                """))

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, ndjson }

    @Argument(help: "The source whose stored text to read.") var source: String
    @Flag(help: "Also list the figures set aside, each with why.") var all = false
    @Option(help: "Output format: table, json or ndjson (progress import lines).") var format: Format = .table
    @Option(name: .customLong("database-url"),
            help: "A PostgreSQL URL or conninfo string. Default: DATABASE_URL, then PGHOST/PGDATABASE/PGSERVICE, else the embedded database.")
    var databaseURL: String?

    func run() throws {
        let session = try Session(databaseURL: databaseURL)
        try session.catchUp(reading: true)
        let input = try session.run { try Self.load(source, session.connection) }
        guard let found = input.source else {
            let near = NearestNames.nearest(to: source, among: input.sourceIds)
            let hint = input.sourceIds.isEmpty ? "no source is recorded yet: add one with `ustrack source add ID … --file F`"
                : "give a source id" + (near.isEmpty ? "" : ", such as \(near.map { "\"\($0)\"" }.joined(separator: " or "))")
                    + " (\(input.sourceIds.count) known)"
            throw Failure.badInput("unknown source \"\(source)\": \(hint)")
        }
        guard let text = found.text else {
            throw Failure.badInput("source \"\(source)\" has no stored text to read: add it again with --file FILE")
        }
        let extraction = Extractor.extract(text, facts: found.facts, scopes: input.scopes)
        switch format {
        case .json: try Output.json(Result(source: source, extraction, all: all))
        case .ndjson:
            for proposal in extraction.proposals { Output.line(try Self.importLine(proposal, source: source)) }
        case .table: table(extraction)
        }
    }

    struct Loaded {
        struct Source {
            var facts: SourceFacts
            var text: String?
        }
        var source: Source?
        var scopes: [ScopeEntry]
        var sourceIds: [String]
    }

    /// The command's only reading: the source (its text from its `SourceAdded` event), the catalog
    /// of scopes, and, for an unknown source, the ids there are.
    static func load(_ id: String, _ connection: Connection) throws -> Loaded {
        let queries = ReportingQueries(connection: connection)
        guard let row = try queries.sourceToRead(id) else {
            return Loaded(source: nil, scopes: [], sourceIds: try queries.sourceIds())
        }
        return Loaded(
            source: .init(facts: SourceFacts(publishedOn: row.publishedOn, speaker: row.speaker), text: row.text),
            scopes: try queries.namedScopes().map {
                ScopeEntry(id: $0.id, title: $0.title ?? "", titleRu: $0.titleRu, programmes: $0.plannedProgrammes)
            },
            sourceIds: [])
    }

    struct Claim: Encodable {
        let wording: String, start: Int, end: Int, quote: String
        let lo: Double, hi: Double, loInclusive: Bool, hiInclusive: Bool
        let unit: String, count: Int?, total: Int?, scope: String?, asOf: String, speaker: String?, why: String
        enum CodingKeys: String, CodingKey {
            case wording, start, end, quote, lo, hi, loInclusive = "lo_inclusive", hiInclusive = "hi_inclusive"
            case unit, count, total, scope, asOf = "as_of", speaker, why
        }
        init(_ p: Proposal) {
            (wording, start, end, quote) = (p.wording, p.start, p.end, p.quote)
            (lo, hi, loInclusive, hiInclusive) = (p.interval.lo, p.interval.hi, p.interval.loInclusive, p.interval.hiInclusive)
            (unit, count, total, scope, asOf, speaker, why) = (p.unit.rawValue, p.count, p.total, p.scope, p.asOf.description, p.speaker, p.why)
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(wording, forKey: .wording); try c.encode(start, forKey: .start); try c.encode(end, forKey: .end)
            try c.encode(quote, forKey: .quote); try c.encode(lo, forKey: .lo); try c.encode(hi, forKey: .hi)
            try c.encode(loInclusive, forKey: .loInclusive); try c.encode(hiInclusive, forKey: .hiInclusive)
            try c.encode(unit, forKey: .unit); try c.encode(count, forKey: .count); try c.encode(total, forKey: .total)
            try c.encode(scope, forKey: .scope); try c.encode(asOf, forKey: .asOf); try c.encode(speaker, forKey: .speaker)
            try c.encode(why, forKey: .why)
        }
    }

    struct Aside: Encodable {
        let wording: String, start: Int, end: Int, quote: String, why: String
    }

    struct Result: Encodable {
        let source: String
        let proposals: [Claim]
        let setAside: [Aside]?
        enum CodingKeys: String, CodingKey { case source, proposals, setAside = "set_aside" }
        init(source: String, _ extraction: Extraction, all: Bool) {
            self.source = source
            proposals = extraction.proposals.map(Claim.init)
            setAside = all ? extraction.setAside.map { Aside(wording: $0.wording, start: $0.start, end: $0.end, quote: $0.quote, why: $0.why) } : nil
        }
    }

    /// A `progress` line for `ustrack import`: the wording as the parser reads it ("8 of 28" for
    /// "eight of the 28"), the scope null when unsure, and the sentence as "quote".
    static func importLine(_ p: Proposal, source: String) throws -> String {
        var line: [String: Any] = [
            "command": "progress", "scope": p.scope ?? NSNull(), "wording": p.reading, "as-of": p.asOf.description,
            "source": source, "unit": p.unit.rawValue, "quote": p.quote,
        ]
        if let speaker = p.speaker { line["speaker"] = speaker }
        let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    private func table(_ extraction: Extraction) {
        if extraction.proposals.isEmpty {
            Output.line("no progress statements in source \"\(Output.safe(source, keepingLayout: false))\"")
        } else {
            Output.table(["START", "END", "WORDING", "INTERVAL", "UNIT", "SCOPE", "AS OF", "SPEAKER", "WHY"], extraction.proposals.map {
                ["\($0.start)", "\($0.end)", $0.wording, $0.interval.description, $0.unit.rawValue, $0.scope ?? "?",
                 $0.asOf.description, $0.speaker ?? "", $0.why]
            })
        }
        guard all else { return }
        Output.line()
        if extraction.setAside.isEmpty {
            Output.line("no figures set aside")
        } else {
            Output.line("set aside:")
            Output.table(["START", "END", "WORDING", "WHY"], extraction.setAside.map { ["\($0.start)", "\($0.end)", $0.wording, $0.why] })
        }
    }
}
