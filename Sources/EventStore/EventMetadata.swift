import Foundation

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

    /// The JSON `encode(to:)` gives, written directly: an import writes it for every event, and a
    /// JSONEncoder costs more than the rest of making the event.
    public var json: String {
        var members: [String] = []
        func add(_ key: CodingKeys, _ value: String?) {
            if let value { members.append("\(Self.quoted(key.rawValue)):\(Self.quoted(value))") }
        }
        add(.actor, actor)
        add(.commandId, commandId?.uuidString.lowercased())
        add(.correlationId, correlationId?.uuidString.lowercased())
        add(.causationId, causationId?.uuidString.lowercased())
        add(.toolVersion, toolVersion)
        add(.enteredAt, enteredAt.map { ISO8601DateFormatter().string(from: $0) })
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A JSON string: quote, backslash and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00" + String(scalar.value >> 4, radix: 16) + String(scalar.value & 15, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
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
