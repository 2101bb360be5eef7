import Foundation
import Tracker

/// What the progress projection keeps in memory while it applies events, and the pure steps
/// from an event to the row changes it makes.
///
/// The projector loads what an event needs before applying it (`ProgressNeeds`): the live
/// claims of each group it touches, their scopes' portfolios and those portfolios' baselines.
/// `apply` and `versions` then only compute; a loaded group stays loaded for the batch, and
/// every change the state makes is a change it also returns.
public struct ProgressState: Sendable {
    /// The live claims of each loaded group. A group loaded is loaded whole.
    public private(set) var claims: [ProgressGroup: [UUID: ClaimFact]] = [:]
    /// The group of each claim seen or looked up, nil for an id no claim has.
    public private(set) var groupOf: [UUID: ProgressGroup?] = [:]
    /// Each scope's portfolio, nil for a scope known to have none.
    public private(set) var portfolioOf: [String: String?] = [:]
    /// The live plan revisions of each loaded portfolio, by event id.
    public private(set) var baselines: [String: [UUID: CalendarDate]] = [:]
    /// The portfolio of each plan revision seen or looked up, nil for an id no revision has.
    public private(set) var revisionPortfolio: [UUID: String?] = [:]
    /// Portfolios whose groups with live claims are all loaded.
    public private(set) var portfoliosLoaded: Set<String> = []
    /// Groups changed at `pendingAt` whose new version is yet to be made.
    public private(set) var pending: Set<ProgressGroup> = []
    public private(set) var pendingAt: Date?
    /// The latest time a version was made at, once read (`horizonKnown`). A change recorded
    /// before it (an older record imported later) cannot just close the current versions: its
    /// groups' whole history is made again from the recording times.
    public var horizon: Date? { didSet { horizonKnown = true } }
    public private(set) var horizonKnown = false

    public init() {}

    // MARK: Loading (what the projector read)

    public mutating func loaded(_ group: ProgressGroup, claims facts: [ClaimFact]) {
        guard claims[group] == nil else { return }
        var byId: [UUID: ClaimFact] = [:]
        byId.reserveCapacity(facts.count)
        for fact in facts {
            byId[fact.id] = fact
            groupOf[fact.id] = group
        }
        claims[group] = byId
    }

    public mutating func loaded(scope: String, portfolio: String?) { portfolioOf[scope] = .some(portfolio) }

    public mutating func loaded(baselines revisions: [UUID: CalendarDate], of portfolio: String) {
        guard baselines[portfolio] == nil else { return }
        baselines[portfolio] = revisions
        for id in revisions.keys { revisionPortfolio[id] = .some(portfolio) }
    }

    /// A claim's group as its row says, retracted or not; nil if no claim has this id.
    public mutating func loaded(claim: UUID, group: ProgressGroup?) { groupOf[claim] = .some(group) }

    /// Every group with live claims in the portfolio is loaded, and its baselines.
    public mutating func loaded(portfolio: String) {
        precondition(baselines[portfolio] != nil, "a portfolio is loaded with its baselines")
        portfoliosLoaded.insert(portfolio)
    }

    public mutating func loaded(revision: UUID, portfolio: String?) { revisionPortfolio[revision] = .some(portfolio) }

    public func isLoaded(_ group: ProgressGroup) -> Bool { claims[group] != nil }
    public func knowsPortfolio(of scope: String) -> Bool { portfolioOf[scope] != nil }

    /// What must be loaded before `apply(event)`. A look-up can name more to load: load until
    /// it is empty.
    public func needs(_ event: ProjectionEvent) -> ProgressNeeds {
        var needs = ProgressNeeds()
        switch event.payload {
        case .progressClaimed(let e):
            let group = ProgressGroup(scope: e.scope, unit: e.unit)
            if !isLoaded(group) { needs.groups = [group] }
        case .portfolioRevised(let e):
            if !portfoliosLoaded.contains(e.id) { needs.portfolio = e.id }
        case .eventRetracted(let e):
            guard let target = e.target else { break }
            if e.targetType == ProgressClaimed.eventType {
                switch groupOf[target] {
                case .none: needs.claimGroup = target
                case .some(let group?): if !isLoaded(group) { needs.groups = [group] }
                case .some(nil): break
                }
            } else if e.targetType == PortfolioRevised.eventType {
                switch revisionPortfolio[target] {
                case .none: needs.revisionPortfolio = target
                case .some(let portfolio?): if !portfoliosLoaded.contains(portfolio) { needs.portfolio = portfolio }
                case .some(nil): break
                }
            }
        default:
            break
        }
        return needs
    }

    /// Portfolios of the pending groups whose baselines are yet to be loaded (a scope can gain its
    /// portfolio after its group was loaded).
    public var portfoliosToLoad: [String] {
        Set(pending.compactMap { portfolioOf[$0.scope] ?? nil }).filter { baselines[$0] == nil }.sorted()
    }

    // MARK: Applying

    /// Changes recorded at one time make one version of each group they touch: before an event
    /// of another time, the pending versions must be made (`versions`).
    public func versionsDue(before time: Date) -> Bool {
        pendingAt.map { $0 != time } ?? false
    }

    /// The row changes of one event. What `needs(event)` names must be loaded; the versions it
    /// causes come from `versions()`.
    public mutating func apply(_ event: ProjectionEvent) -> [ProgressChange] {
        let at = event.recordedAt
        switch event.payload {
        case .portfolioDefined(let e):
            portfolioOf[e.id] = .some(e.id)
            // The scope's groups, if it has claims, may not be loaded.
            portfoliosLoaded.remove(e.id)
            return [.upsertScope(scope: e.id, portfolio: e.id)]
        case .programmeAdded(let e):
            portfolioOf[e.id] = .some(e.portfolio)
            portfoliosLoaded.remove(e.portfolio)
            return [.upsertScope(scope: e.id, portfolio: e.portfolio)]
        case .portfolioRevised(let e):
            baselines[e.id, default: [:]][event.id] = e.on
            revisionPortfolio[event.id] = .some(e.id)
            touch(portfolio: e.id, at: at)
            return [.insertBaseline(eventId: event.id, portfolio: e.id, revisedOn: e.on, recordedAt: at)]
        case .progressClaimed(let e):
            let group = ProgressGroup(scope: e.scope, unit: e.unit)
            precondition(isLoaded(group), "the group of a claim is loaded before the claim is applied")
            claims[group, default: [:]][event.id] = ClaimFact(
                id: event.id, asOf: e.asOf, interval: e.interval, sequence: Int(event.position))
            groupOf[event.id] = group
            touch(group, at: at)
            return [.insertClaim(ClaimRow(eventId: event.id, position: event.position, recordedAt: at, claim: e))]
        case .eventRetracted(let e):
            guard let target = e.target else { return [] }
            if e.targetType == ProgressClaimed.eventType {
                if case .some(let group?) = groupOf[target] {
                    claims[group]?[target] = nil
                    touch(group, at: at)
                }
                return [.retractClaim(target, at: at, reason: e.reason)]
            } else if e.targetType == PortfolioRevised.eventType {
                if case .some(let portfolio?) = revisionPortfolio[target] {
                    baselines[portfolio]?[target] = nil
                    touch(portfolio: portfolio, at: at)
                }
                return [.retractBaseline(target, at: at)]
            }
            return []
        case .programmeCompleted, .milestoneAdded, .milestoneReached, .sourceAdded:
            return []
        }
    }

    private mutating func touch(_ group: ProgressGroup, at: Date) {
        pending.insert(group)
        pendingAt = at
    }

    /// A plan revision moves the baseline of every scope of its portfolio: every loaded group of
    /// it (the projector loads those with live claims first).
    private mutating func touch(portfolio: String, at: Date) {
        for group in claims.keys where portfolioOf[group.scope] == .some(portfolio) {
            touch(group, at: at)
        }
    }

    /// The live claims of every loaded group: what the state holds in memory.
    public var loadedClaims: Int { claims.values.reduce(0) { $0 + $1.count } }

    /// How the pending versions are made.
    public enum Versions: Hashable, Sendable {
        case none
        /// Close the groups' current versions at `at` (`closeVersions`), then write each one's
        /// new version (`version(of:from:)`), group by group: a large one need not be held whole.
        case write([ProgressGroup], at: Date)
        /// RecordStamp before the horizon: make these groups' whole history again (`history`).
        case rewrite([ProgressGroup])
    }

    /// The versions of the groups changed at the pending time. Needs `horizon` read and the
    /// baselines of `portfoliosToLoad` loaded.
    public mutating func versions() -> Versions {
        guard let at = pendingAt else { return .none }
        precondition(horizonKnown, "the horizon is read before the first version is made")
        let groups = pending.sorted()
        pending.removeAll()
        pendingAt = nil
        if let horizon, at < horizon { return .rewrite(groups) }
        horizon = at
        return .write(groups, at: at)
    }

    /// The current version of a loaded group, made at `at`: the rows that follow `closeVersions`.
    public func version(of group: ProgressGroup, from at: Date) -> [ProgressChange] {
        let revisions = (portfolioOf[group.scope] ?? nil).map { Array(baselines[$0, default: [:]].values) } ?? []
        return Self.version(of: group, claims: Array(claims[group, default: [:]].values), baselines: revisions, from: at, to: nil)
    }

    /// The rows of one version of a group: its timeline and its contradictions.
    public static func version(of group: ProgressGroup, claims: [ClaimFact], baselines: [CalendarDate],
                               from: Date, to: Date?) -> [ProgressChange] {
        let sequence = Dictionary(uniqueKeysWithValues: claims.map { ($0.id, $0.sequence) })
        var changes: [ProgressChange] = []
        for point in Inference.timeline(claims: claims, baselines: baselines) {
            let lastClaim = point.claimIds.max { (sequence[$0] ?? 0) < (sequence[$1] ?? 0) }!
            changes.append(.insertTimeline(TimelineRow(group: group, point: point, lastClaim: lastClaim, knownFrom: from, knownTo: to)))
        }
        for contradiction in Inference.contradictions(claims: claims, baselines: baselines) {
            changes.append(.insertContradiction(ContradictionRow(group: group, contradiction: contradiction, knownFrom: from, knownTo: to)))
        }
        return changes
    }

    /// Every version of a group made again from its claims' and its portfolio's baselines'
    /// recording and retraction times: a version from each such time to the next, the last
    /// one current.
    public static func history(of group: ProgressGroup, claims: [(fact: ClaimFact, known: KnownSpan)],
                               baselines: [(on: CalendarDate, known: KnownSpan)]) -> [ProgressChange] {
        let times = Set(claims.flatMap { [$0.known.from, $0.known.to] } + baselines.flatMap { [$0.known.from, $0.known.to] })
            .compactMap { $0 }.sorted()
        var changes: [ProgressChange] = [.deleteVersions(group)]
        for (index, time) in times.enumerated() {
            changes += version(of: group, claims: claims.filter { $0.known.contains(time) }.map(\.fact),
                               baselines: baselines.filter { $0.known.contains(time) }.map(\.on),
                               from: time, to: index + 1 < times.count ? times[index + 1] : nil)
        }
        return changes
    }
}

/// What the projector must load before the state can apply an event.
public struct ProgressNeeds: Hashable, Sendable {
    /// Groups to load whole, with their scopes' portfolios and those portfolios' baselines.
    public var groups: [ProgressGroup] = []
    /// The group of a retracted claim not seen yet: look it up, then load it.
    public var claimGroup: UUID?
    /// The portfolio of a retracted plan revision not seen yet: look it up, then load it as below.
    public var revisionPortfolio: UUID?
    /// A portfolio whose baselines change: its baselines, and every group with live claims in it.
    public var portfolio: String?

    public init() {}
    public var isEmpty: Bool { groups.isEmpty && claimGroup == nil && revisionPortfolio == nil && portfolio == nil }
}
