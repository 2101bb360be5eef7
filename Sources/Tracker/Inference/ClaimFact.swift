import Foundation

/// One live progress claim as the inference sees it: what it says, about which day, and when it
/// was recorded. The caller passes the claims of one scope and one unit, retractions already removed.
public struct ClaimFact: Hashable, Sendable {
    /// The claim's event id.
    public var id: UUID
    /// The date the claim speaks of.
    public var asOf: CalendarDate
    public var interval: PercentInterval
    /// Recording order (global position): orders claims that share an as-of date, nothing else.
    public var sequence: Int

    public init(id: UUID, asOf: CalendarDate, interval: PercentInterval, sequence: Int) {
        self.id = id
        self.asOf = asOf
        self.interval = interval
        self.sequence = sequence
    }
}

extension ClaimFact {
    /// Date order, then recording order; the id only makes the order total if two sequences tie.
    static func chronologically(_ a: ClaimFact, _ b: ClaimFact) -> Bool {
        if a.asOf != b.asOf { return a.asOf < b.asOf }
        if a.sequence != b.sequence { return a.sequence < b.sequence }
        return a.id.uuidString < b.id.uuidString
    }
}
