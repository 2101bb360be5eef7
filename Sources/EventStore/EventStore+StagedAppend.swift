import Foundation
import Postgres

/// A bulk append in parts: each `stage` call is one COPY into `store.staged_events`, moved into
/// the log by `store.append_staged` at once, so that the server inserts one part while the
/// caller prepares the next. Between parts the caller may read and query on the same
/// connection; the transaction is open, so nothing is visible to others until `appendStaged`
/// commits, and a writer that decides as it reads can stream any number of events with memory
/// bounded by one part. A stream's expected version is checked the first time a part writes
/// to it; from then on its head is locked until the commit, and moved to its last version just
/// before it (a head moved once a part would keep every version of its row until the commit).
public final class StagedAppend {
    let connection: Connection
    /// The part being staged. Each part has its own: the rows of the parts before are deleted
    /// but stay in the index until the transaction ends, and under one id every part's queries
    /// would step over all of them, so that an import slowed down with every part.
    private(set) var batch = UUID.random()
    private var ordinal = 0
    /// Streams a part has written to: their heads are locked, their versions this append's own.
    private var locked: Set<String> = []
    /// How many the parts stored (a staged event the log holds already, the same, is not stored again).
    public private(set) var stored = 0

    init(connection: Connection) {
        self.connection = connection
    }

    /// One part: `produce` emits events with the version each stream must be at before this
    /// append began (nil: whatever it is), all into one COPY, then moved into the log.
    public func stage(_ produce: (_ emit: (String, NewEvent, Int64?) throws -> Void) throws -> Void) throws {
        var streams: Set<String> = []
        batch = UUID.random()
        // In binary: the server parses no uuids, numbers or timestamps, only the JSON.
        try connection.copyInBinary(into: "store.staged_events", columns: [
            "batch", "ord", "stream", "event_id", "type", "schema_version", "data", "metadata", "expected_version",
            "recorded_at",
        ]) { writer in
            try produce { stream, event, expected in
                ordinal += 1
                streams.insert(stream)
                try writer.writeRow([
                    batch, ordinal, stream, event.id, event.type, event.schemaVersion, event.data, event.metadata,
                    locked.contains(stream) ? nil : expected, event.recordedAt,
                ])
            }
        }
        guard !streams.isEmpty else { return }
        do {
            stored += Int(try connection.execute("SELECT store.append_staged($1, false)", batch).int64(0, 0) ?? 0)
        } catch let error as PostgresError {
            // "stream S is at version N, expected M"
            let words = error.message.split(separator: " ")
            let stream = words.dropFirst().first.map(String.init) ?? "?"
            let expected = words.last.flatMap { Int64($0) }.map(ExpectedVersion.exactly) ?? .any
            throw EventStore.translate(error, stream: stream, expected: expected)
        }
        locked.formUnion(streams)
    }

    /// Brings the heads of the streams the parts wrote to their last versions, once at the end
    /// (`store.settle_heads`), before the commit.
    func settle() throws {
        guard !locked.isEmpty else { return }
        try connection.execute("SELECT store.settle_heads($1::text[])", [Array(locked)])
    }
}

extension EventStore {
    /// Runs `body` in one transaction with a `StagedAppend`, whose parts go into the log as they
    /// are staged: each stream continues from its current version, which must be the staged
    /// expected version where one is given. All or nothing. Returns how many events were stored.
    @discardableResult
    public func appendStaged(_ body: (StagedAppend) throws -> Void) throws -> Int {
        try connection.transaction {
            let staged = StagedAppend(connection: connection)
            try body(staged)
            try staged.settle()
            if staged.stored > 0 && wakesSubscribers { try connection.notifyAfterCommit(Self.channel) }
            return staged.stored
        }
    }
}
