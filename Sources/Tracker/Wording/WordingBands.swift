/// The rules a wording can follow; the raw value is what `ParsedWording.rule` reports.
public enum WordingRule: String, CaseIterable, Sendable {
    case exact, fraction, count, about, almost
    case moreThan = "more than", atLeast = "at least", lessThan = "less than", atMost = "at most"
    case most, fully
}

/// How precisely a figure was stated; decides how wide "about" and "almost" reach.
public enum Roundness: String, CaseIterable, Sendable {
    case namedFraction, multipleOf10, multipleOf5, whole, decimal

    /// For figures in 0...1e9 (percentages, counts); integer arithmetic keeps the module free of libm.
    static func of(_ x: Double) -> Roundness {
        guard x == Double(Int(x)) else { return .decimal }
        let n = Int(x)
        return n % 10 == 0 ? .multipleOf10 : n % 5 == 0 ? .multipleOf5 : .whole
    }
}

/// One band: how a rule turns a figure `x` (percent) with rounding halo `h` into an interval.
public struct WordingBand: Sendable {
    public let rule: WordingRule
    public let reason: String
    let build: @Sendable (_ x: Double, _ h: Double) -> PercentInterval

    /// The band's interval, clamped to [0, 100].
    public func interval(x: Double, halo h: Double) -> PercentInterval {
        build(x, h).intersection(.whole)
    }
}

/// Every band and halo width, written once. Change a width here and nowhere else.
public enum WordingBands {
    /// Half-width of the rounding halo, in the figure's own units (percent, or items for counts).
    /// Convention: a round number stands for every value that rounds to it (Krifka 2009,
    /// "Approximate interpretations of number words"; Sigurd 1988, "Round numbers").
    public static let halo: [Roundness: (width: Double, reason: String)] = [
        .namedFraction: (5, "half, a third: the coarsest rounding a speaker has, at least as coarse as tens"),
        .multipleOf10: (5, "rounded to tens: \"about 40\" is said for anything from 35 to 45"),
        .multipleOf5: (2.5, "rounded to fives: \"about 45\" covers 42.5 to 47.5"),
        .whole: (1, "a non-round whole number was meant precisely: one unit either side"),
        .decimal: (0.5, "a figure with decimals was meant more precisely still: half a unit either side"),
    ]

    public static let table: [WordingBand] = [
        WordingBand(rule: .exact, reason: "a bare figure is taken as said; the speaker's own rounding is not widened") { x, _ in
            .exactly(x)
        },
        WordingBand(rule: .fraction, reason: "a named fraction is its value: half = 50, a third = 100/3") { x, _ in
            .exactly(x)
        },
        WordingBand(rule: .count, reason: "a count of a stated total is an exact share, 100 × count / total") { x, _ in
            .exactly(x)
        },
        WordingBand(rule: .about, reason: "[x − h, x + h]: the rounding halo on both sides (Krifka 2009)") { x, h in
            PercentInterval(lo: x - h, hi: x + h)
        },
        WordingBand(rule: .almost, reason: "[x − h, x): the halo below only; \"almost x\" entails not yet x (Horn 2002, polar component)") { x, h in
            PercentInterval(lo: x - h, hi: x, hiInclusive: false)
        },
        WordingBand(rule: .moreThan, reason: "(x, 100]: a strict comparative, \"more than 50\" excludes 50") { x, _ in
            .atLeast(x, inclusive: false)
        },
        WordingBand(rule: .atLeast, reason: "[x, 100]: \"at least\", \"не менее\" include x itself") { x, _ in
            .atLeast(x)
        },
        WordingBand(rule: .lessThan, reason: "[0, x): a strict comparative, \"less than 40\" excludes 40") { x, _ in
            PercentInterval(lo: 0, hi: x, hiInclusive: false)
        },
        WordingBand(rule: .atMost, reason: "[0, x]: \"at most\", \"не более\" include x itself") { x, _ in
            PercentInterval(lo: 0, hi: x)
        },
        WordingBand(rule: .most, reason: "(50, 100]: majority is more than half (Oxford \"the greater number\"; Ozhegov \"бо́льшая часть\")") { _, _ in
            .atLeast(50, inclusive: false)
        },
        WordingBand(rule: .fully, reason: "[100, 100]: fully, all, полностью: nothing is left") { _, _ in
            .exactly(100)
        },
    ]

    static func band(_ rule: WordingRule) -> WordingBand {
        guard let band = table.first(where: { $0.rule == rule }) else {
            preconditionFailure("no band for rule \(rule.rawValue)")
        }
        return band
    }

    static func halfWidth(_ roundness: Roundness) -> Double {
        guard let row = halo[roundness] else { preconditionFailure("no halo for \(roundness.rawValue)") }
        return row.width
    }
}
