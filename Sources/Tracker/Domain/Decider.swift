/// Pure decisions: a command, the state of the streams it reads, and today give the events to append,
/// or a `ValidationError`. No I/O: the caller loads `Command.streamsToRead`, decides, and appends
/// the `Decision` with its expected version.
public enum Decider {
    public static func decide(_ command: Command, context: DecisionContext) throws(ValidationError) -> Decision {
        let streams = context.streams
        switch command {
        case .definePortfolio(let c):
            return decision(.portfolio(c.id), context, try decide(c, state: streams.portfolio(c.id), context: context))
        case .revisePortfolio(let c):
            return decision(.portfolio(c.id), context, try decide(c, state: streams.portfolio(c.id), context: context))
        case .addProgramme(let c):
            return decision(.programme(c.id), context, try decide(c, state: streams.programme(c.id), context: context))
        case .completeProgramme(let c):
            return decision(.programme(c.id), context, try decide(c, state: streams.programme(c.id), context: context))
        case .addMilestone(let c):
            return decision(.programme(c.programme), context, try decide(c, state: streams.programme(c.programme), context: context))
        case .reachMilestone(let c):
            return decision(.programme(c.programme), context, try decide(c, state: streams.programme(c.programme), context: context))
        case .addSource(let c):
            return decision(.source(c.id), context, try decide(c, state: streams.source(c.id), context: context))
        case .claimProgress(let c):
            try Check.id(c.scope, "SCOPE")
            let scope = try Scope.resolve(c.scope, in: streams)
            return decision(scope.stream, context, try decide(c, scope: scope, context: context))
        case .retract(let c):
            let events = try decide(c, context: context)
            // decide has checked the target exists.
            return decision(context.retractionTarget!.stream, context, events)
        }
    }

    /// A command given again with the same content records nothing new: while every event it
    /// would record is live in its stream, it is a repeat. A fact retracted and then recorded
    /// again is not live, so it is recorded anew.
    private static func decision(_ stream: StreamName, _ context: DecisionContext, _ events: [TrackerEvent]) -> Decision {
        let originals = events.compactMap { context.liveEvent(equalTo: $0, in: stream) }
        if !events.isEmpty, originals.count == events.count {
            return Decision(stream: stream, expectedVersion: context.streams.version(of: stream), events: events, repeated: originals)
        }
        return Decision(stream: stream, expectedVersion: context.streams.version(of: stream), events: events)
    }
}
