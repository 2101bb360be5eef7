import Foundation

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

/// Who and what caused an event; stored as the event's metadata.
public struct EventMetadata: Codable, Sendable, Hashable {
    public var actor: String?
    public var commandId: UUID?
    public var correlationId: UUID?
    public var causationId: UUID?
    public var toolVersion: String?
    /// When the event was written, for one whose `recorded_at` an earlier record gave.
    public var enteredAt: Date?

    public init(actor: String? = nil, commandId: UUID? = nil, correlationId: UUID? = nil,
                causationId: UUID? = nil, toolVersion: String? = nil, enteredAt: Date? = nil) {
        self.actor = actor
        self.commandId = commandId
        self.correlationId = correlationId
        self.causationId = causationId
        self.toolVersion = toolVersion
        self.enteredAt = enteredAt
    }

    enum CodingKeys: String, CodingKey {
        case actor, commandId = "command_id", correlationId = "correlation_id",
             causationId = "causation_id", toolVersion = "tool_version", enteredAt = "entered_at"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        actor = try container.decodeIfPresent(String.self, forKey: .actor)
        commandId = try container.decodeIfPresent(UUID.self, forKey: .commandId)
        correlationId = try container.decodeIfPresent(UUID.self, forKey: .correlationId)
        causationId = try container.decodeIfPresent(UUID.self, forKey: .causationId)
        toolVersion = try container.decodeIfPresent(String.self, forKey: .toolVersion)
        enteredAt = try container.decodeIfPresent(String.self, forKey: .enteredAt).flatMap { ISO8601DateFormatter().date(from: $0) }
    }

    /// UUIDs in lowercase, as PostgreSQL prints them, so SQL can compare the text as stored.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(actor, forKey: .actor)
        try container.encodeIfPresent(commandId?.uuidString.lowercased(), forKey: .commandId)
        try container.encodeIfPresent(correlationId?.uuidString.lowercased(), forKey: .correlationId)
        try container.encodeIfPresent(causationId?.uuidString.lowercased(), forKey: .causationId)
        try container.encodeIfPresent(toolVersion, forKey: .toolVersion)
        try container.encodeIfPresent(enteredAt.map { ISO8601DateFormatter().string(from: $0) }, forKey: .enteredAt)
    }
}

/// An event to append. `data` and `metadata` are JSON documents.
public struct NewEvent: Sendable, Hashable {
    public var id: UUID
    public var type: String
    public var schemaVersion: Int
    public var data: String
    public var metadata: String
    /// Only `appendBulk` honours it, to restore an export as it was recorded; nil means now.
    public var recordedAt: Date?

    public init(id: UUID = .random(), type: String, schemaVersion: Int = 1, data: String,
                metadata: EventMetadata = EventMetadata(), recordedAt: Date? = nil) {
        // Encoding a struct of optional strings and UUIDs cannot fail; most metadata is empty.
        let json = metadata == EventMetadata() ? "{}"
            : (try? JSONEncoder().encode(metadata)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        self.init(id: id, type: type, schemaVersion: schemaVersion, data: data, metadataJSON: json, recordedAt: recordedAt)
    }

    /// For metadata that is already JSON, e.g. an exported event's, kept exactly.
    public init(id: UUID, type: String, schemaVersion: Int, data: String, metadataJSON: String, recordedAt: Date?) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = data
        self.metadata = metadataJSON
        self.recordedAt = recordedAt
    }
}

/// An event as stored in the log.
public struct RecordedEvent: Sendable, Hashable {
    public var position: Int64
    public var stream: String
    public var version: Int64
    public var id: UUID
    public var type: String
    public var schemaVersion: Int
    /// The JSON document, as PostgreSQL prints jsonb.
    public var data: String
    public var metadata: String
    public var recordedAt: Date
    /// The id of the transaction that wrote it.
    public var tx: UInt64

    public var fence: ReadFence { ReadFence(tx: tx, position: position) }

    public func decodeData<T: Decodable>(as type: T.Type, decoder: JSONDecoder = JSONDecoder()) throws -> T {
        try decoder.decode(type, from: Data(data.utf8))
    }

    public func decodeMetadata(decoder: JSONDecoder = JSONDecoder()) throws -> EventMetadata {
        try decoder.decode(EventMetadata.self, from: Data(metadata.utf8))
    }
}

/// How far a reader of the whole log has got: everything at or before this
/// (transaction, position) pair has been read. See DESIGN.md §2 on why not position alone.
public struct ReadFence: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var tx: UInt64
    public var position: Int64

    public init(tx: UInt64, position: Int64) {
        self.tx = tx
        self.position = position
    }

    public static let start = ReadFence(tx: 0, position: 0)

    public static func < (a: ReadFence, b: ReadFence) -> Bool {
        (a.tx, a.position) < (b.tx, b.position)
    }

    public var description: String { "(tx \(tx), position \(position))" }
}

/// One stored event of an append: new, or found from an earlier try of the same command.
public struct AppendedEvent: Sendable, Hashable {
    public var id: UUID
    public var version: Int64
    public var position: Int64
}

public struct AppendResult: Sendable, Hashable {
    public var events: [AppendedEvent]
    /// True when nothing was written because this command or these event ids were stored before.
    public var wasDuplicate: Bool

    public var lastVersion: Int64 { events.map(\.version).max() ?? 0 }
}

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
