/// The kinds of stream the tracker writes; the raw value is the stream's category.
public enum StreamKind: String, Hashable, Sendable, CaseIterable {
    case portfolio, programme, source
}

/// A stream's name in the store, `category-id`, e.g. `programme-currency-regulation`.
public struct StreamName: Hashable, Sendable, CustomStringConvertible {
    public var kind: StreamKind
    public var id: String

    public init(_ kind: StreamKind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    /// Reads a stored name back; the category ends at the first hyphen, since ids may hold hyphens.
    public init?(_ name: String) {
        guard let hyphen = name.firstIndex(of: "-"),
              let kind = StreamKind(rawValue: String(name[..<hyphen]))
        else { return nil }
        let id = String(name[name.index(after: hyphen)...])
        guard !id.isEmpty else { return nil }
        self.init(kind, id)
    }

    public static func portfolio(_ id: String) -> StreamName { StreamName(.portfolio, id) }
    public static func programme(_ id: String) -> StreamName { StreamName(.programme, id) }
    public static func source(_ id: String) -> StreamName { StreamName(.source, id) }

    public var description: String { "\(kind.rawValue)-\(id)" }
}
