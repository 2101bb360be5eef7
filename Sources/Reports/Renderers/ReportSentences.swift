import Tracker

/// The report in plain words: where an estimate stands, on whose word, since when and against what,
/// beside the milestones; what a programme's status means against its portfolio's period. Pure, so
/// every wording is tested without a database. Interval notation stays in the tables.
public enum ReportSentences {
    /// An interval in words: "exactly 40%", "at least 70%", "more than 50%", "up to 60%",
    /// "less than 50%", "between 35% and 45%".
    public static func share(_ interval: PercentInterval) -> String {
        let lo = percent(interval.lo), hi = percent(interval.hi)
        if interval.isPoint { return interval.lo == 100 ? "all (100%)" : "exactly \(lo)" }
        let hasFloor = interval.lo > 0 || !interval.loInclusive
        let hasCeiling = interval.hi < 100 || !interval.hiInclusive
        let floor = "\(interval.loInclusive ? "at least" : "more than") \(lo)"
        let ceiling = "\(interval.hiInclusive ? "up to" : "less than") \(hi)"
        switch (hasFloor, hasCeiling) {
        case (false, false): return "anywhere from 0% to 100%"
        case (true, false): return floor
        case (false, true): return ceiling
        case (true, true):
            return interval.loInclusive && interval.hiInclusive ? "between \(lo) and \(hi)" : "\(floor) and \(ceiling)"
        }
    }

    /// What a unit of a scope is counted against, when the plan says it: for a portfolio, "28 programmes;
    /// the plan does not give the number of measures"; for a programme, "12 planned measures".
    public static func denominator(unit: String, portfolio: PortfolioInfo?, programme: ProgrammeRow?) -> String? {
        let measures = "the plan does not give the number of measures"
        if let programme {
            guard unit == "measures" else { return nil }
            return programme.plannedMeasures.map { "\($0) planned measures" } ?? measures
        }
        guard let portfolio else { return nil }
        let programmes = portfolio.plannedProgrammes.map { "\($0) programmes" }
            ?? portfolio.programmes.map { "\($0) recorded programmes" }
        switch unit {
        case "measures":
            guard let planned = portfolio.plannedMeasures else { return [programmes, measures].compactMap { $0 }.joined(separator: "; ") }
            return "\(planned) planned measures" + (programmes.map { " in \($0)" } ?? "")
        case "programmes", "content": return programmes
        default: return nil
        }
    }

    /// Where one scope stands in one unit, in a sentence or three: the estimate in words, the claims it
    /// rests on (speaker, wording, date, source), the earlier claim that bounds it below, since when it
    /// has held, and how many claims and contradictions there are. `claims` and `steps` are the
    /// scope's and unit's timeline, in date order.
    public static func standing(_ summary: ScopeSummary, claims: [ClaimMark], steps: [Timeline.Step],
                                denominator: String?, asOf: CalendarDate) -> String {
        let last = summary.lastClaim.asOf
        let latest = claims.filter { $0.asOf == last }.nonEmpty ?? [summary.lastClaim]
        let subject = subject(unit: summary.unit, scope: summary.scope, denominator: denominator)
        let count = summary.claims == 1 ? "1 claim" : "\(summary.claims) claims"
        if summary.disputed {
            let contradictions = summary.contradictions == 1 ? "1 contradiction" : "\(summary.contradictions) contradictions"
            return "As of \(asOf), how far \(subject.scope) is in \(summary.unit) is disputed: the latest "
                + "\(latest.count == 1 ? "claim" : "claims"), \(latest.map(attribution).joined(separator: " and ")), "
                + "\(latest.count == 1 ? "says" : "say") \(share(summary.estimate)), which earlier claims contradict "
                + "(\(contradictions) among \(count); see Contradictions)."
        }
        var sentence = "As of \(asOf), \(share(summary.estimate)) of \(subject.phrase), "
            + "on the word of \(latest.map(attribution).joined(separator: " and "))"
        let floorSetToday = latest.contains { $0.interval.lo == summary.estimate.lo && $0.interval.loInclusive == summary.estimate.loInclusive }
        if !floorSetToday, let floor = claims.last(where: {
            $0.asOf < last && $0.interval.lo == summary.estimate.lo && $0.interval.loInclusive == summary.estimate.loInclusive
        }) {
            sentence += ", bounded below by the earlier claim “\(floor.wording)” (\(floor.asOf)\(floor.speaker.map { ", \($0)" } ?? ""))"
        }
        sentence += ". This has held since \(since(summary.estimate, steps: steps) ?? last); \(count) in all, "
        sentence += summary.contradictions == 0 ? "none contradicting another." : "\(summary.contradictions) contradicted."
        return sentence
    }

    /// For a scope nobody has made a claim about.
    public static func noClaim(scope: String, asOf: CalendarDate) -> String {
        "As of \(asOf), there is no claim yet on how far \(scope) is."
    }

    /// The milestone evidence of some programmes: "Milestones: 2 of 4 reached (coordinated-foreign-policy)."
    public static func evidence(_ programmes: [ProgrammeRow]) -> String {
        let tracked = programmes.filter { $0.milestonesPlanned > 0 }
        guard !tracked.isEmpty else { return "No milestones are tracked to set beside the claims." }
        let reached = tracked.map(\.milestonesReached).reduce(0, +), planned = tracked.map(\.milestonesPlanned).reduce(0, +)
        let each = tracked.count == 1
            ? tracked[0].id
            : tracked.map { "\($0.id): \($0.milestonesReached) of \($0.milestonesPlanned)" }.joined(separator: ", ")
        return "Milestones: \(reached) of \(planned) reached (\(each))."
    }

    /// A programme's status against its portfolio's period: complete on a date, in progress while the
    /// period runs, or not reported complete once it has ended.
    public static func status(_ programme: ProgrammeRow, periodEnd: CalendarDate?, asOf: CalendarDate) -> String {
        if let on = programme.completedOn { return "complete on \(on)" }
        if programme.status == "completed" { return "complete" }
        if let end = periodEnd, end < asOf { return "not reported complete by the end of the period (\(end))" }
        return "in progress"
    }

    /// A portfolio's programmes at a glance: how many are recorded of those planned, how many are
    /// complete (against its period), how many have claims of their own.
    public static func programmes(of portfolio: PortfolioInfo, _ programmes: [ProgrammeRow], claimed: Set<String>,
                                  asOf: CalendarDate) -> String {
        let recorded = programmes.count
        let counted = portfolio.plannedProgrammes.map { "\(recorded) of its \($0) planned programmes are recorded" }
            ?? "\(recorded) \(recorded == 1 ? "programme is" : "programmes are") recorded"
        let complete = programmes.filter { $0.completedOn != nil || $0.status == "completed" }.count
        let completion: String
        if let end = portfolio.periodEnd, end < asOf {
            completion = complete == 0
                ? "none was reported complete by the end of its period (\(end))"
                : "\(complete) reported complete by the end of its period (\(end)), \(recorded - complete) not"
        } else {
            completion = complete == 0 ? "none is reported complete yet" : "\(complete) reported complete"
        }
        let withClaims = programmes.filter { claimed.contains($0.id) }.count
        let claims = withClaims == 0 ? "none has a claim of its own" : "\(withClaims) with claims of their own"
        return "\(portfolio.id): \(counted); \(completion); \(claims)."
    }

    /// Programmes with nothing to show, named in one line instead of as empty rows.
    public static func unclaimed(_ ids: [String]) -> String? {
        guard !ids.isEmpty else { return nil }
        let count = ids.count == 1 ? "1 programme" : "\(ids.count) programmes"
        return "No claims yet for \(count) (and no milestones or completion): \(ids.joined(separator: ", "))."
    }

    /// "Sergey Lavrov (“more than half of the measures”, 2023-05-17, Lavrov's remarks …, Moscow)".
    static func attribution(_ claim: ClaimMark) -> String {
        let detail = "“\(claim.wording)”, \(claim.asOf), \(claim.sourceTitle ?? claim.source)"
        return claim.speaker.map { "\($0) (\(detail))" } ?? "the source (\(detail))"
    }

    /// The first date of the latest run of steps whose every estimate lies within `estimate`: from
    /// then on, what the sentence says was already true.
    static func since(_ estimate: PercentInterval, steps: [Timeline.Step]) -> CalendarDate? {
        var date: CalendarDate?
        for step in steps.reversed() {
            guard !step.disputed, step.estimate.intersection(estimate) == step.estimate else { break }
            date = step.date
        }
        return date
    }

    private static func subject(unit: String, scope: String, denominator: String?) -> (scope: String, phrase: String) {
        let counted = denominator.map { "\(scope) (\($0))" } ?? scope
        let phrase = switch unit {
        case "measures": "the measures of \(counted) are implemented"
        case "programmes": "the programmes of \(counted) are fully done"
        case "content": "the content of \(counted) is implemented"
        default: "the \(unit) of \(counted)"
        }
        return (scope, phrase)
    }

    /// "70%", "4.5%".
    static func percent(_ value: Double) -> String {
        "\(PercentInterval.format(value))%"
    }
}

private extension Array {
    var nonEmpty: Self? { isEmpty ? nil : self }
}
