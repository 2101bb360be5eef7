import Foundation

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
