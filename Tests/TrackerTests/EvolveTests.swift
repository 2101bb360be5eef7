import Foundation
import Testing
@testable import Tracker

func recorded(_ n: Int, _ payload: some EventPayload) -> Recorded<TrackerEvent> {
    Recorded(eventId: eventId(n), event: payload.event)
}

func retraction(_ n: Int, of target: Int, type: String) -> Recorded<TrackerEvent> {
    recorded(n, EventRetracted(eventId: eventId(target).uuidString.lowercased(), targetType: type, reason: "test"))
}

@Suite struct PortfolioEvolveTests {
    let defined = PortfolioDefined(id: "p", title: "P", approvedOn: date("2021-11-04"), plannedProgrammes: 28, plannedMeasures: 310)

    @Test func startsEmpty() {
        let state = PortfolioState()
        #expect(state.version == 0)
        #expect(!state.isDefined)
        #expect(state.plannedMeasures == nil)
    }

    @Test func takesItsPlanFromTheDefinition() {
        let state = PortfolioState(replaying: [recorded(1, defined)])
        #expect(state.isDefined)
        #expect(state.definition?.eventId == eventId(1))
        #expect(state.version == 1)
        #expect(state.plannedProgrammes == 28)
        #expect(state.plannedMeasures == 310)
    }

    @Test func takesTheLatestRevisionByItsDateNotByWhenItWasRecorded() {
        let state = PortfolioState(replaying: [
            recorded(1, defined),
            recorded(2, PortfolioRevised(id: "p", on: date("2023-01-01"), plannedMeasures: 300)),
            recorded(3, PortfolioRevised(id: "p", on: date("2022-06-01"), plannedProgrammes: 27, plannedMeasures: 305)),
        ])
        #expect(state.plannedMeasures == 300)
        #expect(state.plannedProgrammes == 27, "a revision that leaves a total out keeps the earlier one")
        #expect(state.revision(on: date("2022-06-01"))?.eventId == eventId(3))
        #expect(state.version == 3)
    }

    @Test func forgetsARetractedRevision() {
        let state = PortfolioState(replaying: [
            recorded(1, defined),
            recorded(2, PortfolioRevised(id: "p", on: date("2023-01-01"), plannedMeasures: 300)),
            retraction(3, of: 2, type: "PortfolioRevised"),
        ])
        #expect(state.plannedMeasures == 310)
        #expect(state.revisions.isEmpty)
        #expect(state.retracted == [eventId(2)])
        #expect(state.version == 3)
    }

    @Test func isUndefinedOnceItsDefinitionIsRetracted() {
        let state = PortfolioState(replaying: [recorded(1, defined), retraction(2, of: 1, type: "PortfolioDefined")])
        #expect(!state.isDefined)
        #expect(state.version == 2)
    }

    @Test func countsButIgnoresClaims() {
        let claim = ProgressClaimed(scope: "p", scopeKind: .portfolio, wording: "40%", interval: .exactly(40), unit: .measures, asOf: date("2023-01-01"), source: "s")
        let before = PortfolioState(replaying: [recorded(1, defined)])
        let after = PortfolioState.evolve(before, recorded(2, claim))
        #expect(after.version == 2)
        #expect(after.definition == before.definition)
    }
}

@Suite struct ProgrammeEvolveTests {
    let added = ProgrammeAdded(id: "c", portfolio: "p", title: "C")
    let milestone = MilestoneAdded(programme: "c", id: "m", title: "M", due: date("2023-12-31"))
    let reached = MilestoneReached(programme: "c", id: "m", on: date("2023-05-01"), source: "s")

    @Test func tracksTheProgrammeAndItsMilestones() {
        let state = ProgrammeState(replaying: [
            recorded(1, added),
            recorded(2, milestone),
            recorded(3, MilestoneAdded(programme: "c", id: "n", title: "N")),
            recorded(4, reached),
            recorded(5, ProgrammeCompleted(id: "c", on: date("2023-06-01"))),
        ])
        #expect(state.added?.event == added)
        #expect(state.milestones.keys.sorted() == ["m", "n"])
        #expect(state.milestones["m"]?.reached?.event == reached)
        #expect(state.milestones["n"]?.reached == nil)
        #expect(state.completed?.event.on == date("2023-06-01"))
        #expect(state.version == 5)
    }

    @Test func undoesWhatARetractionWithdraws() {
        let events = [
            recorded(1, added), recorded(2, milestone), recorded(3, reached),
            recorded(4, ProgrammeCompleted(id: "c", on: date("2023-06-01"))),
        ]
        let unreached = ProgrammeState(replaying: events + [retraction(5, of: 3, type: "MilestoneReached")])
        #expect(unreached.milestones["m"] != nil)
        #expect(unreached.milestones["m"]?.reached == nil)
        #expect(unreached.completed != nil)

        let uncompleted = ProgrammeState(replaying: events + [retraction(5, of: 4, type: "ProgrammeCompleted")])
        #expect(uncompleted.completed == nil)
        #expect(uncompleted.milestones["m"]?.reached != nil)

        let withoutMilestone = ProgrammeState(replaying: events + [retraction(5, of: 2, type: "MilestoneAdded")])
        #expect(withoutMilestone.milestones.isEmpty)

        let unadded = ProgrammeState(replaying: events + [retraction(5, of: 1, type: "ProgrammeAdded")])
        #expect(!unadded.isAdded)
        #expect(unadded.retracted == [eventId(1)])
        #expect(unadded.version == 5)
    }

    @Test func ignoresAReachOfAMilestoneItDoesNotHave() {
        let state = ProgrammeState(replaying: [recorded(1, added), recorded(2, reached)])
        #expect(state.milestones.isEmpty)
        #expect(state.version == 2)
    }

    @Test func ignoresARetractionNamingNoEventOfItsOwn() {
        let before = ProgrammeState(replaying: [recorded(1, added)])
        let after = ProgrammeState.evolve(before, retraction(2, of: 42, type: "ProgrammeAdded"))
        #expect(after.added == before.added)
        #expect(after.version == 2)
    }
}

@Suite struct SourceEvolveTests {
    @Test func existsUntilRetracted() {
        let added = SourceAdded(id: "s", title: "S", publishedOn: date("2023-05-17"))
        let live = SourceState(replaying: [recorded(1, added)])
        #expect(live.added?.event == added)
        #expect(live.version == 1)
        let withdrawn = SourceState.evolve(live, retraction(2, of: 1, type: "SourceAdded"))
        #expect(!withdrawn.isAdded)
        #expect(withdrawn.version == 2)
    }
}

@Suite struct StreamStatesTests {
    @Test func routesEachEventToTheStateOfItsStream() {
        var streams = StreamStates()
        streams.apply(recorded(1, PortfolioDefined(id: "p", title: "P")), to: .portfolio("p"))
        streams.apply(recorded(2, ProgrammeAdded(id: "c", portfolio: "p", title: "C")), to: .programme("c"))
        streams.apply(recorded(3, SourceAdded(id: "s", title: "S", publishedOn: date("2023-01-01"))), to: .source("s"))
        streams.apply(retraction(4, of: 3, type: "SourceAdded"), to: .source("s"))
        #expect(streams.portfolio("p").isDefined)
        #expect(streams.programme("c").isAdded)
        #expect(!streams.source("s").isAdded)
        #expect(streams.version(of: .source("s")) == 2)
        #expect(streams.version(of: .programme("unloaded")) == 0)
        #expect(streams.isRetracted(eventId(3), in: .source("s")))
        #expect(!streams.isRetracted(eventId(3), in: .portfolio("p")))
        #expect(streams.scopeKind(of: "p") == .portfolio)
        #expect(streams.scopeKind(of: "c") == .programme)
        #expect(streams.scopeKind(of: "s") == nil)
    }

    @Test func namesStreamsAsCategoryAndId() {
        #expect(StreamName.programme("currency-regulation").description == "programme-currency-regulation")
        #expect(StreamName("programme-currency-regulation") == .programme("currency-regulation"))
        #expect(StreamName("portfolio-union-state-2021-2023") == .portfolio("union-state-2021-2023"))
        #expect(StreamName("source-x") == .source("x"))
        #expect(StreamName("claim-x") == nil)
        #expect(StreamName("portfolio-") == nil)
        #expect(StreamName("portfolio") == nil)
    }
}

@Suite struct EventCodingTests {
    static let everyEvent: [(TrackerEvent, String, Set<String>)] = [
        (PortfolioDefined(id: "p", title: "P'; DROP TABLE x; --", titleRu: "П", approvedOn: date("2021-11-04"), approvedBy: "SSC", periodStart: date("2021-01-01"), periodEnd: date("2023-12-31"), plannedProgrammes: 28, plannedMeasures: 310).event,
         "PortfolioDefined", ["id", "title", "title_ru", "approved_on", "approved_by", "period_start", "period_end", "planned_programmes", "planned_measures"]),
        (PortfolioRevised(id: "p", on: date("2023-01-01"), plannedProgrammes: 27, plannedMeasures: 300, source: "s").event,
         "PortfolioRevised", ["id", "on", "planned_programmes", "planned_measures", "source"]),
        (ProgrammeAdded(id: "c", portfolio: "p", title: "C", titleRu: "Ц", lead: "EEC", plannedMeasures: 12).event,
         "ProgrammeAdded", ["id", "portfolio", "title", "title_ru", "lead", "planned_measures"]),
        (ProgrammeCompleted(id: "c", on: date("2023-06-01"), source: "s").event,
         "ProgrammeCompleted", ["id", "on", "source"]),
        (MilestoneAdded(programme: "c", id: "m", title: "M", due: date("2023-12-31")).event,
         "MilestoneAdded", ["programme", "id", "title", "due"]),
        (MilestoneReached(programme: "c", id: "m", on: date("2023-05-01"), source: "s").event,
         "MilestoneReached", ["programme", "id", "on", "source"]),
        (SourceAdded(id: "s", title: "S", publishedOn: date("2023-05-17"), speaker: "Z", publisher: "MFA", url: "https://mid.ru/a/b", text: "\"текст\" \\ ", sha256: String(repeating: "0", count: 64)).event,
         "SourceAdded", ["id", "title", "published_on", "speaker", "publisher", "url", "text", "sha256"]),
        (ProgressClaimed(scope: "p", scopeKind: .portfolio, wording: "около 40,5 %", interval: PercentInterval(lo: 35.5, hi: 45.5, loInclusive: false), count: 7, total: 28, unit: .content, asOf: date("2023-05-17"), source: "s", speaker: "Z", note: "n").event,
         "ProgressClaimed", ["scope", "scope_kind", "wording", "lo", "hi", "lo_inclusive", "hi_inclusive", "count", "total", "unit", "as_of", "source", "speaker", "note"]),
        (EventRetracted(eventId: eventId(7).uuidString.lowercased(), targetType: "ProgressClaimed", reason: "misheard").event,
         "EventRetracted", ["event_id", "target_type", "reason"]),
    ]

    static let minimalEvents: [TrackerEvent] = [
        PortfolioDefined(id: "p", title: "P").event,
        PortfolioRevised(id: "p", on: date("2023-01-01")).event,
        ProgrammeAdded(id: "c", portfolio: "p", title: "C").event,
        ProgrammeCompleted(id: "c", on: date("2023-06-01")).event,
        MilestoneAdded(programme: "c", id: "m", title: "M").event,
        MilestoneReached(programme: "c", id: "m", on: date("2023-05-01")).event,
        SourceAdded(id: "s", title: "S", publishedOn: date("2023-05-17")).event,
        ProgressClaimed(scope: "c", scopeKind: .programme, wording: "half", interval: .exactly(50), unit: .measures, asOf: date("2023-05-17"), source: "s").event,
    ]

    func keys(of data: Data) throws -> Set<String> {
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return Set(object.keys)
    }

    @Test func coversEveryEventType() {
        #expect(Set(Self.everyEvent.map(\.1)) == Set(TrackerEvent.eventTypes.map { $0.eventType }))
        #expect(Self.everyEvent.count == TrackerEvent.eventTypes.count)
    }

    @Test(arguments: everyEvent)
    func roundTripsThroughJSONWithSnakeCaseKeys(_ event: TrackerEvent, _ type: String, _ keys: Set<String>) throws {
        #expect(event.type == type)
        #expect(event.schemaVersion == 1)
        let data = try event.encode()
        #expect(try self.keys(of: data) == keys)
        #expect(try TrackerEvent.decode(type: event.type, schemaVersion: event.schemaVersion, data: data) == event)
    }

    @Test(arguments: minimalEvents)
    func leavesOutAbsentFields(_ event: TrackerEvent) throws {
        let data = try event.encode()
        #expect(!String(decoding: data, as: UTF8.self).contains("null"))
        #expect(try TrackerEvent.decode(type: event.type, schemaVersion: 1, data: data) == event)
    }

    @Test func writesStableSortedJSON() throws {
        let event = ProgrammeCompleted(id: "c", on: date("2023-06-01"), source: "s").event
        #expect(String(decoding: try event.encode(), as: UTF8.self) == #"{"id":"c","on":"2023-06-01","source":"s"}"#)
        let claim = ProgressClaimed(scope: "p", scopeKind: .portfolio, wording: "more than half", interval: .atLeast(50, inclusive: false), unit: .measures, asOf: date("2023-05-17"), source: "s").event
        #expect(String(decoding: try claim.encode(), as: UTF8.self) == #"{"as_of":"2023-05-17","hi":100,"hi_inclusive":true,"lo":50,"lo_inclusive":false,"scope":"p","scope_kind":"portfolio","source":"s","unit":"measures","wording":"more than half"}"#)
    }

    @Test func refusesAnUnknownType() {
        #expect(throws: EventDecodingError.unknownType("ProgrammeDeleted")) {
            try TrackerEvent.decode(type: "ProgrammeDeleted", schemaVersion: 1, data: Data("{}".utf8))
        }
        #expect(EventDecodingError.unknownType("X").description.contains("this ustrack reads PortfolioDefined, "))
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        (#"{"id":"c","on":"2023-06-01""#, "not valid JSON"),
        (#"{"on":"2023-06-01"}"#, "missing key \"id\""),
        (#"{"id":7,"on":"2023-06-01"}"#, "wrong type at id"),
        (#"{"id":"c","on":"2023-02-30"}"#, "bad value at on: \"2023-02-30\" is not a real date"),
        (#"{"id":"c","on":null}"#, "null at on"),
    ])
    func explainsABadPayload(_ json: String, _ fragment: String) {
        do {
            let event = try TrackerEvent.decode(type: "ProgrammeCompleted", schemaVersion: 1, data: Data(json.utf8))
            Issue.record("decoded \(event)")
        } catch {
            guard case .badPayload(let type, let version, _) = error else { Issue.record("got \(error)"); return }
            #expect((type, version) == ("ProgrammeCompleted", 1))
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func refusesAnUnknownUnitOrScopeKind() {
        let claim = #"{"as_of":"2023-05-17","hi":100,"hi_inclusive":true,"lo":50,"lo_inclusive":false,"scope":"p","scope_kind":"portfolio","source":"s","unit":"percent","wording":"w"}"#
        #expect(throws: EventDecodingError.self) {
            try TrackerEvent.decode(type: "ProgressClaimed", schemaVersion: 1, data: Data(claim.utf8))
        }
        let kind = claim.replacingOccurrences(of: #""unit":"percent""#, with: #""unit":"measures""#).replacingOccurrences(of: #""portfolio""#, with: #""milestone""#)
        #expect(throws: EventDecodingError.self) {
            try TrackerEvent.decode(type: "ProgressClaimed", schemaVersion: 1, data: Data(kind.utf8))
        }
    }

    @Test func refusesASchemaNewerThanItKnows() {
        #expect(throws: EventDecodingError.newerSchema(type: "SourceAdded", version: 2, supported: 1)) {
            try TrackerEvent.decode(type: "SourceAdded", schemaVersion: 2, data: Data("{}".utf8))
        }
        #expect(EventDecodingError.newerSchema(type: "SourceAdded", version: 2, supported: 1).description.contains("upgrade ustrack"))
    }

    @Test func needsAnUpcasterForAnOlderSchema() {
        #expect(throws: EventDecodingError.missingUpcaster(type: "SourceAdded", fromVersion: 0)) {
            try TrackerEvent.decode(type: "SourceAdded", schemaVersion: 0, data: Data("{}".utf8))
        }
    }

    /// A pretend version 0 of SourceAdded that called the publication date `date`.
    static let renameDate = Upcaster(type: "SourceAdded", fromVersion: 0) { data in
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        object["published_on"] = object.removeValue(forKey: "date")
        return try JSONSerialization.data(withJSONObject: object)
    }

    @Test func upcastsAnOlderSchemaBeforeDecoding() throws {
        let old = Data(#"{"id":"s","title":"S","date":"2023-05-17"}"#.utf8)
        let event = try TrackerEvent.decode(type: "SourceAdded", schemaVersion: 0, data: old, upcasters: [Self.renameDate])
        #expect(event == SourceAdded(id: "s", title: "S", publishedOn: date("2023-05-17")).event)
    }

    @Test func appliesOnlyTheUpcastersOfItsType() {
        let other = Upcaster(type: "ProgrammeAdded", fromVersion: 0) { $0 }
        #expect(throws: EventDecodingError.missingUpcaster(type: "SourceAdded", fromVersion: 0)) {
            try TrackerEvent.decode(type: "SourceAdded", schemaVersion: 0, data: Data("{}".utf8), upcasters: [other])
        }
    }

    @Test func leavesCurrentPayloadsToTheDecoder() throws {
        let failing = Upcaster(type: "SourceAdded", fromVersion: 1) { _ in throw CocoaError(.coderInvalidValue) }
        let data = try SourceAdded(id: "s", title: "S", publishedOn: date("2023-05-17")).event.encode()
        #expect(try TrackerEvent.decode(type: "SourceAdded", schemaVersion: 1, data: data, upcasters: [failing]).type == "SourceAdded")
    }

    @Test func reportsAFailingUpcaster() {
        let failing = Upcaster(type: "SourceAdded", fromVersion: 0) { _ in throw CocoaError(.coderInvalidValue) }
        do {
            _ = try TrackerEvent.decode(type: "SourceAdded", schemaVersion: 0, data: Data("{}".utf8), upcasters: [failing])
            Issue.record("decoded through a failing upcaster")
        } catch {
            #expect(error.description.contains("upcasting to version 1 failed"))
        }
    }

    @Test func exposesTheFlatIntervalAsAPercentInterval() {
        let interval = PercentInterval(lo: 50, hi: 100, loInclusive: false)
        let claim = ProgressClaimed(scope: "p", scopeKind: .portfolio, wording: "more than half", interval: interval, unit: .measures, asOf: date("2023-05-17"), source: "s")
        #expect(claim.interval == interval)
        #expect((claim.lo, claim.hi, claim.loInclusive, claim.hiInclusive) == (50, 100, false, true))
    }
}
