import Testing
import Tracker

/// One end of an expected interval.
enum End: Sendable {
    case closed(Double)
    case open(Double)

    var value: Double {
        switch self {
        case .closed(let v), .open(let v): v
        }
    }

    var inclusive: Bool {
        if case .closed = self { true } else { false }
    }
}

struct Accepted: Sendable, CustomTestStringConvertible {
    var wording: String
    var lo: End
    var hi: End
    var rule: String
    var count: Int? = nil
    var total: Int? = nil

    init(_ wording: String, _ lo: End, _ hi: End, _ rule: String, count: Int? = nil, total: Int? = nil) {
        (self.wording, self.lo, self.hi, self.rule, self.count, self.total) = (wording, lo, hi, rule, count, total)
    }

    var testDescription: String { wording }
}

struct Rejected: Sendable, CustomTestStringConvertible {
    var wording: String
    var kind: WordingError.Kind
    /// The part the message must name as not understood or not accepted.
    var names: String
    var understood: String? = nil

    init(_ wording: String, _ kind: WordingError.Kind, names: String, understood: String? = nil) {
        (self.wording, self.kind, self.names, self.understood) = (wording, kind, names, understood)
    }

    var testDescription: String { wording.isEmpty ? "(empty)" : wording }
}

private func point(_ wording: String, _ x: Double, _ rule: String = "exact", count: Int? = nil, total: Int? = nil) -> Accepted {
    Accepted(wording, .closed(x), .closed(x), rule, count: count, total: total)
}

let accepted: [Accepted] = [
    point("40%", 40),
    point("40 %", 40),
    point("40 percent", 40),
    point("40 per cent", 40),
    point("40 проц.", 40),
    point("40 процентов", 40),
    point("40 процента", 40),
    point("1 процент", 1),
    point("на 70 процентов", 70),
    point("by 70 percent", 70),
    point("implemented by 70 percent", 70),
    point("70% implemented", 70),
    point("программа выполнена на 70%", 70),
    point("4,5 %", 4.5),
    point("4.5%", 4.5),
    point("0,125%", 0.125),
    point("40", 40),
    point("40\u{00A0}%", 40),
    point("  40   PERCENT  ", 40),
    point("40 %.", 40),
    point("0%", 0),
    point("100 %", 100),
    Accepted("about 40%", .closed(35), .closed(45), "about"),
    Accepted("approximately 45 percent", .closed(42.5), .closed(47.5), "about"),
    Accepted("around 43%", .closed(42), .closed(44), "about"),
    Accepted("some 4.5%", .closed(4), .closed(5), "about"),
    Accepted("roughly 70 per cent", .closed(65), .closed(75), "about"),
    Accepted("около 40 %", .closed(35), .closed(45), "about"),
    Accepted("примерно 45 процентов", .closed(42.5), .closed(47.5), "about"),
    Accepted("порядка 30 проц.", .closed(25), .closed(35), "about"),
    Accepted("about 100%", .closed(95), .closed(100), "about"),
    Accepted("about 0%", .closed(0), .closed(5), "about"),
    Accepted("more than 40%", .open(40), .closed(100), "more than"),
    Accepted("over 40 percent", .open(40), .closed(100), "more than"),
    Accepted("above 40%", .open(40), .closed(100), "more than"),
    Accepted("exceeding 40%", .open(40), .closed(100), "more than"),
    Accepted("более 40 процентов", .open(40), .closed(100), "more than"),
    Accepted("свыше 40%", .open(40), .closed(100), "more than"),
    Accepted("больше 40 %", .open(40), .closed(100), "more than"),
    Accepted("Более чем на 70 %", .open(70), .closed(100), "more than"),
    Accepted("at least 40%", .closed(40), .closed(100), "at least"),
    Accepted("не менее 40 %", .closed(40), .closed(100), "at least"),
    Accepted("не менее чем на 70 процентов", .closed(70), .closed(100), "at least"),
    Accepted("at least 100%", .closed(100), .closed(100), "at least"),
    Accepted("less than 40%", .closed(0), .open(40), "less than"),
    Accepted("under 40%", .closed(0), .open(40), "less than"),
    Accepted("below 40 percent", .closed(0), .open(40), "less than"),
    Accepted("менее 40%", .closed(0), .open(40), "less than"),
    Accepted("меньше 40 процентов", .closed(0), .open(40), "less than"),
    Accepted("no more than 40%", .closed(0), .closed(40), "at most"),
    Accepted("at most 40 percent", .closed(0), .closed(40), "at most"),
    Accepted("up to 30%", .closed(0), .closed(30), "at most"),
    Accepted("не более 40%", .closed(0), .closed(40), "at most"),
    Accepted("almost 70%", .closed(65), .open(70), "almost"),
    Accepted("nearly 45%", .closed(42.5), .open(45), "almost"),
    Accepted("почти 70 %", .closed(65), .open(70), "almost"),
    point("fully", 100, "fully"),
    point("completely implemented", 100, "fully"),
    point("all of the measures", 100, "fully"),
    point("полностью", 100, "fully"),
    point("все мероприятия выполнены", 100, "fully"),
    point("всё", 100, "fully"),
    point("в полном объёме", 100, "fully"),
    Accepted("almost all", .closed(95), .open(100), "almost"),
    Accepted("почти полностью", .closed(95), .open(100), "almost"),
    point("half", 50, "fraction"),
    point("половина мероприятий", 50, "fraction"),
    point("наполовину", 50, "fraction"),
    point("a third", 100.0 / 3, "fraction"),
    point("треть", 100.0 / 3, "fraction"),
    point("two thirds", 200.0 / 3, "fraction"),
    point("две трети", 200.0 / 3, "fraction"),
    point("a quarter", 25, "fraction"),
    point("четверть", 25, "fraction"),
    point("three quarters", 75, "fraction"),
    point("три четверти", 75, "fraction"),
    Accepted("most", .open(50), .closed(100), "most"),
    Accepted("majority", .open(50), .closed(100), "most"),
    Accepted("the majority of measures", .open(50), .closed(100), "most"),
    Accepted("большинство мероприятий", .open(50), .closed(100), "most"),
    Accepted("большая часть", .open(50), .closed(100), "most"),
    Accepted("more than half", .open(50), .closed(100), "more than"),
    Accepted("over half", .open(50), .closed(100), "more than"),
    Accepted("MORE  THAN   HALF", .open(50), .closed(100), "more than"),
    Accepted("more than half of the measures have been implemented", .open(50), .closed(100), "more than"),
    Accepted("более половины", .open(50), .closed(100), "more than"),
    Accepted("более\u{00A0}половины", .open(50), .closed(100), "more than"),
    Accepted("свыше половины", .open(50), .closed(100), "more than"),
    Accepted("больше половины", .open(50), .closed(100), "more than"),
    Accepted("about half", .closed(45), .closed(55), "about"),
    Accepted("около половины", .closed(45), .closed(55), "about"),
    Accepted("almost half", .closed(45), .open(50), "almost"),
    Accepted("почти половина", .closed(45), .open(50), "almost"),
    Accepted("more than a third", .open(100.0 / 3), .closed(100), "more than"),
    Accepted("более трети", .open(100.0 / 3), .closed(100), "more than"),
    Accepted("около двух третей", .closed(200.0 / 3 - 5), .closed(200.0 / 3 + 5), "about"),
    point("7 of 28", 25, "count", count: 7, total: 28),
    point("10 out of 28", 1000.0 / 28, "count", count: 10, total: 28),
    point("10 out of the 28", 1000.0 / 28, "count", count: 10, total: 28),
    point("125 из 310", 12500.0 / 310, "count", count: 125, total: 310),
    point("7 of 28 measures", 25, "count", count: 7, total: 28),
    point("28 of 28", 100, "count", count: 28, total: 28),
    point("0 of 28", 0, "count", count: 0, total: 28),
    Accepted("more than 7 of 28", .open(25), .closed(100), "more than", count: 7, total: 28),
    Accepted("about 7 of 28", .closed(600.0 / 28), .closed(800.0 / 28), "about", count: 7, total: 28),
    Accepted("almost 14 of 28", .closed(1300.0 / 28), .open(50), "almost", count: 14, total: 28),
    Accepted("не менее 125 из 310", .closed(12500.0 / 310), .closed(100), "at least", count: 125, total: 310),
]

let rejected: [Rejected] = [
    Rejected("", .empty, names: ""),
    Rejected("   ", .empty, names: "   "),
    Rejected("good progress", .noFigure, names: "good progress"),
    Rejected("some of the measures", .noFigure, names: "some of the measures", understood: "\"some\" = about"),
    Rejected("more than", .noFigure, names: "more than", understood: "\"more than\" = more than"),
    Rejected("percent", .noFigure, names: "percent"),
    Rejected("140 percent", .outOfRange, names: "140 percent"),
    Rejected("100.5%", .outOfRange, names: "100.5%"),
    Rejected("-5%", .negative, names: "-5%"),
    Rejected("−5 %", .negative, names: "−5 %"),
    Rejected("more than -5%", .negative, names: "-5%", understood: "\"more than\" = more than"),
    Rejected("more than less than 40%", .contradictory, names: "less than", understood: "\"more than\" = more than"),
    Rejected("не менее не более 40%", .contradictory, names: "не более"),
    Rejected("about almost 40%", .contradictory, names: "almost"),
    Rejected("roughly forty percent", .notANumber, names: "forty", understood: "\"roughly\" = about"),
    Rejected("сорок процентов", .notANumber, names: "сорок"),
    Rejected("seven of 28", .notANumber, names: "seven"),
    Rejected("7 of 0", .badCount, names: "7 of 0"),
    Rejected("30 of 28", .badCount, names: "30 of 28"),
    Rejected("7.5 of 28", .badCount, names: "7.5 of 28"),
    Rejected("40 measures", .badCount, names: "40 measures"),
    Rejected("7 из них", .badCount, names: "7 из них"),
    Rejected("40% or 50%", .twoFigures, names: "50%", understood: "\"40%\" = 40%"),
    Rejected("40–50%", .twoFigures, names: "50%"),
    Rejected("40% и 50%", .twoFigures, names: "50%"),
    Rejected("half or 7 of 28", .twoFigures, names: "7 of 28"),
    Rejected("40% or more", .notUnderstood, names: "or more", understood: "\"40%\" = 40%"),
    Rejected("more than half, as planned", .notUnderstood, names: ", as planned"),
    Rejected("half of", .notUnderstood, names: "of"),
    Rejected("не все", .notUnderstood, names: "не"),
    Rejected("half more than", .misplaced, names: "more than", understood: "\"half\" = half (50%)"),
    Rejected("more than implemented half", .misplaced, names: "implemented"),
    Rejected("by by 40", .misplaced, names: "by"),
    Rejected("40 %%", .misplaced, names: "%"),
    Rejected("more than most", .cannotCombine, names: "most"),
    Rejected("more than 100%", .emptyInterval, names: "more than 100%"),
    Rejected("less than 0%", .emptyInterval, names: "less than 0%"),
    Rejected("almost 0", .emptyInterval, names: "almost 0"),
    Rejected("more than all", .emptyInterval, names: "more than all"),
    Rejected("1,250 из 3,100", .notANumber, names: "1,250"),
    Rejected("1.2.3%", .notANumber, names: "1.2.3"),
]

private func close(_ a: Double, _ b: Double) -> Bool {
    abs(a - b) < 1e-9
}

@Test("an accepted wording gives its interval, rule and count", arguments: accepted)
func acceptedWording(_ c: Accepted) throws {
    let parsed = try WordingParser.parse(c.wording)
    let i = parsed.interval
    #expect(close(i.lo, c.lo.value), "lo \(i.lo), expected \(c.lo.value)")
    #expect(close(i.hi, c.hi.value), "hi \(i.hi), expected \(c.hi.value)")
    #expect(i.loInclusive == c.lo.inclusive)
    #expect(i.hiInclusive == c.hi.inclusive)
    #expect(parsed.rule == c.rule)
    #expect(parsed.count == c.count)
    #expect(parsed.total == c.total)
}

@Test("a rejected wording names the part not understood", arguments: rejected)
func rejectedWording(_ c: Rejected) {
    do {
        let parsed = try WordingParser.parse(c.wording)
        Issue.record("expected an error, got \(parsed.interval) by rule \(parsed.rule)")
    } catch {
        let message = error.description
        #expect(error.kind == c.kind)
        #expect(error.fragment == c.names)
        #expect(message.hasPrefix("cannot read \"\(c.wording)\": "))
        #expect(message.contains(error.problem))
        if c.kind != .empty {
            #expect(error.problem.contains("\"\(c.names)\""), "\(message)")
        }
        if let understood = c.understood {
            #expect(message.contains("understood so far: \(understood)"), "\(message)")
        }
    }
}

@Test func theExampleMessageReadsInFull() {
    #expect(throws: WordingError.self) { try WordingParser.parse("roughly forty percent") }
    do {
        _ = try WordingParser.parse("roughly forty percent")
    } catch {
        #expect(error.description == """
            cannot read "roughly forty percent": "forty" is not a number (understood so far: "roughly" = about); \
            write a figure such as "40 percent", "more than half" or "7 of 28"
            """)
    }
}

@Test func everyRuleHasExactlyOneBandAndEveryRoundnessAHalo() {
    for rule in WordingRule.allCases {
        #expect(WordingBands.table.filter { $0.rule == rule }.count == 1, "\(rule.rawValue)")
    }
    for roundness in Roundness.allCases {
        #expect(WordingBands.halo[roundness] != nil, "\(roundness.rawValue)")
    }
    #expect(WordingBands.table.allSatisfy { !$0.reason.isEmpty })
}

@Test func bandsAreClampedToZeroAndHundred() {
    let about = WordingBands.table.first { $0.rule == .about }
    #expect(about?.interval(x: 98, halo: 5) == PercentInterval(lo: 93, hi: 100))
    #expect(about?.interval(x: 2, halo: 5) == PercentInterval(lo: 0, hi: 7))
}

@Test func intersectionKeepsOpenAndClosedEnds() {
    let below40 = PercentInterval(lo: 0, hi: 40, hiInclusive: false)
    let from40 = PercentInterval.atLeast(40)
    let upTo40 = PercentInterval(lo: 0, hi: 40)
    let above50 = PercentInterval.atLeast(50, inclusive: false)

    #expect(below40.intersection(from40).isEmpty, "[0, 40) and [40, 100] share nothing")
    #expect(upTo40.intersection(from40) == .exactly(40), "[0, 40] and [40, 100] share the point 40")
    #expect(!upTo40.intersection(from40).isEmpty)
    #expect(above50.intersection(.atLeast(50)) == above50, "the open end wins at an equal bound")
    #expect(PercentInterval(lo: 35, hi: 45).intersection(PercentInterval.atLeast(45, inclusive: false)).isEmpty)
    #expect(PercentInterval(lo: 0, hi: 50).intersection(.atLeast(60)).isEmpty)
    #expect(PercentInterval(lo: 0, hi: 100, hiInclusive: false).intersection(.whole).description == "[0, 100)")
    #expect(PercentInterval(lo: 40, hi: 40, loInclusive: false).isEmpty)
    #expect(!PercentInterval.exactly(40).isEmpty)
}
