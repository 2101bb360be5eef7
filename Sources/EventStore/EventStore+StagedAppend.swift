import Foundation
import Postgres

/// A bulk append staged in parts: each `stage` call is one COPY into `store.staged_events`, and
/// between them the caller may read and query on the same connection (the transaction is
/// open: nothing staged is in the log until `appendStaged` returns). So a writer that decides
/// as it reads can stream any number of events with memory bounded by one part.
public final class StagedAppend {
    let connection: Connection
    let batch = UUID.random()
    private var ordinal = 0
    /// How many events the parts staged so far hold.
    public var count: Int { ordinal }

    init(connection: Connection) {
        self.connection = connection
    }

    /// One part: `produce` emits events with the version each stream must be at before the
    /// append (nil: whatever it is), all into one COPY.
    public func stage(_ produce: (_ emit: (String, NewEvent, Int64?) throws -> Void) throws -> Void) throws {
        // In binary: the server parses no uuids, numbers or timestamps, only the JSON.
        try connection.copyInBinary(into: "store.staged_events", columns: [
            "batch", "ord", "stream", "event_id", "type", "schema_version", "data", "metadata", "expected_version",
            "recorded_at",
        ]) { writer in
            try produce { stream, event, expected in
                ordinal += 1
                try writer.writeRow([
                    batch, ordinal, stream, event.id, event.type, event.schemaVersion, event.data, event.metadata,
                    expected, event.recordedAt,
                ])
            }
        }
    }

    /// The stream and type of an event staged in an earlier part, if there is one with this id.
    public func stagedEvent(id: UUID) throws -> (stream: String, type: String)? {
        let result = try connection.execute(
            "SELECT stream, type FROM store.staged_events WHERE batch = $1 AND event_id = $2", batch, id)
        guard result.rowCount > 0, let stream = result.string(0, 0), let type = result.string(0, 1) else { return nil }
        return (stream, type)
    }

    /// The events of `stream` staged in earlier parts, in the order staged.
    public func stagedEvents(of stream: String) throws -> [(id: UUID, type: String, schemaVersion: Int, data: String)] {
        let result = try connection.execute("""
            SELECT event_id, type, schema_version, data FROM store.staged_events
            WHERE batch = $1 AND stream = $2 ORDER BY ord
            """, batch, stream)
        return (0..<result.rowCount).map { row in
            (result.uuid(row, 0)!, result.string(row, 1)!, result.int(row, 2)!, result.string(row, 3)!)
        }
    }
}

extension EventStore {
    /// Runs `body` in one transaction with a `StagedAppend`, then moves everything it staged
    /// into the log: each stream continues from its current version, which must be the staged
    /// expected version where one is given. All or nothing. Returns how many events were stored.
    @discardableResult
    public func appendStaged(_ body: (StagedAppend) throws -> Void) throws -> Int {
        try connection.transaction {
            let staged = StagedAppend(connection: connection)
            try body(staged)
            guard staged.count > 0 else { return 0 }
            do {
                let stored = Int(try connection.execute("SELECT store.append_staged($1)", staged.batch).int64(0, 0) ?? 0)
                if stored > 0 && wakesSubscribers { try connection.notifyAfterCommit(Self.channel) }
                return stored
            } catch let error as PostgresError {
                // "stream S is at version N, expected M"
                let words = error.message.split(separator: " ")
                let stream = words.dropFirst().first.map(String.init) ?? "?"
                let expected = words.last.flatMap { Int64($0) }.map(ExpectedVersion.exactly) ?? .any
                throw Self.translate(error, stream: stream, expected: expected)
            }
        }
    }
}
