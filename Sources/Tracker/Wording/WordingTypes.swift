/// What a progress wording means: the interval, and for counts the figures behind it.
public struct ParsedWording: Hashable, Sendable {
    public var interval: PercentInterval
    /// "7 of 28" → 7; nil unless the wording was a count.
    public var count: Int?
    /// "7 of 28" → 28; nil unless the wording was a count.
    public var total: Int?
    /// The band rule that produced the interval (see `WordingRule`), e.g. "about", "more than", "count".
    public var rule: String

    public init(interval: PercentInterval, count: Int? = nil, total: Int? = nil, rule: String) {
        self.interval = interval
        self.count = count
        self.total = total
        self.rule = rule
    }
}

/// Why a wording was rejected: the part not understood, and what was understood before it.
public struct WordingError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        case empty, notUnderstood, notANumber, noFigure, twoFigures, negative, outOfRange
        case contradictory, misplaced, cannotCombine, badCount, emptyInterval
    }

    public var kind: Kind
    /// The whole wording as given.
    public var wording: String
    /// The part that was not understood or not accepted, as written.
    public var fragment: String
    /// One clause saying what is wrong with `fragment`.
    public var problem: String
    /// What was read before the problem, e.g. `"roughly" = about`.
    public var understood: [String]
    /// What to write instead.
    public var hint: String

    public static let generalHint = "write a figure such as \"40 percent\", \"more than half\" or \"7 of 28\""

    public init(kind: Kind, wording: String, fragment: String, problem: String, understood: [String] = [],
                hint: String = WordingError.generalHint) {
        self.kind = kind
        self.wording = wording
        self.fragment = fragment
        self.problem = problem
        self.understood = understood
        self.hint = hint
    }

    public var description: String {
        var text = "cannot read \"\(wording)\": \(problem)"
        if !understood.isEmpty {
            text += " (understood so far: \(understood.joined(separator: ", ")))"
        }
        return text + "; " + hint
    }
}
