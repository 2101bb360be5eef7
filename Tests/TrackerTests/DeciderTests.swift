import Foundation
import Testing
@testable import Tracker

/// An id that reads well in failures: 00000000-0000-0000-0000-000000000007.
func eventId(_ n: Int) -> UUID {
    let digits = String(n)
    return UUID(uuidString: "00000000-0000-0000-0000-" + String(repeating: "0", count: 12 - digits.count) + digits)!
}

func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

/// An in-memory store: decides commands as the CLI will, then folds the events into the stream states.
struct World {
    var today = date("2024-06-01")
    var streams = StreamStates()
    var log: [(stream: StreamName, recorded: Recorded<TrackerEvent>)] = []

    var context: DecisionContext { DecisionContext(today: today, streams: streams, retractionTarget: nil, eventContent: content) }

    /// Reads an event back by id, as the CLI reads the store.
    var content: (UUID) -> TrackerEvent? {
        { [log] id in log.first { $0.recorded.eventId == id }?.recorded.event }
    }

    /// The context the CLI would build for a command: today, plus the target of a retraction.
    func context(for command: Command) -> DecisionContext {
        var context = self.context
        if case .retract(let retract) = command, let id = UUID(uuidString: retract.eventId),
           let found = log.first(where: { $0.recorded.eventId == id }) {
            context.retractionTarget = RetractionTarget(stream: found.stream, type: found.recorded.event.type)
        }
        return context
    }

    @discardableResult
    mutating func run(_ command: Command) throws(ValidationError) -> [UUID] {
        let decision = try Decider.decide(command, context: context(for: command))
        // A repeat appends nothing: the CLI answers with the original events.
        if let originals = decision.repeated { return originals }
        return decision.events.map { append($0, to: decision.stream) }
    }

    mutating func append(_ event: TrackerEvent, to stream: StreamName) -> UUID {
        let recorded = Recorded(eventId: eventId(log.count + 1), event: event)
        log.append((stream, recorded))
        streams.apply(recorded, to: stream)
        return recorded.eventId
    }

    func decide(_ command: Command) throws(ValidationError) -> Decision {
        try Decider.decide(command, context: context(for: command))
    }

    /// A portfolio, a source, a programme with one milestone: the world most tests start from.
    static func seeded() throws -> World {
        var world = World()
        try world.run(.definePortfolio(DefinePortfolio(
            id: "union-state-2021-2023", title: "Main directions 2021–2023", approvedOn: "2021-11-04",
            period: "2021-01-01..2023-12-31", plannedProgrammes: 28, plannedMeasures: 310
        )))
        try world.run(.addSource(AddSource(id: "mfa-2023-05-17", title: "MFA briefing", publishedOn: "2023-05-17", speaker: "M. Zakharova")))
        try world.run(.addProgramme(AddProgramme(id: "currency-regulation", portfolio: "union-state-2021-2023", title: "Currency regulation")))
        try world.run(.addMilestone(AddMilestone(programme: "currency-regulation", id: "law-draft", title: "Draft law", due: "2022-12-31")))
        return world
    }
}

let portfolioId = "union-state-2021-2023"
let programmeId = "currency-regulation"
let sourceId = "mfa-2023-05-17"

/// Decides in a copy of the world and fails unless it is rejected with a message naming every fragment.
func expectRejection(
    _ command: Command, in world: World, mentioning fragments: String...,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var world = world
    do throws(ValidationError) {
        let ids = try world.run(command)
        Issue.record("expected a rejection mentioning \(fragments), but \(ids.count) event(s) were decided", sourceLocation: sourceLocation)
    } catch {
        for fragment in fragments where !error.message.contains(fragment) {
            Issue.record("\"\(error.message)\" does not mention \"\(fragment)\"", sourceLocation: sourceLocation)
        }
    }
}

/// Decides and returns the single event, failing the test when there is not exactly one.
func decideOne(_ command: Command, in world: World, sourceLocation: SourceLocation = #_sourceLocation) throws -> (Decision, TrackerEvent) {
    let decision = try world.decide(command)
    try #require(decision.events.count == 1, sourceLocation: sourceLocation)
    return (decision, decision.events[0])
}

@Suite struct CalendarDateTests {
    @Test func parsesStrictISODates() throws {
        let parsed = try CalendarDate(parsing: "2023-05-17")
        #expect((parsed.year, parsed.month, parsed.day) == (2023, 5, 17))
        #expect(parsed.description == "2023-05-17")
        #expect(try CalendarDate(parsing: "2024-02-29").day == 29)
        #expect(try CalendarDate(parsing: "2000-02-29").day == 29)
        #expect(CalendarDate(year: 33, month: 1, day: 2)?.description == "0033-01-02")
    }

    @Test(arguments: ["2023-02-30", "2023-02-29", "1900-02-29", "2023-04-31", "2023-13-01", "2023-00-10", "2023-01-00"])
    func rejectsImpossibleDays(_ text: String) {
        #expect(throws: ValidationError.self) { try CalendarDate(parsing: text) }
    }

    @Test func namesTheMonthLengthForAnImpossibleDay() {
        #expect(throws: ValidationError("\"2023-02-30\" is not a real date: February 2023 has 28 days")) {
            try CalendarDate(parsing: "2023-02-30")
        }
    }

    @Test(arguments: ["", "2023-5-17", "2023/05/17", "17.05.2023", " 2023-05-17", "2023-05-17T00:00", "+023-05-17", "２０２３-05-17", "٢٠٢٣-05-17"])
    func rejectsAnythingButYYYYMMDD(_ text: String) {
        #expect(throws: ValidationError.self) { try CalendarDate(parsing: text) }
        #expect(CalendarDate(text) == nil)
    }

    @Test func showsTheExpectedFormat() {
        do {
            _ = try CalendarDate(parsing: "17.05.2023")
            Issue.record("accepted 17.05.2023")
        } catch {
            #expect(error.message.contains("YYYY-MM-DD"))
        }
    }

    @Test func ordersByDay() {
        #expect(date("2023-01-31") < date("2023-02-01"))
        #expect(date("2022-12-31") < date("2023-01-01"))
        #expect(!(date("2023-05-17") < date("2023-05-17")))
        #expect([date("2023-05-17"), date("2021-11-04"), date("2023-01-19")].max() == date("2023-05-17"))
    }

    @Test func codesAsTheISOString() throws {
        let data = try JSONEncoder().encode([date("2021-11-04")])
        #expect(String(decoding: data, as: UTF8.self) == "[\"2021-11-04\"]")
        #expect(try JSONDecoder().decode([CalendarDate].self, from: data) == [date("2021-11-04")])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CalendarDate].self, from: Data("[\"2023-02-30\"]".utf8))
        }
    }

    @Test func takesTheDayOfAnInstantInAZone() {
        let epoch = Date(timeIntervalSince1970: 0)
        #expect(CalendarDate(epoch, in: TimeZone(identifier: "UTC")!) == date("1970-01-01"))
        #expect(CalendarDate(epoch, in: TimeZone(secondsFromGMT: -5 * 3600)!) == date("1969-12-31"))
    }
}

@Suite struct ClaimUnitTests {
    @Test func parsesEveryUnit() throws {
        #expect(try ClaimUnit.allCases.map { (unit) throws(ValidationError) in try ClaimUnit(parsing: unit.rawValue) } == [.measures, .programmes, .content])
    }

    @Test func rejectsAnUnknownUnitListingTheKnownOnes() {
        #expect(throws: ValidationError("unknown unit \"percent\": use one of measures, programmes, content")) {
            try ClaimUnit(parsing: "percent")
        }
    }
}

@Suite struct DefinePortfolioTests {
    let command = DefinePortfolio(
        id: portfolioId, title: "Main directions 2021–2023", titleRu: "Основные направления",
        approvedOn: "2021-11-04", approvedBy: "Supreme State Council Decree No. 6",
        period: "2021-01-01..2023-12-31", plannedProgrammes: 28, plannedMeasures: 310
    )

    @Test func definesANewPortfolio() throws {
        let (decision, event) = try decideOne(.definePortfolio(command), in: World())
        #expect(decision.stream.description == "portfolio-union-state-2021-2023")
        #expect(decision.expectedVersion == 0)
        #expect(event == .portfolioDefined(PortfolioDefined(
            id: portfolioId, title: "Main directions 2021–2023", titleRu: "Основные направления",
            approvedOn: date("2021-11-04"), approvedBy: "Supreme State Council Decree No. 6",
            periodStart: date("2021-01-01"), periodEnd: date("2023-12-31"),
            plannedProgrammes: 28, plannedMeasures: 310
        )))
    }

    @Test func needsOnlyAnIdAndATitle() throws {
        let (_, event) = try decideOne(.definePortfolio(DefinePortfolio(id: "p", title: "T")), in: World())
        #expect(event == .portfolioDefined(PortfolioDefined(id: "p", title: "T")))
    }

    @Test func refusesASecondDefinition() throws {
        let world = try World.seeded()
        expectRejection(.definePortfolio(command), in: world, mentioning: "portfolio \"union-state-2021-2023\" is already defined", "ustrack portfolio revise", "ustrack retract 00000000-0000-0000-0000-000000000001")
    }

    @Test func allowsDefiningAgainOnceTheDefinitionIsRetracted() throws {
        var world = try World.seeded()
        try world.run(.retract(RetractEvent(eventId: eventId(1).uuidString, reason: "wrong period")))
        let (decision, _) = try decideOne(.definePortfolio(command), in: world)
        #expect(decision.expectedVersion == 2)
    }

    @Test func refusesAnIdAlreadyUsedByAProgramme() throws {
        let world = try World.seeded()
        expectRejection(.definePortfolio(DefinePortfolio(id: programmeId, title: "T")), in: world, mentioning: "already a programme", "choose another id")
    }

    @Test(arguments: [
        ("", "portfolio id is empty"),
        ("   ", "portfolio id is empty"),
        ("Union State", "e.g. \"union-state\""),
        ("union_state", "e.g. \"union-state\""),
        ("-union", "not a valid id"),
        ("union-", "not a valid id"),
        ("союз", "e.g. \"union-state-2021-2023\""),
        (String(repeating: "a", count: 65), "1–64 lowercase letters"),
    ])
    func refusesIdsThatAreNotSlugs(_ id: String, _ fragment: String) {
        expectRejection(.definePortfolio(DefinePortfolio(id: id, title: "T")), in: World(), mentioning: fragment)
    }

    @Test func acceptsAnIdOfExactlyTheLimit() throws {
        let id = String(repeating: "a", count: Limits.idLength)
        let (decision, _) = try decideOne(.definePortfolio(DefinePortfolio(id: id, title: "T")), in: World())
        #expect(decision.stream.id == id)
    }

    @Test func refusesBlankAndOverlongTitles() throws {
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "")), in: World(), mentioning: "--title is empty")
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: " \n\t ")), in: World(), mentioning: "--title is empty")
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: String(repeating: "я", count: 501))), in: World(), mentioning: "501 characters", "limit is 500")
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "T", titleRu: " ")), in: World(), mentioning: "--title-ru is empty")
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "T", approvedBy: String(repeating: "x", count: 501))), in: World(), mentioning: "--approved-by")
        _ = try decideOne(.definePortfolio(DefinePortfolio(id: "p", title: String(repeating: "я", count: 500))), in: World())
    }

    @Test func keepsQuotesAndSQLAsPlainText() throws {
        let title = "Robert'); DROP TABLE events; -- \"quoted\" \\ back"
        let (_, event) = try decideOne(.definePortfolio(DefinePortfolio(id: "p", title: title, approvedBy: "'; DROP TABLE x; --")), in: World())
        guard case .portfolioDefined(let defined) = event else { Issue.record("got \(event)"); return }
        #expect(defined.title == title)
        #expect(defined.approvedBy == "'; DROP TABLE x; --")
    }

    @Test func refusesTextPostgreSQLCannotStore() {
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "a\u{0}b")), in: World(), mentioning: "NUL")
    }

    @Test func checksTheApprovalDate() {
        let world = World()
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "T", approvedOn: "2021-02-30")), in: world, mentioning: "--approved-on", "February 2021 has 28 days")
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "T", approvedOn: "1989-12-31")), in: world, mentioning: "before 1990-01-01")
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "T", approvedOn: "2024-06-02")), in: world, mentioning: "after today (2024-06-01)")
    }

    @Test func acceptsTodayAndTheEarliestDate() throws {
        _ = try decideOne(.definePortfolio(DefinePortfolio(id: "p", title: "T", approvedOn: "2024-06-01")), in: World())
        _ = try decideOne(.definePortfolio(DefinePortfolio(id: "p", title: "T", approvedOn: "1990-01-01")), in: World())
    }

    @Test func checksThePeriod() throws {
        let world = World()
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "T", period: "2021-2023")), in: world, mentioning: "START..END")
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "T", period: "2023-12-31..2021-01-01")), in: world, mentioning: "ends before it starts", "2021-01-01..2023-12-31")
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "T", period: "2021-01-01..2023-02-29")), in: world, mentioning: "--period end", "February 2023")
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "T", period: "1980-01-01..2023-01-01")), in: world, mentioning: "--period start", "before 1990-01-01")
        let (_, event) = try decideOne(.definePortfolio(DefinePortfolio(id: "p", title: "T", period: "2024-01-01..2026-12-31")), in: world)
        guard case .portfolioDefined(let defined) = event else { Issue.record("got \(event)"); return }
        #expect(defined.periodEnd == date("2026-12-31"), "a period is a plan and may end in the future")
    }

    @Test(arguments: [0, -3, Limits.count + 1])
    func refusesPlannedTotalsOutOfRange(_ total: Int) {
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "T", plannedProgrammes: total)), in: World(), mentioning: "--programmes \(total)", "from 1 to")
        expectRejection(.definePortfolio(DefinePortfolio(id: "p", title: "T", plannedMeasures: total)), in: World(), mentioning: "--measures \(total)")
    }
}

@Suite struct RevisePortfolioTests {
    @Test func revisesThePlanFromADate() throws {
        let world = try World.seeded()
        let (decision, event) = try decideOne(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-05-17", plannedMeasures: 305, source: sourceId)), in: world)
        #expect(decision.stream == .portfolio(portfolioId))
        #expect(decision.expectedVersion == 1)
        #expect(event == .portfolioRevised(PortfolioRevised(id: portfolioId, on: date("2023-05-17"), plannedMeasures: 305, source: sourceId)))
    }

    @Test func refusesAnUnknownPortfolio() {
        expectRejection(.revisePortfolio(RevisePortfolio(id: "nope", on: "2023-01-01", plannedMeasures: 1)), in: World(), mentioning: "unknown portfolio \"nope\"", "ustrack portfolio define nope --title T")
    }

    @Test func needsANewTotal() throws {
        expectRejection(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-01-01")), in: try World.seeded(), mentioning: "nothing to revise", "--measures N")
    }

    @Test func checksTheDate() throws {
        let world = try World.seeded()
        expectRejection(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2021-11-03", plannedMeasures: 1)), in: world, mentioning: "before portfolio \"union-state-2021-2023\" was approved (2021-11-04)")
        expectRejection(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2025-01-01", plannedMeasures: 1)), in: world, mentioning: "after today")
        expectRejection(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-02-29", plannedMeasures: 1)), in: world, mentioning: "not a real date")
    }

    @Test func refusesASecondRevisionOnTheSameDay() throws {
        var world = try World.seeded()
        try world.run(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-01-01", plannedMeasures: 300)))
        expectRejection(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-01-01", plannedMeasures: 299)), in: world, mentioning: "already has a revision on 2023-01-01", "ustrack retract 00000000-0000-0000-0000-000000000005")
        _ = try decideOne(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-01-02", plannedMeasures: 299)), in: world)
    }

    @Test func checksTheCitedSource() throws {
        let world = try World.seeded()
        expectRejection(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-01-01", plannedMeasures: 1, source: "nope")), in: world, mentioning: "unknown source \"nope\"", "ustrack source add nope --title T --published-on D")
        expectRejection(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-05-18", plannedMeasures: 1, source: sourceId)), in: world, mentioning: "after source \"mfa-2023-05-17\" was published (2023-05-17)")
        expectRejection(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-05-01", plannedMeasures: 1, source: "Bad Id")), in: world, mentioning: "--source \"Bad Id\" is not a valid id")
    }

    @Test func refusesTotalsOutOfRange() throws {
        expectRejection(.revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-01-01", plannedProgrammes: 0)), in: try World.seeded(), mentioning: "--programmes 0")
    }
}

@Suite struct AddProgrammeTests {
    @Test func addsAProgrammeToAPortfolio() throws {
        let world = try World.seeded()
        let (decision, event) = try decideOne(.addProgramme(AddProgramme(id: "energy-market", portfolio: portfolioId, title: "Energy market", titleRu: "Энергорынок", lead: "EEC", plannedMeasures: 12)), in: world)
        #expect(decision.stream.description == "programme-energy-market")
        #expect(decision.expectedVersion == 0)
        #expect(event == .programmeAdded(ProgrammeAdded(id: "energy-market", portfolio: portfolioId, title: "Energy market", titleRu: "Энергорынок", lead: "EEC", plannedMeasures: 12)))
    }

    @Test func refusesAnUnknownPortfolio() {
        expectRejection(.addProgramme(AddProgramme(id: "x", portfolio: "nope", title: "T")), in: World(), mentioning: "unknown portfolio \"nope\": define it first with `ustrack portfolio define nope --title T`")
    }

    @Test func refusesAProgrammeAddedTwice() throws {
        expectRejection(.addProgramme(AddProgramme(id: programmeId, portfolio: portfolioId, title: "Again")), in: try World.seeded(), mentioning: "programme \"currency-regulation\" is already added", "ustrack retract 00000000-0000-0000-0000-000000000003")
    }

    @Test func refusesAnIdAlreadyUsedByAPortfolio() throws {
        var world = try World.seeded()
        try world.run(.definePortfolio(DefinePortfolio(id: "other", title: "Other")))
        expectRejection(.addProgramme(AddProgramme(id: "other", portfolio: portfolioId, title: "T")), in: world, mentioning: "already a portfolio")
    }

    @Test func checksItsFields() throws {
        let world = try World.seeded()
        expectRejection(.addProgramme(AddProgramme(id: "Energy", portfolio: portfolioId, title: "T")), in: world, mentioning: "programme id \"Energy\"", "e.g. \"energy\"")
        expectRejection(.addProgramme(AddProgramme(id: "x", portfolio: "", title: "T")), in: world, mentioning: "--portfolio is empty")
        expectRejection(.addProgramme(AddProgramme(id: "x", portfolio: portfolioId, title: "")), in: world, mentioning: "--title is empty")
        expectRejection(.addProgramme(AddProgramme(id: "x", portfolio: portfolioId, title: "T", lead: String(repeating: "l", count: 501))), in: world, mentioning: "--lead is 501 characters")
        expectRejection(.addProgramme(AddProgramme(id: "x", portfolio: portfolioId, title: "T", plannedMeasures: 0)), in: world, mentioning: "--measures 0")
    }
}

@Suite struct CompleteProgrammeTests {
    @Test func completesAProgramme() throws {
        let world = try World.seeded()
        let (decision, event) = try decideOne(.completeProgramme(CompleteProgramme(id: programmeId, on: "2023-05-01", source: sourceId)), in: world)
        #expect(decision.stream == .programme(programmeId))
        #expect(decision.expectedVersion == 2)
        #expect(event == .programmeCompleted(ProgrammeCompleted(id: programmeId, on: date("2023-05-01"), source: sourceId)))
    }

    @Test func refusesAnUnknownProgramme() {
        expectRejection(.completeProgramme(CompleteProgramme(id: "foo", on: "2023-01-01")), in: World(), mentioning: "unknown programme \"foo\": add it first with `ustrack programme add foo --portfolio P --title T`")
    }

    @Test func refusesASecondCompletion() throws {
        var world = try World.seeded()
        try world.run(.completeProgramme(CompleteProgramme(id: programmeId, on: "2023-05-01")))
        expectRejection(.completeProgramme(CompleteProgramme(id: programmeId, on: "2023-06-01")), in: world, mentioning: "already completed on 2023-05-01")
    }

    @Test func checksTheDateAndSource() throws {
        let world = try World.seeded()
        expectRejection(.completeProgramme(CompleteProgramme(id: programmeId, on: "2024-06-02")), in: world, mentioning: "--on 2024-06-02 is after today")
        expectRejection(.completeProgramme(CompleteProgramme(id: programmeId, on: "1989-01-01")), in: world, mentioning: "before 1990-01-01")
        expectRejection(.completeProgramme(CompleteProgramme(id: programmeId, on: "2023-06-01", source: sourceId)), in: world, mentioning: "after source")
        expectRejection(.completeProgramme(CompleteProgramme(id: programmeId, on: "2023-05-01", source: "missing")), in: world, mentioning: "unknown source \"missing\"")
    }
}

@Suite struct MilestoneTests {
    @Test func addsAMilestoneWithAFutureDueDate() throws {
        let world = try World.seeded()
        let (decision, event) = try decideOne(.addMilestone(AddMilestone(programme: programmeId, id: "treaty", title: "Sign the treaty", due: "2030-01-01")), in: world)
        #expect(decision.stream == .programme(programmeId))
        #expect(event == .milestoneAdded(MilestoneAdded(programme: programmeId, id: "treaty", title: "Sign the treaty", due: date("2030-01-01"))))
    }

    @Test func refusesAMilestoneOfAnUnknownProgramme() {
        expectRejection(.addMilestone(AddMilestone(programme: "foo", id: "m", title: "T")), in: World(), mentioning: "unknown programme \"foo\"")
    }

    @Test func refusesAMilestoneAddedTwice() throws {
        expectRejection(.addMilestone(AddMilestone(programme: programmeId, id: "law-draft", title: "Again")), in: try World.seeded(), mentioning: "milestone \"law-draft\" is already in programme \"currency-regulation\"")
    }

    @Test func checksItsFields() throws {
        let world = try World.seeded()
        expectRejection(.addMilestone(AddMilestone(programme: programmeId, id: "A B", title: "T")), in: world, mentioning: "milestone id \"A B\"")
        expectRejection(.addMilestone(AddMilestone(programme: programmeId, id: "m", title: "  ")), in: world, mentioning: "--title is empty")
        expectRejection(.addMilestone(AddMilestone(programme: programmeId, id: "m", title: "T", due: "2023-09-31")), in: world, mentioning: "--due", "September 2023 has 30 days")
        expectRejection(.addMilestone(AddMilestone(programme: programmeId, id: "m", title: "T", due: "1985-01-01")), in: world, mentioning: "--due 1985-01-01 is before 1990-01-01")
    }

    @Test func reachesAMilestone() throws {
        let world = try World.seeded()
        let (decision, event) = try decideOne(.reachMilestone(ReachMilestone(programme: programmeId, id: "law-draft", on: "2023-03-01", source: sourceId)), in: world)
        #expect(decision.stream == .programme(programmeId))
        #expect(decision.expectedVersion == 2)
        #expect(event == .milestoneReached(MilestoneReached(programme: programmeId, id: "law-draft", on: date("2023-03-01"), source: sourceId)))
    }

    @Test func refusesReachingAMilestoneNotAdded() throws {
        let world = try World.seeded()
        expectRejection(.reachMilestone(ReachMilestone(programme: programmeId, id: "treaty", on: "2023-03-01")), in: world, mentioning: "unknown milestone \"treaty\" in programme \"currency-regulation\"", "ustrack milestone add currency-regulation treaty --title T")
        expectRejection(.reachMilestone(ReachMilestone(programme: "foo", id: "treaty", on: "2023-03-01")), in: world, mentioning: "unknown programme \"foo\"")
    }

    @Test func refusesReachingTwiceButAllowsItAfterARetraction() throws {
        var world = try World.seeded()
        let reach = Command.reachMilestone(ReachMilestone(programme: programmeId, id: "law-draft", on: "2023-03-01"))
        let ids = try world.run(reach)
        let otherDay = Command.reachMilestone(ReachMilestone(programme: programmeId, id: "law-draft", on: "2023-03-05"))
        expectRejection(otherDay, in: world, mentioning: "already reached on 2023-03-01", "ustrack retract \(ids[0].uuidString.lowercased())")
        try world.run(.retract(RetractEvent(eventId: ids[0].uuidString, reason: "wrong date")))
        _ = try decideOne(.reachMilestone(ReachMilestone(programme: programmeId, id: "law-draft", on: "2023-03-02")), in: world)
    }

    @Test func checksTheReachDateAndSource() throws {
        let world = try World.seeded()
        expectRejection(.reachMilestone(ReachMilestone(programme: programmeId, id: "law-draft", on: "2024-07-01")), in: world, mentioning: "after today")
        expectRejection(.reachMilestone(ReachMilestone(programme: programmeId, id: "law-draft", on: "2023-05-18", source: sourceId)), in: world, mentioning: "after source \"mfa-2023-05-17\" was published")
        expectRejection(.reachMilestone(ReachMilestone(programme: programmeId, id: "law-draft", on: "2023-05-01", source: "gone")), in: world, mentioning: "unknown source \"gone\"")
    }
}

@Suite struct AddSourceTests {
    let hash = String(repeating: "ab", count: 32)

    @Test func addsASourceWithItsText() throws {
        let command = AddSource(id: "tass-2023-01-19", title: "TASS report", publishedOn: "2023-01-19", speaker: "A. Overchuk", publisher: "TASS", url: "https://tass.ru/x?a=1&b='2'", text: "Программы реализованы на 70 процентов", sha256: hash)
        let (decision, event) = try decideOne(.addSource(command), in: World())
        #expect(decision.stream.description == "source-tass-2023-01-19")
        #expect(decision.expectedVersion == 0)
        #expect(event == .sourceAdded(SourceAdded(id: "tass-2023-01-19", title: "TASS report", publishedOn: date("2023-01-19"), speaker: "A. Overchuk", publisher: "TASS", url: "https://tass.ru/x?a=1&b='2'", text: "Программы реализованы на 70 процентов", sha256: hash)))
    }

    @Test func refusesASourceAddedTwice() throws {
        expectRejection(.addSource(AddSource(id: sourceId, title: "Again", publishedOn: "2023-05-17")), in: try World.seeded(), mentioning: "source \"mfa-2023-05-17\" is already added")
    }

    @Test func checksThePublicationDate() {
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2024-06-02")), in: World(), mentioning: "--published-on 2024-06-02 is after today")
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-02-30")), in: World(), mentioning: "--published-on", "February 2023 has 28 days")
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "1989-12-31")), in: World(), mentioning: "before 1990-01-01")
    }

    @Test(arguments: ["ftp://example.org/doc", "example.org/doc", "not a url", "https://"])
    func refusesWhatIsNotAWebAddress(_ url: String) {
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", url: url)), in: World(), mentioning: "is not a web address", "https://")
    }

    @Test func refusesAnOverlongURL() {
        let url = "https://example.org/" + String(repeating: "a", count: Limits.urlLength)
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", url: url)), in: World(), mentioning: "--url is 2020 characters", "limit is 2000")
    }

    @Test func checksTheTextAndItsHash() {
        let world = World()
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", text: "words")), in: world, mentioning: "no SHA-256")
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", sha256: hash)), in: world, mentioning: "without a source text")
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", text: "words", sha256: hash.uppercased())), in: world, mentioning: "64 lowercase hexadecimal digits")
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", text: "words", sha256: "abc")), in: world, mentioning: "is not a SHA-256")
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", text: " \n", sha256: hash)), in: world, mentioning: "source text (--file) is empty")
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", text: "a\u{0}", sha256: hash)), in: world, mentioning: "NUL")
    }

    @Test func refusesATextOverTenMegabytes() throws {
        let limit = String(repeating: "x", count: Limits.sourceTextBytes)
        _ = try decideOne(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", text: limit, sha256: hash)), in: World())
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", text: limit + "y", sha256: hash)), in: World(), mentioning: "10485761 bytes", "--url")
    }

    @Test func refusesBlankOptionalNames() {
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", speaker: " ")), in: World(), mentioning: "--speaker is empty", "leave --speaker out")
        expectRejection(.addSource(AddSource(id: "s", title: "T", publishedOn: "2023-01-01", publisher: "")), in: World(), mentioning: "--publisher is empty")
    }
}

@Suite struct ClaimProgressTests {
    func claim(
        scope: String = portfolioId, wording: String = "more than half", interval: PercentInterval = .atLeast(50, inclusive: false),
        count: Int? = nil, total: Int? = nil, unit: String? = nil, asOf: String = "2023-05-17",
        source: String = sourceId, speaker: String? = nil, note: String? = nil
    ) -> Command {
        .claimProgress(ClaimProgress(scope: scope, wording: wording, interval: interval, count: count, total: total, unit: unit, asOf: asOf, source: source, speaker: speaker, note: note))
    }

    @Test func claimsProgressOfAPortfolio() throws {
        let world = try World.seeded()
        let (decision, event) = try decideOne(claim(speaker: "M. Zakharova", note: "briefing"), in: world)
        #expect(decision.stream == .portfolio(portfolioId))
        #expect(decision.expectedVersion == 1)
        #expect(event == .progressClaimed(ProgressClaimed(
            scope: portfolioId, scopeKind: .portfolio, wording: "more than half", interval: .atLeast(50, inclusive: false),
            unit: .measures, asOf: date("2023-05-17"), source: sourceId, speaker: "M. Zakharova", note: "briefing"
        )))
    }

    @Test func claimsProgressOfAProgrammeInEveryUnitButProgrammes() throws {
        let world = try World.seeded()
        let (decision, event) = try decideOne(claim(scope: programmeId, unit: "content"), in: world)
        #expect(decision.stream == .programme(programmeId))
        #expect(decision.expectedVersion == 2)
        guard case .progressClaimed(let claimed) = event else { Issue.record("got \(event)"); return }
        #expect(claimed.scopeKind == .programme)
        #expect(claimed.unit == .content)
        expectRejection(claim(scope: programmeId, unit: "programmes"), in: world, mentioning: "unit programmes counts the programmes of a portfolio", "--unit measures")
        _ = try decideOne(claim(unit: "programmes"), in: world)
    }

    @Test func keepsCountAndTotal() throws {
        let (_, event) = try decideOne(claim(wording: "7 of 28", interval: .exactly(25), count: 7, total: 28, unit: "programmes"), in: try World.seeded())
        guard case .progressClaimed(let claimed) = event else { Issue.record("got \(event)"); return }
        #expect((claimed.count, claimed.total, claimed.lo, claimed.hi) == (7, 28, 25, 25))
        let thirds = try decideOne(claim(wording: "1 of 3", interval: .exactly(100.0 / 3), count: 1, total: 3), in: try World.seeded())
        #expect(thirds.0.events.count == 1)
    }

    @Test func checksCountAndTotal() throws {
        let world = try World.seeded()
        expectRejection(claim(interval: .exactly(25), count: 7), in: world, mentioning: "give both")
        expectRejection(claim(interval: .exactly(25), total: 28), in: world, mentioning: "give both")
        expectRejection(claim(interval: .exactly(100), count: 30, total: 28), in: world, mentioning: "count 30 of 28 is impossible")
        expectRejection(claim(interval: .exactly(0), count: -1, total: 28), in: world, mentioning: "count -1 of 28")
        expectRejection(claim(interval: .exactly(0), count: 0, total: 0), in: world, mentioning: "total 0 is out of range")
        expectRejection(claim(interval: .exactly(40), count: 7, total: 28), in: world, mentioning: "7 of 28 is 25%, outside the interval [40, 40]")
    }

    @Test func refusesAnUnknownScope() throws {
        expectRejection(claim(scope: "nowhere"), in: try World.seeded(), mentioning: "unknown scope \"nowhere\"", "ustrack portfolio define nowhere", "ustrack programme add nowhere")
        expectRejection(claim(scope: "No Where"), in: try World.seeded(), mentioning: "SCOPE \"No Where\" is not a valid id")
    }

    @Test func refusesAnUnknownSource() throws {
        expectRejection(claim(source: "nope"), in: try World.seeded(), mentioning: "unknown source \"nope\": add it first with `ustrack source add nope --title T --published-on D`")
    }

    @Test func refusesAnUnknownUnit() throws {
        expectRejection(claim(unit: "percent"), in: try World.seeded(), mentioning: "unknown unit \"percent\"", "measures, programmes, content")
    }

    @Test(arguments: [
        (PercentInterval(lo: 60, hi: 40), "lower bound above its upper bound"),
        (PercentInterval(lo: -5, hi: 10), "lower bound -5 is below 0"),
        (PercentInterval(lo: 90, hi: 100.5), "upper bound 100.5 is above 100"),
        (PercentInterval(lo: 40, hi: 40, loInclusive: false), "holds no value"),
        (PercentInterval(lo: .nan, hi: 40), "not a pair of numbers"),
    ])
    func refusesPercentagesOutsideZeroToHundred(_ interval: PercentInterval, _ fragment: String) throws {
        expectRejection(claim(interval: interval), in: try World.seeded(), mentioning: fragment)
    }

    /// Not a test argument: describing an infinite interval traps in PercentInterval.format.
    @Test func refusesAnInfiniteBound() throws {
        expectRejection(claim(interval: PercentInterval(lo: 0, hi: .infinity)), in: try World.seeded(), mentioning: "from 0.0 to inf is not a pair of numbers")
    }

    @Test func acceptsTheEndsOfTheScale() throws {
        _ = try decideOne(claim(wording: "nothing yet", interval: .exactly(0)), in: try World.seeded())
        _ = try decideOne(claim(wording: "fully", interval: .exactly(100)), in: try World.seeded())
    }

    @Test func checksTheAsOfDate() throws {
        let world = try World.seeded()
        expectRejection(claim(asOf: "2023-05-18"), in: world, mentioning: "--as-of 2023-05-18 is after source \"mfa-2023-05-17\" was published (2023-05-17)")
        expectRejection(claim(asOf: "2024-06-02"), in: world, mentioning: "after today")
        expectRejection(claim(asOf: "1989-06-02"), in: world, mentioning: "before 1990-01-01")
        expectRejection(claim(asOf: "2023-02-29"), in: world, mentioning: "--as-of", "February 2023 has 28 days")
        _ = try decideOne(claim(asOf: "2023-01-19"), in: world)
    }

    @Test func checksTheText() throws {
        let world = try World.seeded()
        expectRejection(claim(wording: " "), in: world, mentioning: "WORDING is empty")
        expectRejection(claim(wording: String(repeating: "w", count: 501)), in: world, mentioning: "WORDING is 501 characters")
        expectRejection(claim(note: String(repeating: "n", count: 2001)), in: world, mentioning: "--note is 2001 characters", "limit is 2000")
        expectRejection(claim(speaker: ""), in: world, mentioning: "--speaker is empty")
        _ = try decideOne(claim(note: String(repeating: "n", count: 2000)), in: world)
    }

    @Test func keepsTheWordingAsSaid() throws {
        let wording = "более половины'; DROP TABLE events; --"
        let (_, event) = try decideOne(claim(wording: wording), in: try World.seeded())
        guard case .progressClaimed(let claimed) = event else { Issue.record("got \(event)"); return }
        #expect(claimed.wording == wording)
    }

    @Test func refusesAScopeWhoseProgrammeWasRetracted() throws {
        var world = try World.seeded()
        try world.run(.retract(RetractEvent(eventId: eventId(3).uuidString, reason: "not a programme")))
        expectRejection(claim(scope: programmeId), in: world, mentioning: "unknown scope \"currency-regulation\"")
    }
}

@Suite struct RetractTests {
    @Test func retractsAnEventInItsStream() throws {
        let world = try World.seeded()
        let (decision, event) = try decideOne(.retract(RetractEvent(eventId: eventId(4).uuidString, reason: "duplicate of another milestone")), in: world)
        #expect(decision.stream == .programme(programmeId))
        #expect(decision.expectedVersion == 2)
        #expect(event == .eventRetracted(EventRetracted(eventId: "00000000-0000-0000-0000-000000000004", targetType: "MilestoneAdded", reason: "duplicate of another milestone")))
    }

    @Test func storesTheIdInLowercaseHoweverItWasTyped() throws {
        var world = try World.seeded()
        let ids = try world.run(.claimProgress(ClaimProgress(scope: portfolioId, wording: "40%", interval: .exactly(40), asOf: "2023-05-17", source: sourceId)))
        let typed = ids[0].uuidString.uppercased()
        let (_, event) = try decideOne(.retract(RetractEvent(eventId: typed, reason: "misheard")), in: world)
        guard case .eventRetracted(let retracted) = event else { Issue.record("got \(event)"); return }
        #expect(retracted.eventId == ids[0].uuidString.lowercased())
        #expect(retracted.targetType == "ProgressClaimed")
    }

    @Test func refusesWhatIsNotAnEventId() throws {
        expectRejection(.retract(RetractEvent(eventId: "42", reason: "r")), in: try World.seeded(), mentioning: "EVENT_ID \"42\" is not an event id", "ustrack events")
    }

    @Test func refusesAnUnknownEvent() throws {
        expectRejection(.retract(RetractEvent(eventId: eventId(99).uuidString, reason: "r")), in: try World.seeded(), mentioning: "unknown event 00000000-0000-0000-0000-000000000099", "ustrack events")
    }

    @Test func refusesRetractingARetraction() throws {
        var world = try World.seeded()
        let ids = try world.run(.retract(RetractEvent(eventId: eventId(4).uuidString, reason: "r")))
        expectRejection(.retract(RetractEvent(eventId: ids[0].uuidString, reason: "undo")), in: world, mentioning: "itself a retraction", "record that fact again")
    }

    @Test func refusesRetractingTwice() throws {
        var world = try World.seeded()
        try world.run(.retract(RetractEvent(eventId: eventId(4).uuidString, reason: "r")))
        expectRejection(.retract(RetractEvent(eventId: eventId(4).uuidString, reason: "again")), in: world, mentioning: "already retracted")
    }

    @Test func needsAReason() throws {
        let world = try World.seeded()
        expectRejection(.retract(RetractEvent(eventId: eventId(4).uuidString, reason: "  ")), in: world, mentioning: "--reason is empty")
        expectRejection(.retract(RetractEvent(eventId: eventId(4).uuidString, reason: String(repeating: "r", count: 2001))), in: world, mentioning: "--reason is 2001 characters")
    }
}

@Suite struct DispatchTests {
    /// Every command a seeded world accepts, plus the ones a clash or a missing stream would refuse.
    static let commands: [Command] = [
        .definePortfolio(DefinePortfolio(id: "other", title: "T")),
        .definePortfolio(DefinePortfolio(id: programmeId, title: "clashes with a programme")),
        .revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-05-01", plannedMeasures: 300, source: sourceId)),
        .addProgramme(AddProgramme(id: "energy", portfolio: portfolioId, title: "T")),
        .addProgramme(AddProgramme(id: "elsewhere", portfolio: portfolioId, title: "clashes with a portfolio")),
        .completeProgramme(CompleteProgramme(id: programmeId, on: "2023-05-01", source: sourceId)),
        .addMilestone(AddMilestone(programme: programmeId, id: "treaty", title: "T")),
        .reachMilestone(ReachMilestone(programme: programmeId, id: "law-draft", on: "2023-05-01", source: sourceId)),
        .addSource(AddSource(id: "new-source", title: "T", publishedOn: "2023-01-01")),
        .addSource(AddSource(id: sourceId, title: "added twice", publishedOn: "2023-01-01")),
        .claimProgress(ClaimProgress(scope: programmeId, wording: "40%", interval: .exactly(40), asOf: "2023-05-01", source: sourceId)),
    ]

    /// The CLI loads only `streamsToRead`; decide must reach the same answer as with every stream loaded.
    @Test(arguments: commands)
    func decidesTheSameWithOnlyTheStreamsItReads(_ command: Command) throws {
        var world = try World.seeded()
        try world.run(.definePortfolio(DefinePortfolio(id: "elsewhere", title: "Another portfolio")))
        var loaded = StreamStates()
        for stream in command.streamsToRead {
            for entry in world.log where entry.stream == stream {
                loaded.apply(entry.recorded, to: stream)
            }
        }
        let partial = DecisionContext(today: world.today, streams: loaded, eventContent: world.content)
        let full = Result { () throws(ValidationError) in try Decider.decide(command, context: world.context) }
        let fromLoaded = Result { () throws(ValidationError) in try Decider.decide(command, context: partial) }
        #expect(fromLoaded == full)
    }

    @Test func aRetractionTargetsTheStreamTheStoreFoundItIn() throws {
        let world = try World.seeded()
        let context = DecisionContext(today: world.today, streams: world.streams, retractionTarget: RetractionTarget(stream: .source(sourceId), type: "SourceAdded"),
                                      eventContent: world.content)
        let decision = try Decider.decide(.retract(RetractEvent(eventId: eventId(2).uuidString, reason: "r")), context: context)
        #expect(decision.stream == .source(sourceId))
        #expect(decision.expectedVersion == 1)
        #expect(Command.retract(RetractEvent(eventId: eventId(2).uuidString, reason: "r")).streamsToRead.isEmpty)
    }

    @Test func parsesAnEventIdBeforeTheLookup() throws {
        #expect(try RetractEvent.eventId(parsing: " 00000000-0000-0000-0000-00000000000A ") == UUID(uuidString: "00000000-0000-0000-0000-00000000000a"))
        #expect(throws: ValidationError.self) { try RetractEvent.eventId(parsing: "not-a-uuid") }
    }
}

/// A command given again with the same content records nothing new; a fact retracted and then
/// recorded again is new.
@Suite struct RepeatTests {
    let claim = Command.claimProgress(ClaimProgress(
        scope: portfolioId, wording: "more than half", interval: PercentInterval(lo: 50, hi: 100, loInclusive: false),
        unit: "measures", asOf: "2023-05-17", source: sourceId, speaker: "Sergey Lavrov"))

    @Test func aClaimGivenAgainIsARepeatOfTheFirst() throws {
        var world = try World.seeded()
        let first = try world.run(claim)
        let again = try world.decide(claim)
        #expect(again.repeated == first)
        #expect(try world.run(claim) == first)
        #expect(world.log.count == 5)
    }

    @Test func aClaimThatDiffersInAnyFieldIsNew() throws {
        var world = try World.seeded()
        try world.run(claim)
        guard case .claimProgress(let base) = claim else { return }
        var noted = base
        noted.note = "a note"
        var spoken = base
        spoken.speaker = "Someone else"
        for other in [noted, spoken] {
            #expect(try world.decide(.claimProgress(other)).repeated == nil)
        }
    }

    @Test func aClaimRetractedAndRecordedAgainIsNew() throws {
        var world = try World.seeded()
        let first = try world.run(claim)
        try world.run(.retract(RetractEvent(eventId: first[0].uuidString, reason: "wrong source")))
        let again = try world.decide(claim)
        #expect(again.repeated == nil)
        let second = try world.run(claim)
        #expect(second != first)
        // And that second one, given once more, is a repeat of itself, not of the retracted first.
        #expect(try world.decide(claim).repeated == second)
    }

    @Test func everyCommandGivenAgainIsARepeatAndDifferentContentStillAnError() throws {
        var world = try World.seeded()
        let commands: [Command] = [
            .definePortfolio(DefinePortfolio(id: "p2", title: "P2")),
            .revisePortfolio(RevisePortfolio(id: portfolioId, on: "2023-05-17", plannedMeasures: 400, source: sourceId)),
            .addProgramme(AddProgramme(id: "customs", portfolio: portfolioId, title: "Customs")),
            .addMilestone(AddMilestone(programme: "customs", id: "m1", title: "M1")),
            .reachMilestone(ReachMilestone(programme: "customs", id: "m1", on: "2023-05-01", source: sourceId)),
            .completeProgramme(CompleteProgramme(id: "customs", on: "2023-05-17", source: sourceId)),
            .addSource(AddSource(id: "s2", title: "S2", publishedOn: "2023-01-01")),
        ]
        for command in commands {
            let first = try world.run(command)
            let again = try world.decide(command)
            #expect(again.repeated == first, "\(command)")
        }
        expectRejection(.addProgramme(AddProgramme(id: "customs", portfolio: portfolioId, title: "Customs, renamed")), in: world,
                        mentioning: "already added")
        expectRejection(.reachMilestone(ReachMilestone(programme: "customs", id: "m1", on: "2023-05-02", source: sourceId)), in: world,
                        mentioning: "already reached")
    }

    /// The states keep only a hash of each event's content: a match is read back, and other
    /// content under the same hash is a new claim, not a repeat.
    @Test func aHashMatchWhoseContentDiffersIsNotARepeat() throws {
        var world = try World.seeded()
        let first = try world.run(claim)
        guard case .claimProgress(var noted) = claim else { return }
        noted.note = "a note"
        let other = try world.decide(.claimProgress(noted)).events[0]
        var context = world.context(for: claim)
        let stored = world.content
        context.eventContent = { id in id == first[0] ? other : stored(id) }
        let decision = try Decider.decide(claim, context: context)
        #expect(decision.repeated == nil)
        #expect(decision.events.count == 1)
        #expect(try Decider.decide(claim, context: world.context).repeated == first)
    }

    @Test func aRetractionGivenAgainIsARepeatAndAnotherReasonIsRefused() throws {
        var world = try World.seeded()
        let first = try world.run(claim)
        let retraction = Command.retract(RetractEvent(eventId: first[0].uuidString, reason: "wrong source"))
        let withdrawn = try world.run(retraction)
        #expect(try world.decide(retraction).repeated == withdrawn)
        expectRejection(.retract(RetractEvent(eventId: first[0].uuidString, reason: "another reason")), in: world,
                        mentioning: "already retracted")
    }

    @Test func aRetractionWhoseHashMatchReadsBackDifferentlyIsNotARepeat() throws {
        var world = try World.seeded()
        let first = try world.run(claim)
        let retraction = Command.retract(RetractEvent(eventId: first[0].uuidString, reason: "wrong source"))
        let withdrawn = try world.run(retraction)
        var context = world.context(for: retraction)
        let stored = world.content
        context.eventContent = { id in id == withdrawn[0] ? stored(first[0]) : stored(id) }
        #expect(throws: ValidationError.self) { try Decider.decide(retraction, context: context) }
    }
}
