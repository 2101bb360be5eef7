import Foundation
@testable import ProjectionCore
import Tracker

/// The progress tables in memory, written and read as the projector writes and reads
/// PostgreSQL: the core's changes applied in order, its needs answered from the rows.
struct ProgressTables {
    var claims: [UUID: (row: ClaimRow, retractedAt: Date?)] = [:]
    var scopes: [String: String] = [:]
    var baselines: [UUID: (portfolio: String, on: CalendarDate, known: KnownSpan)] = [:]
    var timeline: [TimelineRow] = []
    var contradictions: [ContradictionRow] = []

    /// Applies the events in batches of `size`, each with a fresh state, as the runner does.
    static func projecting(_ events: [ProjectionEvent], batches size: Int) -> ProgressTables {
        var tables = ProgressTables()
        for start in stride(from: 0, to: events.count, by: size) {
            var state = ProgressState()
            for event in events[start..<min(start + size, events.count)] {
                if state.versionsDue(before: event.recordedAt) { tables.writeVersions(&state) }
                var needs = state.needs(event)
                while !needs.isEmpty {
                    tables.load(needs, into: &state)
                    needs = state.needs(event)
                }
                tables.write(state.apply(event))
            }
            tables.writeVersions(&state)
        }
        return tables
    }

    mutating func writeVersions(_ state: inout ProgressState) {
        guard state.pendingAt != nil else { return }
        if !state.horizonKnown { state.horizon = (timeline.map(\.knownFrom) + contradictions.map(\.knownFrom)).max() }
        for portfolio in state.portfoliosToLoad { loadBaselines(portfolio, into: &state) }
        switch state.versions() {
        case .none: break
        case .write(let groups, let at):
            write(.closeVersions(groups, at: at))
            for group in groups { write(state.version(of: group, from: at)) }
        case .rewrite(let groups):
            for group in groups {
                let facts = claims.values.filter { $0.row.group == group }
                    .map { (fact: $0.row.fact, known: KnownSpan(from: $0.row.recordedAt, to: $0.retractedAt)) }
                let revisions = scopes[group.scope].map { portfolio in
                    baselines.values.filter { $0.portfolio == portfolio }.map { (on: $0.on, known: $0.known) }
                } ?? []
                write(ProgressState.history(of: group, claims: facts, baselines: revisions))
            }
        }
    }

    func load(_ needs: ProgressNeeds, into state: inout ProgressState) {
        if let claim = needs.claimGroup { state.loaded(claim: claim, group: claims[claim]?.row.group) }
        if let revision = needs.revisionPortfolio { state.loaded(revision: revision, portfolio: baselines[revision]?.portfolio) }
        for group in needs.groups { load(group, into: &state) }
        if let portfolio = needs.portfolio {
            loadBaselines(portfolio, into: &state)
            for (_, claim) in claims where claim.retractedAt == nil && scopes[claim.row.claim.scope] == portfolio {
                state.loaded(scope: claim.row.claim.scope, portfolio: portfolio)
                load(claim.row.group, into: &state)
            }
            state.loaded(portfolio: portfolio)
        }
    }

    func load(_ group: ProgressGroup, into state: inout ProgressState) {
        guard !state.isLoaded(group) else { return }
        state.loaded(group, claims: claims.values.filter { $0.row.group == group && $0.retractedAt == nil }.map(\.row.fact))
        if !state.knowsPortfolio(of: group.scope) { state.loaded(scope: group.scope, portfolio: scopes[group.scope]) }
        if let portfolio = scopes[group.scope] { loadBaselines(portfolio, into: &state) }
    }

    func loadBaselines(_ portfolio: String, into state: inout ProgressState) {
        guard state.baselines[portfolio] == nil else { return }
        var live: [UUID: CalendarDate] = [:]
        for (id, revision) in baselines where revision.portfolio == portfolio && revision.known.to == nil { live[id] = revision.on }
        state.loaded(baselines: live, of: portfolio)
    }

    mutating func write(_ changes: [ProgressChange]) {
        for change in changes { write(change) }
    }

    mutating func write(_ change: ProgressChange) {
        switch change {
        case .insertClaim(let row): claims[row.eventId] = (row, nil)
        case .retractClaim(let id, let at, _): claims[id]?.retractedAt = at
        case .upsertScope(let scope, let portfolio): scopes[scope] = portfolio
        case .insertBaseline(let id, let portfolio, let on, let at): baselines[id] = (portfolio, on, KnownSpan(from: at, to: nil))
        case .retractBaseline(let id, let at): baselines[id]?.known.to = at
        case .closeVersions(let groups, let at):
            let touched = Set(groups)
            timeline.removeAll { touched.contains($0.group) && $0.knownTo == nil && $0.knownFrom == at }
            contradictions.removeAll { touched.contains($0.group) && $0.knownTo == nil && $0.knownFrom == at }
            for index in timeline.indices where touched.contains(timeline[index].group) && timeline[index].knownTo == nil {
                timeline[index].knownTo = at
            }
            for index in contradictions.indices where touched.contains(contradictions[index].group) && contradictions[index].knownTo == nil {
                contradictions[index].knownTo = at
            }
        case .deleteVersions(let group):
            timeline.removeAll { $0.group == group }
            contradictions.removeAll { $0.group == group }
        case .insertTimeline(let row): timeline.append(row)
        case .insertContradiction(let row): contradictions.append(row)
        }
    }

    /// The timeline of a group as known at `time` (now, if nil): its version then.
    func timeline(_ group: ProgressGroup, knownAt time: Date? = nil) -> [TimelineRow] {
        timeline.filter { $0.group == group && Self.holds($0.knownFrom, $0.knownTo, at: time) }.sorted { $0.point.date < $1.point.date }
    }

    func contradictions(_ group: ProgressGroup, knownAt time: Date? = nil) -> [Contradiction] {
        contradictions.filter { $0.group == group && Self.holds($0.knownFrom, $0.knownTo, at: time) }.map(\.contradiction)
    }

    private static func holds(_ from: Date, _ to: Date?, at time: Date?) -> Bool {
        guard let time else { return to == nil }
        return KnownSpan(from: from, to: to).contains(time)
    }

    /// Every row, as text, sorted: two projections compare equal when they hold the same rows.
    var rows: [String] {
        (claims.map { "claim \($0.key) \($0.value.retractedAt.map { "\($0)" } ?? "-")" }
            + scopes.map { "scope \($0.key) \($0.value)" }
            + baselines.map { "baseline \($0.key) \($0.value)" }
            + timeline.map { "timeline \($0)" } + contradictions.map { "contradiction \($0)" }).sorted()
    }
}

extension ClaimRow {
    var group: ProgressGroup { ProgressGroup(scope: claim.scope, unit: claim.unit) }
    var fact: ClaimFact { ClaimFact(id: eventId, asOf: claim.asOf, interval: claim.interval, sequence: Int(position)) }
}

/// The catalog tables in memory: each change applied as its statement would apply it.
struct CatalogTables: Equatable {
    var rows: [CatalogKey: CatalogRow] = [:]

    static func projecting(_ events: [ProjectionEvent], batches size: Int) -> CatalogTables {
        var tables = CatalogTables()
        for start in stride(from: 0, to: events.count, by: size) {
            var batch = CatalogBatch()
            for event in events[start..<min(start + size, events.count)] { batch.apply(event) }
            for change in batch.changes { tables.write(change) }
        }
        return tables
    }

    mutating func write(_ change: CatalogChange) {
        switch change {
        case .upsert(let row): rows[row.key] = row
        case .complete(let completion):
            if case .programme(let e, let r, _) = rows[CatalogKey(.programmes, completion.fact.id)] {
                rows[CatalogKey(.programmes, e.id)] = .programme(e, r, completion: completion)
            }
        case .reach(let reach):
            let key = CatalogKey(.milestones, reach.fact.programme, reach.fact.id)
            if case .milestone(let e, let r, _) = rows[key] { rows[key] = .milestone(e, r, reach: reach) }
        case .retract(let record, let target, let at):
            for key in rows.keys { rows[key]!.retract(record, target, at: at) }
        }
    }
}
