import Foundation

/// A portfolio as its stream tells it. Claims are left to the projections: no decision depends on them.
public struct PortfolioState: StreamState {
    public private(set) var version = 0
    public private(set) var retracted: Set<UUID> = []
    /// Nil until defined, and again once the definition is retracted.
    public private(set) var definition: Recorded<PortfolioDefined>?
    /// Live revisions, in the order recorded.
    public private(set) var revisions: [Recorded<PortfolioRevised>] = []

    public init() {}

    public var isDefined: Bool { definition != nil }

    /// The planned number of programmes now: the latest live revision that sets it, else the definition.
    public var plannedProgrammes: Int? {
        latestRevision(setting: \.plannedProgrammes)?.plannedProgrammes ?? definition?.event.plannedProgrammes
    }

    public var plannedMeasures: Int? {
        latestRevision(setting: \.plannedMeasures)?.plannedMeasures ?? definition?.event.plannedMeasures
    }

    public func revision(on date: CalendarDate) -> Recorded<PortfolioRevised>? {
        revisions.first { $0.event.on == date }
    }

    /// Latest by the date it takes effect, not by when it was recorded: sources arrive out of order.
    private func latestRevision(setting total: KeyPath<PortfolioRevised, Int?>) -> PortfolioRevised? {
        revisions.enumerated()
            .filter { $0.element.event[keyPath: total] != nil }
            .max { ($0.element.event.on, $0.offset) < ($1.element.event.on, $1.offset) }?
            .element.event
    }

    public static func evolve(_ state: PortfolioState, _ recorded: Recorded<TrackerEvent>) -> PortfolioState {
        var state = state
        state.version += 1
        switch recorded.event {
        case .portfolioDefined(let defined):
            state.definition = Recorded(eventId: recorded.eventId, event: defined)
        case .portfolioRevised(let revised):
            state.revisions.append(Recorded(eventId: recorded.eventId, event: revised))
        case .eventRetracted(let retraction):
            guard let target = retraction.target else { break }
            state.retracted.insert(target)
            if state.definition?.eventId == target { state.definition = nil }
            state.revisions.removeAll { $0.eventId == target }
        default:
            break
        }
        return state
    }
}
