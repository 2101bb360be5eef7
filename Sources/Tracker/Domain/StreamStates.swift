import Foundation

/// The states of the streams a decision reads, rebuilt by the caller from the store.
/// A stream that was not loaded reads as empty, that is, as not existing.
public struct StreamStates: Hashable, Sendable {
    public var portfolios: [String: PortfolioState] = [:]
    public var programmes: [String: ProgrammeState] = [:]
    public var sources: [String: SourceState] = [:]
    /// Each stream's event ids by the hash of their content, to tell a repeat. Only ids: an
    /// import decides millions of events, and their content is in the store.
    private var byContentHash: [StreamName: EventIdsByHash] = [:]

    public init() {}

    /// The id of the first recorded event of `stream` equal to `event` that no retraction withdrew.
    /// Equal hashes are not equal content: `content` reads each candidate back (nil: none, or
    /// unreadable) and only an equal one counts.
    public func liveEvent(
        equalTo event: TrackerEvent, in stream: StreamName, content: (UUID) -> TrackerEvent?
    ) -> UUID? {
        guard let candidates = byContentHash[stream]?.ids(hashing: event.hashValue) else { return nil }
        let retracted = state(of: stream).retracted
        return candidates.first { !retracted.contains($0) && content($0) == event }
    }

    public func portfolio(_ id: String) -> PortfolioState { portfolios[id] ?? PortfolioState() }
    public func programme(_ id: String) -> ProgrammeState { programmes[id] ?? ProgrammeState() }
    public func source(_ id: String) -> SourceState { sources[id] ?? SourceState() }

    /// Folds one more stored event into the state of the stream it was read from.
    public mutating func apply(_ recorded: Recorded<TrackerEvent>, to stream: StreamName) {
        byContentHash[stream, default: EventIdsByHash()].insert(recorded.eventId, hashing: recorded.event.hashValue)
        switch stream.kind {
        case .portfolio: portfolios[stream.id] = .evolve(portfolio(stream.id), recorded)
        case .programme: programmes[stream.id] = .evolve(programme(stream.id), recorded)
        case .source: sources[stream.id] = .evolve(source(stream.id), recorded)
        }
    }

    public func version(of stream: StreamName) -> Int {
        state(of: stream).version
    }

    public func isRetracted(_ eventId: UUID, in stream: StreamName) -> Bool {
        state(of: stream).retracted.contains(eventId)
    }

    /// Which kind of scope an id names, if any: a progress claim's SCOPE is a portfolio or a programme.
    public func scopeKind(of id: String) -> ScopeKind? {
        if portfolio(id).isDefined { return .portfolio }
        if programme(id).isAdded { return .programme }
        return nil
    }

    private func state(of stream: StreamName) -> any StreamState {
        switch stream.kind {
        case .portfolio: portfolio(stream.id)
        case .programme: programme(stream.id)
        case .source: source(stream.id)
        }
    }
}

/// Event ids by content hash, in the order recorded: the first under each hash, then any others
/// (the same content recorded again after a retraction, or before repeats were told, or other
/// content with the same hash). Withdrawn ones stay: the stream's `retracted` tells them.
private struct EventIdsByHash: Hashable, Sendable {
    var first: [Int: UUID] = [:]
    var others: [Int: [UUID]] = [:]

    mutating func insert(_ id: UUID, hashing hash: Int) {
        if first[hash] == nil { first[hash] = id } else { others[hash, default: []].append(id) }
    }

    func ids(hashing hash: Int) -> [UUID]? {
        first[hash].map { [$0] + (others[hash] ?? []) }
    }
}
