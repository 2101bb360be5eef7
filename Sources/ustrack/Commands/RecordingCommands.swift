import ArgumentParser
import EventStore
import Foundation
import Tracker

/// A CLI command that records something: it hands its arguments to the `RecordingArguments`
/// that `import` fills from NDJSON lines too, whose `Command` the shared `run` decides and appends.
protocol RecordingCommand: ParsableCommand {
    associatedtype Arguments: RecordingArguments
    var options: CommonOptions { get }
    var arguments: Arguments { get }
}

extension RecordingCommand {
    func run() throws {
        let command = try arguments.command()
        let session = try Session(options)
        let store = session.store
        // One id for every try, so a retry after a lost answer finds the first try's events.
        let commandId = UUID.random()
        var appending = false
        let recorded: (Decision, RecordedOutput.Stored)
        do {
            recorded = try session.run {
                try ConflictRetry.run {
                    let decision = try Recorder(store: store).decide(command)
                    if let originals = decision.repeated {
                        return (decision, try RecordedOutput.Stored(originals: originals, in: store))
                    }
                    appending = true
                    let result = try store.append(
                        to: decision.stream.description, expected: .exactly(Int64(decision.expectedVersion)),
                        events: try Recorder.newEvents(decision, commandId: commandId), commandId: commandId)
                    return (decision, RecordedOutput.Stored(result))
                }
            }
        } catch let failure as Failure where failure.code == .unreachable && appending {
            throw Failure(code: .unreachable, message: failure.message + "\n" + Failure.outcomeUnknown)
        }
        try RecordedOutput.print(recorded.0, recorded.1, format: options.format)
        try session.catchUp()
    }
}

enum RecordedOutput {
    struct Row: Encodable {
        let eventId: String
        let type: String
        let stream: String
        let version: Int64
        let position: Int64
        let alreadyRecorded: Bool
        enum CodingKeys: String, CodingKey {
            case eventId = "event_id", type, stream, version, position, alreadyRecorded = "already_recorded"
        }
    }

    /// What the store holds for a decision: the events just appended, or the originals of a repeat.
    struct Stored {
        var events: [(id: UUID, version: Int64, position: Int64)]
        var alreadyRecorded: Bool

        init(_ result: AppendResult) {
            events = result.events.map { ($0.id, $0.version, $0.position) }
            alreadyRecorded = result.wasDuplicate
        }

        init(originals: [UUID], in store: EventStore) throws {
            events = try originals.map { id in
                guard let event = try store.event(id: id) else {
                    throw Failure.other("event \(id.uuidString.lowercased()) was in its stream a moment ago and is gone")
                }
                return (event.id, event.version, event.position)
            }
            alreadyRecorded = true
        }
    }

    static func print(_ decision: Decision, _ stored: Stored, format: OutputFormat) throws {
        let rows = zip(decision.events, stored.events).map { event, appended in
            Row(eventId: appended.id.uuidString.lowercased(), type: event.type, stream: decision.stream.description,
                version: appended.version, position: appended.position, alreadyRecorded: stored.alreadyRecorded)
        }
        switch format {
        case .json:
            if rows.count == 1 { try Output.json(rows[0]) } else { try Output.json(rows) }
        case .csv:
            let header = ["event_id", "type", "stream", "version", "position", "already_recorded"]
            Output.csv([header] + rows.map { row -> [String] in
                [row.eventId, row.type, row.stream, String(row.version), String(row.position), String(row.alreadyRecorded)]
            })
        case .table:
            for row in rows {
                Output.line("\(row.alreadyRecorded ? "already recorded" : "recorded") \(row.type) in \(row.stream) (version \(row.version)): event \(row.eventId), position \(row.position)")
            }
        }
        if stored.alreadyRecorded {
            FileHandleOutput.standardError.write("nothing new was written: the log holds this already (the same command, given before)\n")
        }
    }
}

struct PortfolioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portfolio", abstract: "Define a portfolio of programmes, or revise its plan.",
        subcommands: [Define.self, Revise.self])

    struct Define: RecordingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Define a portfolio: a set of programmes under one act.",
            discussion: Examples.text("""
                ustrack portfolio define union-state-2021-2023 \\
                  --title "Main directions, 2021-2023" --approved-on 2021-11-04 \\
                  --period 2021-11-04..2023-12-31 --programmes 28
                """))
        @Argument(help: "The portfolio's id, a slug such as union-state-2021-2023.") var id: String
        @Option(help: "Its title.") var title: String
        @Option(name: .customLong("title-ru"), help: "Its title in Russian.") var titleRu: String?
        @Option(name: .customLong("approved-on"), help: "The date it was approved (YYYY-MM-DD).") var approvedOn: String?
        @Option(name: .customLong("approved-by"), help: "The act that approved it.") var approvedBy: String?
        @Option(help: "The period it covers, START..END (YYYY-MM-DD..YYYY-MM-DD).") var period: String?
        @Option(help: "How many programmes it plans.") var programmes: Int?
        @Option(help: "How many measures it plans.") var measures: Int?
        @OptionGroup var options: CommonOptions

        var arguments: PortfolioDefineArguments {
            .init(id: id, title: title, titleRu: titleRu, approvedOn: approvedOn, approvedBy: approvedBy, period: period,
                  programmes: programmes, measures: measures)
        }
    }

    struct Revise: RecordingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a revised plan: new planned totals from a date (a new baseline for claims).",
            discussion: Examples.text("""
                ustrack portfolio revise union-state-2021-2023 --on 2023-05-17 \\
                  --measures 310 --source mfa-2023-05-17
                """))
        @Argument(help: "The portfolio's id.") var id: String
        @Option(help: "The date the revised plan takes effect (YYYY-MM-DD).") var on: String
        @Option(help: "The revised number of programmes.") var programmes: Int?
        @Option(help: "The revised number of measures.") var measures: Int?
        @Option(help: "The id of the source that states the revision.") var source: String?
        @OptionGroup var options: CommonOptions

        var arguments: PortfolioReviseArguments {
            .init(id: id, on: on, programmes: programmes, measures: measures, source: source)
        }
    }
}

struct ProgrammeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "programme", abstract: "Add a programme to a portfolio, or record it fully done.",
        subcommands: [Add.self, Complete.self])

    struct Add: RecordingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a programme to a portfolio.",
            discussion: Examples.text("""
                ustrack programme add customs --portfolio union-state-2021-2023 \\
                  --title "Customs regulation" --measures 12
                """))
        @Argument(help: "The programme's id, a slug such as currency-regulation.") var id: String
        @Option(help: "The portfolio it belongs to.") var portfolio: String
        @Option(help: "Its title.") var title: String
        @Option(name: .customLong("title-ru"), help: "Its title in Russian.") var titleRu: String?
        @Option(help: "The body that leads it.") var lead: String?
        @Option(help: "How many measures it plans.") var measures: Int?
        @OptionGroup var options: CommonOptions

        var arguments: ProgrammeAddArguments {
            .init(id: id, portfolio: portfolio, title: title, titleRu: titleRu, lead: lead, measures: measures)
        }
    }

    struct Complete: RecordingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a programme is fully done.",
            discussion: Examples.text("""
                ustrack programme complete customs --on 2023-05-17 --source mfa-2023-05-17
                """))
        @Argument(help: "The programme's id.") var id: String
        @Option(help: "The date it was completed (YYYY-MM-DD).") var on: String
        @Option(help: "The id of the source that says so.") var source: String?
        @OptionGroup var options: CommonOptions

        var arguments: ProgrammeCompleteArguments { .init(id: id, on: on, source: source) }
    }
}

struct MilestoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "milestone", abstract: "Plan a milestone of a programme, or record it reached.",
        subcommands: [Add.self, Reach.self])

    struct Add: RecordingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a milestone: a measure, an agreement, a law to harmonise.",
            discussion: Examples.text("""
                ustrack milestone add customs single-tariff \\
                  --title "Common customs tariff applied" --due 2023-12-31
                """))
        @Argument(help: "The programme's id.") var programme: String
        @Argument(help: "The milestone's id, unique within the programme.") var id: String
        @Option(help: "Its title.") var title: String
        @Option(help: "When it is due (YYYY-MM-DD).") var due: String?
        @OptionGroup var options: CommonOptions

        var arguments: MilestoneAddArguments { .init(programme: programme, id: id, title: title, due: due) }
    }

    struct Reach: RecordingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a milestone was reached.",
            discussion: Examples.text("""
                ustrack milestone reach customs single-tariff --on 2023-05-01 \\
                  --source mfa-2023-05-17
                """))
        @Argument(help: "The programme's id.") var programme: String
        @Argument(help: "The milestone's id.") var id: String
        @Option(help: "The date it was reached (YYYY-MM-DD).") var on: String
        @Option(help: "The id of the source that says so.") var source: String?
        @OptionGroup var options: CommonOptions

        var arguments: MilestoneReachArguments { .init(programme: programme, id: id, on: on, source: source) }
    }
}

struct SourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source", abstract: "Record where facts come from.", subcommands: [Add.self])

    struct Add: RecordingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a source: a document or statement, optionally with its full text.",
            discussion: Examples.text("""
                ustrack source add mfa-2023-05-17 --title "Lavrov's remarks, Moscow" \\
                  --published-on 2023-05-17 --speaker "Sergey Lavrov" \\
                  --url https://example.org/statement --file statement.txt
                """))
        @Argument(help: "The source's id, a slug such as mfa-2023-05-17.") var id: String
        @Option(help: "Its title.") var title: String
        @Option(name: .customLong("published-on"), help: "The date it was published (YYYY-MM-DD).") var publishedOn: String
        @Option(help: "Who speaks in it.") var speaker: String?
        @Option(help: "Who published it.") var publisher: String?
        @Option(help: "Where it can be read (http or https).") var url: String?
        @Option(help: "A UTF-8 text file with its full text; stored with its SHA-256.") var file: String?
        @OptionGroup var options: CommonOptions

        var arguments: SourceAddArguments {
            .init(id: id, title: title, publishedOn: publishedOn, speaker: speaker, publisher: publisher, url: url, file: file)
        }
    }
}

struct ProgressCommand: RecordingCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "Record a progress claim: what someone said about how far a portfolio or programme is.",
        discussion: """
            The wording is kept as said and read into an interval: see `ustrack parse`. The claim's \
            date (--as-of) cannot be after its source was published.

            --quote pins the claim to the words of its source's stored text (`source add --file`): \
            the quote must occur in that text (spacing, quotation marks, apostrophes, dashes and \
            ё/е may differ from it) and hold the wording. The claim keeps the passage as the text \
            spells it and where it lies; `ustrack verify` checks it again later.
            """ + "\n\n" + Examples.text("""
                ustrack progress union-state-2021-2023 "more than half of the measures" \\
                  --as-of 2023-05-17 --source mfa-2023-05-17 --speaker "Sergey Lavrov" \\
                  --quote "More than half of the measures have been realised"
                ustrack progress customs "7 of 12" --as-of 2023-05-17 \\
                  --source mfa-2023-05-17
                """))
    @Argument(help: "The portfolio or programme the claim is about.") var scope: String
    @Argument(help: "The wording, e.g. \"40 percent\", \"more than half\", \"7 of 28\".") var wording: String
    @Option(name: .customLong("as-of"), help: "The date the claim speaks of (YYYY-MM-DD).") var asOf: String
    @Option(help: "The id of the source that states it.") var source: String
    @Option(help: "What it counts: measures (default), programmes or content.") var unit: String?
    @Option(help: "Who said it.") var speaker: String?
    @Option(help: "A note about the claim.") var note: String?
    @Option(help: "The words of the source's stored text that say it; they must hold the wording.") var quote: String?
    @OptionGroup var options: CommonOptions

    var arguments: ProgressArguments {
        .init(scope: scope, wording: wording, asOf: asOf, source: source, unit: unit, speaker: speaker, note: note, quote: quote)
    }
}

struct RetractCommand: RecordingCommand {
    static let configuration = CommandConfiguration(
        commandName: "retract",
        abstract: "Withdraw an event (wrongly recorded, or superseded); the log keeps both.",
        discussion: Examples.text("""
            ustrack events --stream portfolio-union-state-2021-2023   # the event's id
            ustrack retract EVENT_ID --reason "wrong as-of: it was said on 2023-05-17"
            """))
    @Argument(help: "The id of the event to withdraw, as `ustrack events` lists it.") var eventId: String
    @Option(help: "Why it is withdrawn.") var reason: String
    @OptionGroup var options: CommonOptions

    var arguments: RetractArguments { .init(eventId: eventId, reason: reason) }
}
