/// Where an append expects its stream to be.
public enum ExpectedVersion: Sendable, Hashable {
    /// Append whatever the stream's version.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must be exactly at this version.
    case exactly(Int64)

    /// The encoding `store.append` takes: NULL, 0 or N.
    var sqlValue: Int64? {
        switch self {
        case .any: nil
        case .noStream: 0
        case .exactly(let version): version
        }
    }
}
