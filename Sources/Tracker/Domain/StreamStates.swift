import Foundation

/// The states of the streams a decision reads, rebuilt by the caller from the store.
/// A stream that was not loaded reads as empty, that is, as not existing.
public struct StreamStates: Hashable, Sendable {
    public var portfolios: [String: PortfolioState] = [:]
    public var programmes: [String: ProgrammeState] = [:]
    public var sources: [String: SourceState] = [:]
    /// Each stream's events that no retraction withdrew, by content, to tell a repeat.
    private var live: [StreamName: LiveEvents] = [:]

    public init() {}

    /// The id of an event of `stream` equal to `event` that no retraction withdrew.
    public func liveEvent(equalTo event: TrackerEvent, in stream: StreamName) -> UUID? {
        live[stream]?.byContent[event]
    }

    public func portfolio(_ id: String) -> PortfolioState { portfolios[id] ?? PortfolioState() }
    public func programme(_ id: String) -> ProgrammeState { programmes[id] ?? ProgrammeState() }
    public func source(_ id: String) -> SourceState { sources[id] ?? SourceState() }

    /// Folds one more stored event into the state of the stream it was read from.
    public mutating func apply(_ recorded: Recorded<TrackerEvent>, to stream: StreamName) {
        live[stream, default: LiveEvents()].apply(recorded)
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

/// A stream's live events both ways: content to id (the first recorded wins) and id to content.
private struct LiveEvents: Hashable, Sendable {
    var byContent: [TrackerEvent: UUID] = [:]
    var byId: [UUID: TrackerEvent] = [:]

    mutating func apply(_ recorded: Recorded<TrackerEvent>) {
        if case .eventRetracted(let retraction) = recorded.event, let target = retraction.target,
           let withdrawn = byId.removeValue(forKey: target), byContent[withdrawn] == target {
            byContent[withdrawn] = nil
            // Another live copy of the same content (recorded before repeats were told) stands in.
            if let other = byId.first(where: { $0.value == withdrawn })?.key { byContent[withdrawn] = other }
        }
        byId[recorded.eventId] = recorded.event
        if byContent[recorded.event] == nil { byContent[recorded.event] = recorded.eventId }
    }
}
