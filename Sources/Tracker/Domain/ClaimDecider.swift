extension Decider {
    /// Decides a claim on a scope already resolved with `Scope.resolve`, which rejects an unknown one.
    public static func decide(
        _ command: ClaimProgress, scope: Scope, context: DecisionContext
    ) throws(ValidationError) -> [TrackerEvent] {
        try Check.id(command.scope, "SCOPE")
        try Check.text(command.wording, "WORDING", limit: Limits.wordingLength)
        try Check.interval(command.interval)
        let unit = try command.unit.map { (text) throws(ValidationError) in try ClaimUnit(parsing: text) } ?? .measures
        let asOf = try Check.factDate(command.asOf, "--as-of", today: context.today)
        try Check.optionalText(command.speaker, "--speaker", limit: Limits.nameLength)
        try Check.optionalText(command.note, "--note", limit: Limits.noteLength)
        try checkFigures(count: command.count, total: command.total, interval: command.interval)

        if unit == .programmes, scope.kind == .programme {
            throw ValidationError(
                "unit programmes counts the programmes of a portfolio, and \"\(command.scope)\" is a programme: use --unit measures or --unit content"
            )
        }
        try Check.citation(command.source, reporting: asOf, "--as-of", in: context.streams)
        let pinned = try command.quote.map { (quote) throws(ValidationError) in
            try pin(quote, wording: command.wording, source: command.source, in: context.streams)
        }
        return [
            ProgressClaimed(
                scope: scope.id, scopeKind: scope.kind, wording: command.wording, interval: command.interval,
                count: command.count, total: command.total, unit: unit, asOf: asOf, source: command.source,
                speaker: command.speaker, note: command.note, quote: pinned?.passage, quoteSpan: pinned?.span
            ).event,
        ]
    }

    /// Finds the quote in the cited source's stored text. The claim keeps the passage as the text
    /// spells it, so that the stored quote and `substr` of the text agree to the letter.
    private static func pin(
        _ quote: String, wording: String, source: String, in streams: StreamStates
    ) throws(ValidationError) -> (passage: String, span: QuoteSpan) {
        try Check.text(quote, "--quote", limit: Limits.quoteLength)
        guard let text = streams.source(source).added?.event.text else {
            throw ValidationError(
                "source \"\(source)\" has no stored text to quote from: add it again with --file, or leave --quote out"
            )
        }
        guard let span = Quote.locate(quote, in: text), let passage = span.passage(in: text) else {
            let closest = Quote.closestPassage(to: quote, in: text).map { " The closest passage reads: \"\($0)\"" } ?? ""
            throw ValidationError(
                "--quote is not in the stored text of source \"\(source)\": give words exactly as the text has them (spacing, quotation marks, dashes and ё may differ).\(closest)"
            )
        }
        guard Quote.contains(passage, wording) else {
            throw ValidationError(
                "the wording \"\(wording)\" is not inside the quote: the quote must hold the words the figure was read from"
            )
        }
        return (passage, span)
    }

    /// "7 of 28": both figures or neither, and the share they make must lie in the claimed interval.
    private static func checkFigures(count: Int?, total: Int?, interval: PercentInterval) throws(ValidationError) {
        switch (count, total) {
        case (nil, nil):
            return
        case (let count?, let total?):
            if !(1...Limits.count).contains(total) {
                throw ValidationError("total \(total) is out of range: give a whole number from 1 to \(Limits.count)")
            }
            if !(0...total).contains(count) {
                throw ValidationError("count \(count) of \(total) is impossible: the count must lie between 0 and the total")
            }
            let share = Double(count) * 100 / Double(total)
            let tolerance = 1e-9
            let halo = PercentInterval(lo: interval.lo - tolerance, hi: interval.hi + tolerance)
            if !halo.overlaps(.exactly(share)) {
                throw ValidationError(
                    "\(count) of \(total) is \(PercentInterval.format(share))%, outside the interval \(interval): the figures and the interval must agree"
                )
            }
        default:
            throw ValidationError("a count needs its total and a total its count: give both, as in \"7 of 28\", or neither")
        }
    }
}
