import Foundation

extension Decider {
    public static func decide(
        _ command: DefinePortfolio, state: PortfolioState, context: DecisionContext
    ) throws(ValidationError) -> [TrackerEvent] {
        try Check.id(command.id, "portfolio id")
        try Check.text(command.title, "--title", limit: Limits.titleLength)
        try Check.optionalText(command.titleRu, "--title-ru", limit: Limits.titleLength)
        try Check.optionalText(command.approvedBy, "--approved-by", limit: Limits.nameLength)
        try Check.count(command.plannedProgrammes, "--programmes")
        try Check.count(command.plannedMeasures, "--measures")
        let approvedOn = try command.approvedOn.map { (text) throws(ValidationError) in
            try Check.factDate(text, "--approved-on", today: context.today)
        }
        let period = try command.period.map { (text) throws(ValidationError) in try parsePeriod(text) }

        let defined = PortfolioDefined(
            id: command.id, title: command.title, titleRu: command.titleRu, approvedOn: approvedOn,
            approvedBy: command.approvedBy, periodStart: period?.start, periodEnd: period?.end,
            plannedProgrammes: command.plannedProgrammes, plannedMeasures: command.plannedMeasures
        )
        // The same definition given again is a repeat, which `decision` tells; another is an error.
        if let existing = state.definition, existing.event == defined { return [defined.event] }
        if let existing = state.definition {
            throw ValidationError(
                "portfolio \"\(command.id)\" is already defined (event \(existing.eventId.lowercased)): to change its planned totals use `ustrack portfolio revise \(command.id) --on D --measures N`; to replace the definition, \(ValidationError.retractFirst(existing.eventId))"
            )
        }
        if context.streams.programme(command.id).isAdded {
            throw ValidationError(
                "\"\(command.id)\" is already a programme: portfolios and programmes share ids so that a progress SCOPE names one thing; choose another id"
            )
        }
        return [defined.event]
    }

    public static func decide(
        _ command: RevisePortfolio, state: PortfolioState, context: DecisionContext
    ) throws(ValidationError) -> [TrackerEvent] {
        try Check.id(command.id, "portfolio id")
        let on = try Check.factDate(command.on, "--on", today: context.today)
        if command.plannedProgrammes == nil, command.plannedMeasures == nil {
            throw ValidationError(
                "nothing to revise: give the new planned totals with --programmes N, --measures N or both"
            )
        }
        try Check.count(command.plannedProgrammes, "--programmes")
        try Check.count(command.plannedMeasures, "--measures")

        guard let definition = state.definition else { throw .unknownPortfolio(command.id) }
        if let approvedOn = definition.event.approvedOn, on < approvedOn {
            throw ValidationError(
                "--on \(on) is before portfolio \"\(command.id)\" was approved (\(approvedOn)): a plan can only be revised after it exists"
            )
        }
        let revised = PortfolioRevised(
            id: command.id, on: on, plannedProgrammes: command.plannedProgrammes,
            plannedMeasures: command.plannedMeasures, source: command.source
        )
        if let same = state.revision(on: on), same.event == revised { return [revised.event] }
        if let same = state.revision(on: on) {
            throw ValidationError(
                "portfolio \"\(command.id)\" already has a revision on \(on) (event \(same.eventId.lowercased)): two plans for one day cannot both hold; to replace it, \(ValidationError.retractFirst(same.eventId))"
            )
        }
        try Check.citation(command.source, reporting: on, "--on", in: context.streams)
        return [revised.event]
    }

    /// `START..END`, both ISO dates, START not after END.
    static func parsePeriod(_ text: String) throws(ValidationError) -> (start: CalendarDate, end: CalendarDate) {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2 else {
            throw ValidationError("--period \"\(text)\" is not a period: write it as START..END, e.g. 2021-01-01..2023-12-31")
        }
        let start = try Check.date(parts[0], "--period start")
        let end = try Check.date(parts[1], "--period end")
        if start > end {
            throw ValidationError("--period \(text) ends before it starts: write the earlier date first, e.g. \(end)..\(start)")
        }
        return (start, end)
    }
}
