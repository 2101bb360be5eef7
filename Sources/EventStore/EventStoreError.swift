import Foundation

/// What an event given under a stored event id has other than the stored event.
public enum EventField: String, Sendable, Hashable, CaseIterable, Codable {
    case stream, type, data
}

public enum EventStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stream was not at the version the append expected.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: Int64)
    /// Some event ids of a batch had been stored before, others not.
    case partialDuplicate(String)
    /// The log holds this event id for another event: an event id is one event, so a repeat
    /// must have the stored stream, type and data. `storedIn` is the stored event's stream,
    /// `given` the stream the append named.
    case eventIdConflict(id: UUID, storedIn: String, given: String, differs: [EventField])
    /// An append that cannot be: no events, fields of different lengths, an event id given
    /// twice in one batch.
    case invalidAppend(String)
    /// The lock of checkpoint `checkpoint` stayed taken for `seconds`: `holder` names the
    /// session that holds it (pid, user, application, state, since when).
    case checkpointLocked(checkpoint: String, seconds: Double, holder: String)

    public var description: String {
        switch self {
        case let .wrongExpectedVersion(stream, expected, actual):
            let wanted = switch expected {
            case .any: "any version"
            case .noStream: "no stream"
            case .exactly(let version): "version \(version)"
            }
            return "stream \(stream) is at version \(actual), but the append expected \(wanted)"
        case let .eventIdConflict(id, storedIn, given, differs):
            let named = differs.map { $0 == .stream ? "stream (\(given))" : $0.rawValue }
            let list = named.count > 1 ? named.dropLast().joined(separator: ", ") + " and " + named.last! : named.joined()
            return "event id \(id.uuidString.lowercased()) is stored in stream \(storedIn) as another event: "
                + "this one has another \(list)"
        case .partialDuplicate(let message), .invalidAppend(let message):
            return message
        case let .checkpointLocked(checkpoint, seconds, holder):
            return "waited \(String(format: "%g", seconds)) s for the lock of \(checkpoint), which \(holder) holds: "
                + "the projections cannot move while it does (USTRACK_LOCK_TIMEOUT sets the wait)"
        }
    }
}
