import ArgumentParser
import Tracker

struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Show the interval a progress wording means; writes nothing.",
        discussion: Examples.text("""
            ustrack parse "more than half of the measures"
            ustrack parse "около 40 процентов"
            ustrack parse "7 of 28" --format json
            """))
    @Argument(help: "The wording, e.g. \"more than half\", \"около 40 процентов\", \"7 of 28\".") var wording: String
    @OptionGroup var options: CommonOptions

    struct Result: Encodable {
        let lo: Double
        let hi: Double
        let loInclusive: Bool
        let hiInclusive: Bool
        let count: Int?
        let total: Int?
        let rule: String
        enum CodingKeys: String, CodingKey {
            case lo, hi, loInclusive = "lo_inclusive", hiInclusive = "hi_inclusive", count, total, rule
        }
    }

    func run() throws {
        let parsed: ParsedWording
        do { parsed = try WordingParser.parse(wording) } catch { throw Failure.badInput("\(error)") }
        let interval = parsed.interval
        let result = Result(lo: interval.lo, hi: interval.hi, loInclusive: interval.loInclusive,
                            hiInclusive: interval.hiInclusive, count: parsed.count, total: parsed.total, rule: parsed.rule)
        switch options.format {
        case .json: try Output.json(result)
        case .csv:
            Output.csv([["lo", "hi", "lo_inclusive", "hi_inclusive", "count", "total", "rule"],
                        [PercentInterval.format(interval.lo), PercentInterval.format(interval.hi),
                         String(interval.loInclusive), String(interval.hiInclusive),
                         parsed.count.map(String.init) ?? "", parsed.total.map(String.init) ?? "", parsed.rule]])
        case .table:
            let counted = parsed.count.map { " — \($0) of \(parsed.total ?? 0)" } ?? ""
            Output.line("\(interval) percent (\(parsed.rule))\(counted)")
        }
    }
}
