import ArgumentParser
import Foundation
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

/// What the command line holds, checked before ArgumentParser reads it.
enum CommandLineWords {
    /// Swift turns invalid UTF-8 in an argument into U+FFFD without a word, so a wording or title
    /// typed in another encoding would be stored changed. The raw bytes are checked instead, as
    /// `import` checks a file's.
    static func refuseInvalidUTF8() throws {
        for position in 1..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[position] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
            var decoder = UTF8()
            var iterator = bytes.makeIterator()
            var offset = 0
            decoding: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): offset += UTF8.width(scalar)
                case .emptyInput: break decoding
                case .error:
                    throw Failure.badInput("""
                        argument \(position) is not valid UTF-8 (byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) \
                        at byte \(offset + 1)): give every argument in UTF-8, e.g. convert a file's text with iconv -t UTF-8
                        """)
                }
            }
        }
    }

    /// Parses `arguments`, reading a word that starts with a dash yet cannot be an option (it
    /// holds a space, or a digit follows the dash: "-5 percent") as a value: `--note=-5 …` after
    /// an option's name, else after `--` as a positional, as the shell user would otherwise have to
    /// write it. ArgumentParser alone takes it for a bundle of short options: "Missing expected
    /// argument", or even `-h` from "-more than half" and the help with exit 0.
    static func parse<Command>(_ arguments: [String], with parse: ([String]?) throws -> Command) throws -> Command {
        do {
            return try parse(valuesStartingWithADash(arguments) ?? arguments)
        } catch where Ustrack.exitCode(for: error) == .validationFailure {
            // A word such as "-more" may still be read as options: say how to give it as a value.
            let message = Ustrack.fullMessage(for: error)
            guard message.contains("Missing expected argument") || message.contains("Unknown option")
                    || message.contains("Missing value") else { throw error }
            // Words the usage line does not list were read as options it does not have.
            let unknown = arguments.filter { $0.hasPrefix("-") && $0 != "--" && !message.contains($0.split(separator: "=")[0]) }
            let read = unknown.isEmpty ? "" : "\(unknown.map { "`\($0)`" }.joined(separator: ", ")) read as \(unknown.count == 1 ? "an option" : "options") this command does not have. "
            throw Failure.badInput((message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message) + "\n" + read + dashHint)
        }
    }

    static let dashHint = """
        A value that starts with a dash reads as an option: write it after the option's name with \
        `=` (--note=-5), or put `--` before the arguments, e.g. ustrack parse -- "-5 percent"
        """

    static func valuesStartingWithADash(_ arguments: [String]) -> [String]? {
        var result: [String] = [], trailing: [String] = []
        for argument in arguments {
            if argument == "--" { return nil }
            let rest = argument.dropFirst()
            guard argument.hasPrefix("-"), let second = rest.first, second != "-",
                  second.isNumber || second == "." || rest.contains(where: \.isWhitespace) else {
                result.append(argument)
                continue
            }
            if let option = result.last, option.hasPrefix("--"), !option.contains("=") {
                result[result.count - 1] = option + "=" + argument
            } else {
                trailing.append(argument)
            }
        }
        guard result.count + trailing.count < arguments.count || !trailing.isEmpty else { return nil }  // none found
        return result + (trailing.isEmpty ? [] : ["--"] + trailing)
    }
}
