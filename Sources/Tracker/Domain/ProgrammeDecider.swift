extension Decider {
    public static func decide(
        _ command: AddProgramme, state: ProgrammeState, context: DecisionContext
    ) throws(ValidationError) -> [TrackerEvent] {
        try Check.id(command.id, "programme id")
        try Check.id(command.portfolio, "--portfolio")
        try Check.text(command.title, "--title", limit: Limits.titleLength)
        try Check.optionalText(command.titleRu, "--title-ru", limit: Limits.titleLength)
        try Check.optionalText(command.lead, "--lead", limit: Limits.nameLength)
        try Check.count(command.plannedMeasures, "--measures")

        let added = ProgrammeAdded(
            id: command.id, portfolio: command.portfolio, title: command.title,
            titleRu: command.titleRu, lead: command.lead, plannedMeasures: command.plannedMeasures
        )
        // The same programme added again is a repeat, which `decision` tells; another is an error.
        if let existing = state.added, existing.event == added { return [added.event] }
        if let existing = state.added {
            throw ValidationError(
                "programme \"\(command.id)\" is already added to portfolio \"\(existing.event.portfolio)\" (event \(existing.eventId.lowercased)): to correct it, \(ValidationError.retractFirst(existing.eventId)) and add it again"
            )
        }
        guard context.streams.portfolio(command.portfolio).isDefined else {
            throw .unknownPortfolio(command.portfolio)
        }
        if context.streams.portfolio(command.id).isDefined {
            throw ValidationError(
                "\"\(command.id)\" is already a portfolio: portfolios and programmes share ids so that a progress SCOPE names one thing; choose another id"
            )
        }
        return [added.event]
    }

    public static func decide(
        _ command: CompleteProgramme, state: ProgrammeState, context: DecisionContext
    ) throws(ValidationError) -> [TrackerEvent] {
        try Check.id(command.id, "programme id")
        let on = try Check.factDate(command.on, "--on", today: context.today)

        guard state.isAdded else { throw .unknownProgramme(command.id) }
        let completed = ProgrammeCompleted(id: command.id, on: on, source: command.source)
        if let existing = state.completed, existing.event == completed { return [completed.event] }
        if let existing = state.completed {
            throw ValidationError(
                "programme \"\(command.id)\" was already completed on \(existing.event.on) (event \(existing.eventId.lowercased)): to correct the date, \(ValidationError.retractFirst(existing.eventId)) and complete it again"
            )
        }
        try Check.citation(command.source, reporting: on, "--on", in: context.streams)
        return [completed.event]
    }

    public static func decide(
        _ command: AddMilestone, state: ProgrammeState, context: DecisionContext
    ) throws(ValidationError) -> [TrackerEvent] {
        try Check.id(command.programme, "programme id")
        try Check.id(command.id, "milestone id")
        try Check.text(command.title, "--title", limit: Limits.titleLength)
        // A due date is a plan, so it may lie in the future.
        let due = try command.due.map { (text) throws(ValidationError) in try Check.date(text, "--due") }

        guard state.isAdded else { throw .unknownProgramme(command.programme) }
        let added = MilestoneAdded(programme: command.programme, id: command.id, title: command.title, due: due)
        if let existing = state.milestones[command.id], existing.added.event == added { return [added.event] }
        if let existing = state.milestones[command.id] {
            throw ValidationError(
                "milestone \"\(command.id)\" is already in programme \"\(command.programme)\" (event \(existing.added.eventId.lowercased)): choose another id, or to correct it, \(ValidationError.retractFirst(existing.added.eventId)) and add it again"
            )
        }
        return [added.event]
    }

    public static func decide(
        _ command: ReachMilestone, state: ProgrammeState, context: DecisionContext
    ) throws(ValidationError) -> [TrackerEvent] {
        try Check.id(command.programme, "programme id")
        try Check.id(command.id, "milestone id")
        let on = try Check.factDate(command.on, "--on", today: context.today)

        guard state.isAdded else { throw .unknownProgramme(command.programme) }
        guard let milestone = state.milestones[command.id] else {
            throw .unknownMilestone(command.id, programme: command.programme)
        }
        let reach = MilestoneReached(programme: command.programme, id: command.id, on: on, source: command.source)
        if let reached = milestone.reached, reached.event == reach { return [reach.event] }
        if let reached = milestone.reached {
            throw ValidationError(
                "milestone \"\(command.id)\" of programme \"\(command.programme)\" was already reached on \(reached.event.on) (event \(reached.eventId.lowercased)): to correct the date, \(ValidationError.retractFirst(reached.eventId)) and reach it again"
            )
        }
        try Check.citation(command.source, reporting: on, "--on", in: context.streams)
        return [reach.event]
    }
}
