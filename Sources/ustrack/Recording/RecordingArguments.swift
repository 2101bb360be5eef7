import Crypto
import Foundation
import Tracker

/// The arguments of one recording command, defined once for both ways in: the command line
/// (the ArgumentParser command fills them from the words typed) and an import line (`init(from:)`
/// reads them from the line's keys, without the argument parser). Both turn them into the
/// `Command` through the same `command()`, which holds the command's checks.
protocol RecordingArguments {
    /// The command's words, e.g. `["programme", "add"]`: an import line's "command".
    static var words: [String] { get }
    init(from fields: inout ImportFields) throws
    func command() throws -> Command
}

/// Every recording command, by its words.
enum RecordingArgumentTypes {
    static let all: [any RecordingArguments.Type] = [
        PortfolioDefineArguments.self, PortfolioReviseArguments.self, ProgrammeAddArguments.self,
        ProgrammeCompleteArguments.self, MilestoneAddArguments.self, MilestoneReachArguments.self,
        SourceAddArguments.self, ProgressArguments.self, RetractArguments.self,
    ]

    private static let byWords: [String: any RecordingArguments.Type] =
        Dictionary(uniqueKeysWithValues: all.map { ($0.words.joined(separator: " "), $0) })

    static func type(named words: String) -> (any RecordingArguments.Type)? {
        byWords[words.split(separator: " ").joined(separator: " ")]
    }

    static var names: String { all.map { $0.words.joined(separator: " ") }.joined(separator: ", ") }
}

/// An import line's argument keys, read as the command line reads its arguments: text as
/// given, whole numbers as the `Int` options parse them. Keys are the names `--help` shows;
/// a key no argument reads is refused, as an unknown option is.
struct ImportFields {
    private var fields: [String: Any]
    private var read: [String] = []

    init(_ fields: [String: Any]) {
        self.fields = fields
    }

    /// A required argument.
    mutating func text(_ name: String) throws -> String {
        guard let value = try optionalText(name) else { throw Failure.badInput("missing \"\(name)\"") }
        return value
    }

    /// An optional argument; JSON null is the same as leaving it out.
    mutating func optionalText(_ name: String) throws -> String? {
        read.append(name)
        guard let value = fields.removeValue(forKey: name), !(value is NSNull) else { return nil }
        switch value {
        case let string as String: return string
        // JSON true/false arrive as an NSNumber subclass; no argument takes a boolean.
        case let number as NSNumber where !String(describing: type(of: number)).contains("Boolean"):
            return number.stringValue
        default: throw Failure.badInput("\"\(name)\" must be a string or a number")
        }
    }

    /// A whole number, as the command line's `Int` options read one.
    mutating func count(_ name: String) throws -> Int? {
        guard let text = try optionalText(name) else { return nil }
        guard let number = Int(text) else {
            throw Failure.badInput("The value '\(text)' is invalid for '\(name) <\(name)>': give a whole number")
        }
        return number
    }

    /// Refuses a key that no argument read.
    func finish() throws {
        guard let unknown = fields.keys.sorted().first else { return }
        let names = read.map { "\"\($0)\"" }.joined(separator: ", ")
        throw Failure.badInput("Unknown option '\(unknown)': this command takes \(names)")
    }
}

struct PortfolioDefineArguments: RecordingArguments {
    static let words = ["portfolio", "define"]
    var id: String
    var title: String
    var titleRu: String?
    var approvedOn: String?
    var approvedBy: String?
    var period: String?
    var programmes: Int?
    var measures: Int?

    init(id: String, title: String, titleRu: String?, approvedOn: String?, approvedBy: String?, period: String?,
         programmes: Int?, measures: Int?) {
        (self.id, self.title, self.titleRu, self.approvedOn) = (id, title, titleRu, approvedOn)
        (self.approvedBy, self.period, self.programmes, self.measures) = (approvedBy, period, programmes, measures)
    }

    init(from fields: inout ImportFields) throws {
        self.init(id: try fields.text("id"), title: try fields.text("title"), titleRu: try fields.optionalText("title-ru"),
                  approvedOn: try fields.optionalText("approved-on"), approvedBy: try fields.optionalText("approved-by"),
                  period: try fields.optionalText("period"), programmes: try fields.count("programmes"),
                  measures: try fields.count("measures"))
    }

    func command() throws -> Command {
        .definePortfolio(DefinePortfolio(id: id, title: title, titleRu: titleRu, approvedOn: approvedOn,
                                         approvedBy: approvedBy, period: period,
                                         plannedProgrammes: programmes, plannedMeasures: measures))
    }
}

struct PortfolioReviseArguments: RecordingArguments {
    static let words = ["portfolio", "revise"]
    var id: String
    var on: String
    var programmes: Int?
    var measures: Int?
    var source: String?

    init(id: String, on: String, programmes: Int?, measures: Int?, source: String?) {
        (self.id, self.on, self.programmes, self.measures, self.source) = (id, on, programmes, measures, source)
    }

    init(from fields: inout ImportFields) throws {
        self.init(id: try fields.text("id"), on: try fields.text("on"), programmes: try fields.count("programmes"),
                  measures: try fields.count("measures"), source: try fields.optionalText("source"))
    }

    func command() throws -> Command {
        .revisePortfolio(RevisePortfolio(id: id, on: on, plannedProgrammes: programmes,
                                         plannedMeasures: measures, source: source))
    }
}

struct ProgrammeAddArguments: RecordingArguments {
    static let words = ["programme", "add"]
    var id: String
    var portfolio: String
    var title: String
    var titleRu: String?
    var lead: String?
    var measures: Int?

    init(id: String, portfolio: String, title: String, titleRu: String?, lead: String?, measures: Int?) {
        (self.id, self.portfolio, self.title, self.titleRu, self.lead, self.measures) = (id, portfolio, title, titleRu, lead, measures)
    }

    init(from fields: inout ImportFields) throws {
        self.init(id: try fields.text("id"), portfolio: try fields.text("portfolio"), title: try fields.text("title"),
                  titleRu: try fields.optionalText("title-ru"), lead: try fields.optionalText("lead"),
                  measures: try fields.count("measures"))
    }

    func command() throws -> Command {
        .addProgramme(AddProgramme(id: id, portfolio: portfolio, title: title, titleRu: titleRu,
                                   lead: lead, plannedMeasures: measures))
    }
}

struct ProgrammeCompleteArguments: RecordingArguments {
    static let words = ["programme", "complete"]
    var id: String
    var on: String
    var source: String?

    init(id: String, on: String, source: String?) {
        (self.id, self.on, self.source) = (id, on, source)
    }

    init(from fields: inout ImportFields) throws {
        self.init(id: try fields.text("id"), on: try fields.text("on"), source: try fields.optionalText("source"))
    }

    func command() throws -> Command {
        .completeProgramme(CompleteProgramme(id: id, on: on, source: source))
    }
}

struct MilestoneAddArguments: RecordingArguments {
    static let words = ["milestone", "add"]
    var programme: String
    var id: String
    var title: String
    var due: String?

    init(programme: String, id: String, title: String, due: String?) {
        (self.programme, self.id, self.title, self.due) = (programme, id, title, due)
    }

    init(from fields: inout ImportFields) throws {
        self.init(programme: try fields.text("programme"), id: try fields.text("id"), title: try fields.text("title"),
                  due: try fields.optionalText("due"))
    }

    func command() throws -> Command {
        .addMilestone(AddMilestone(programme: programme, id: id, title: title, due: due))
    }
}

struct MilestoneReachArguments: RecordingArguments {
    static let words = ["milestone", "reach"]
    var programme: String
    var id: String
    var on: String
    var source: String?

    init(programme: String, id: String, on: String, source: String?) {
        (self.programme, self.id, self.on, self.source) = (programme, id, on, source)
    }

    init(from fields: inout ImportFields) throws {
        self.init(programme: try fields.text("programme"), id: try fields.text("id"), on: try fields.text("on"),
                  source: try fields.optionalText("source"))
    }

    func command() throws -> Command {
        .reachMilestone(ReachMilestone(programme: programme, id: id, on: on, source: source))
    }
}

struct SourceAddArguments: RecordingArguments {
    static let words = ["source", "add"]
    var id: String
    var title: String
    var publishedOn: String
    var speaker: String?
    var publisher: String?
    var url: String?
    /// A path; an import line's is already resolved against the import file's folder.
    var file: String?

    init(id: String, title: String, publishedOn: String, speaker: String?, publisher: String?, url: String?, file: String?) {
        (self.id, self.title, self.publishedOn, self.speaker) = (id, title, publishedOn, speaker)
        (self.publisher, self.url, self.file) = (publisher, url, file)
    }

    init(from fields: inout ImportFields) throws {
        self.init(id: try fields.text("id"), title: try fields.text("title"), publishedOn: try fields.text("published-on"),
                  speaker: try fields.optionalText("speaker"), publisher: try fields.optionalText("publisher"),
                  url: try fields.optionalText("url"), file: try fields.optionalText("file"))
    }

    func command() throws -> Command {
        var text: String?, sha256: String?
        if let file {
            let (contents, digest) = try Self.read(file)
            text = contents
            sha256 = digest
        }
        return .addSource(AddSource(id: id, title: title, publishedOn: publishedOn, speaker: speaker,
                                    publisher: publisher, url: url, text: text, sha256: sha256))
    }

    static func read(_ path: String) throws -> (text: String, sha256: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure.badInput("cannot read --file \(path): no such readable file; give the path of a UTF-8 text file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure.badInput("--file \(path) is not UTF-8 text; convert it first (e.g. iconv -t UTF-8)")
        }
        return (text, SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
    }
}

struct ProgressArguments: RecordingArguments {
    static let words = ["progress"]
    var scope: String
    var wording: String
    var asOf: String
    var source: String
    var unit: String?
    var speaker: String?
    var note: String?
    var quote: String?

    init(scope: String, wording: String, asOf: String, source: String, unit: String?, speaker: String?, note: String?,
         quote: String?) {
        (self.scope, self.wording, self.asOf, self.source) = (scope, wording, asOf, source)
        (self.unit, self.speaker, self.note, self.quote) = (unit, speaker, note, quote)
    }

    init(from fields: inout ImportFields) throws {
        self.init(scope: try fields.text("scope"), wording: try fields.text("wording"), asOf: try fields.text("as-of"),
                  source: try fields.text("source"), unit: try fields.optionalText("unit"),
                  speaker: try fields.optionalText("speaker"), note: try fields.optionalText("note"),
                  quote: try fields.optionalText("quote"))
    }

    func command() throws -> Command {
        let parsed: ParsedWording
        do { parsed = try WordingParser.parse(wording) } catch { throw Failure.badInput("\(error)") }
        return .claimProgress(ClaimProgress(
            scope: scope, wording: wording, interval: parsed.interval, count: parsed.count, total: parsed.total,
            unit: unit, asOf: asOf, source: source, speaker: speaker, note: note, quote: quote))
    }
}

struct RetractArguments: RecordingArguments {
    static let words = ["retract"]
    var eventId: String
    var reason: String

    init(eventId: String, reason: String) {
        (self.eventId, self.reason) = (eventId, reason)
    }

    init(from fields: inout ImportFields) throws {
        self.init(eventId: try fields.text("event-id"), reason: try fields.text("reason"))
    }

    func command() throws -> Command {
        .retract(RetractEvent(eventId: eventId, reason: reason))
    }
}
