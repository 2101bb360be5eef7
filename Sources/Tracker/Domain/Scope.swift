/// What a progress claim is about.
public enum ScopeKind: String, Codable, Hashable, Sendable, CaseIterable {
    case portfolio, programme

    public var stream: StreamKind {
        switch self {
        case .portfolio: .portfolio
        case .programme: .programme
        }
    }
}

/// A live portfolio or programme named by a claim's SCOPE. Portfolio and programme ids share one
/// namespace (decide refuses a clash), so an id names at most one of them.
public enum Scope: Hashable, Sendable {
    case portfolio(id: String, PortfolioState)
    case programme(id: String, ProgrammeState)

    public static func resolve(_ id: String, in streams: StreamStates) throws(ValidationError) -> Scope {
        switch streams.scopeKind(of: id) {
        case .portfolio: .portfolio(id: id, streams.portfolio(id))
        case .programme: .programme(id: id, streams.programme(id))
        case nil: throw .unknownScope(id)
        }
    }

    public var id: String {
        switch self {
        case .portfolio(let id, _), .programme(let id, _): id
        }
    }

    public var kind: ScopeKind {
        switch self {
        case .portfolio: .portfolio
        case .programme: .programme
        }
    }

    public var stream: StreamName { StreamName(kind.stream, id) }
}
