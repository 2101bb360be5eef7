import Foundation

/// Two claims that cannot both be true: a finding to show the reader, not an error.
public struct Contradiction: Hashable, Sendable {
    public enum Kind: String, Sendable {
        /// A later claim's interval lies entirely below an earlier claim's lower bound.
        case backwards = "backwards"
        /// Two claims about the same date whose intervals do not overlap.
        case sameDay = "same_day"
    }

    public var kind: Kind
    /// The claim with the earlier as-of; for `sameDay`, the one recorded first.
    public var earlier: UUID
    public var later: UUID

    public init(kind: Kind, earlier: UUID, later: UUID) {
        self.kind = kind
        self.earlier = earlier
        self.later = later
    }
}

extension Inference {
    /// Every contradicting pair, once, ordered by the later claim's date, then the earlier's
    /// (then recording order, so the result never depends on the input order).
    public static func contradictions(claims: [ClaimFact], baselines: [CalendarDate]) -> [Contradiction] {
        let baselines = Baselines(baselines)
        let ordered = claims.sorted(by: ClaimFact.chronologically)
        var found: [(earlier: ClaimFact, later: ClaimFact, kind: Contradiction.Kind)] = []
        for (index, later) in ordered.enumerated() {
            for earlier in ordered[..<index] {
                if let kind = conflict(earlier, later, baselines) {
                    found.append((earlier, later, kind))
                }
            }
        }
        found.sort { a, b in
            if a.later.asOf != b.later.asOf { return a.later.asOf < b.later.asOf }
            if a.earlier.asOf != b.earlier.asOf { return a.earlier.asOf < b.earlier.asOf }
            if a.later.sequence != b.later.sequence { return a.later.sequence < b.later.sequence }
            return a.earlier.sequence < b.earlier.sequence
        }
        return found.map { Contradiction(kind: $0.kind, earlier: $0.earlier.id, later: $0.later.id) }
    }

    /// `earlier` precedes `later` chronologically (date, then recording order).
    static func conflict(_ earlier: ClaimFact, _ later: ClaimFact, _ baselines: Baselines) -> Contradiction.Kind? {
        if earlier.asOf == later.asOf {
            // Both describe the same day, so both intervals must contain the one true value.
            return earlier.interval.overlaps(later.interval) ? nil : .sameDay
        }
        // Progress cannot go down within one plan: the later claim may not lie wholly under the
        // earlier one's lower bound (open ends respected). Across a revision the plan changed.
        guard baselines.same(earlier.asOf, later.asOf) else { return nil }
        return later.interval.isEntirelyBelow(earlier.interval) ? .backwards : nil
    }
}
