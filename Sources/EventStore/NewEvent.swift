import Foundation

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
        self.init(id: id, type: type, schemaVersion: schemaVersion, data: data, metadataJSON: metadata.json, recordedAt: recordedAt)
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
