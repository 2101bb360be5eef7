import Foundation

/// The states of the streams a decision reads, rebuilt by the caller from the store.
/// A stream that was not loaded reads as empty, that is, as not existing.
public struct StreamStates: Hashable, Sendable {
    public var portfolios: [String: PortfolioState] = [:]
    public var programmes: [String: ProgrammeState] = [:]
    public var sources: [String: SourceState] = [:]

    public init() {}

    public func portfolio(_ id: String) -> PortfolioState { portfolios[id] ?? PortfolioState() }
    public func programme(_ id: String) -> ProgrammeState { programmes[id] ?? ProgrammeState() }
    public func source(_ id: String) -> SourceState { sources[id] ?? SourceState() }

    /// Folds one more stored event into the state of the stream it was read from.
    public mutating func apply(_ recorded: Recorded<TrackerEvent>, to stream: StreamName) {
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
