import Foundation

/// A programme and its milestones, as the programme's stream tells it.
public struct ProgrammeState: StreamState {
    public struct Milestone: Hashable, Sendable {
        public var added: Recorded<MilestoneAdded>
        /// Nil until reached, and again once that event is retracted.
        public var reached: Recorded<MilestoneReached>?
    }

    public private(set) var version = 0
    public private(set) var retracted: Set<UUID> = []
    /// Nil until added, and again once that event is retracted.
    public private(set) var added: Recorded<ProgrammeAdded>?
    public private(set) var completed: Recorded<ProgrammeCompleted>?
    public private(set) var milestones: [String: Milestone] = [:]

    public init() {}

    public var isAdded: Bool { added != nil }

    public static func evolve(_ state: ProgrammeState, _ recorded: Recorded<TrackerEvent>) -> ProgrammeState {
        var state = state
        state.version += 1
        switch recorded.event {
        case .programmeAdded(let added):
            state.added = Recorded(eventId: recorded.eventId, event: added)
        case .programmeCompleted(let completed):
            state.completed = Recorded(eventId: recorded.eventId, event: completed)
        case .milestoneAdded(let added):
            let reached = state.milestones[added.id]?.reached
            state.milestones[added.id] = Milestone(added: Recorded(eventId: recorded.eventId, event: added), reached: reached)
        case .milestoneReached(let reached):
            state.milestones[reached.id]?.reached = Recorded(eventId: recorded.eventId, event: reached)
        case .eventRetracted(let retraction):
            guard let target = retraction.target else { break }
            state.retracted.insert(target)
            state.withdraw(target)
        default:
            break
        }
        return state
    }

    private mutating func withdraw(_ target: UUID) {
        if added?.eventId == target { added = nil }
        if completed?.eventId == target { completed = nil }
        for (id, milestone) in milestones {
            if milestone.added.eventId == target {
                milestones[id] = nil
            } else if milestone.reached?.eventId == target {
                milestones[id]?.reached = nil
            }
        }
    }
}
