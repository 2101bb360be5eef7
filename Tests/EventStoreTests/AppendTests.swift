import EventStore
import Foundation
import Postgres
import TestSupport
import XCTest

final class AppendTests: XCTestCase {
    private var conninfo: String!
    private var store: EventStore!

    override func setUpWithError() throws {
        conninfo = try TestDatabase.create(name)
        store = EventStore(connection: try Connection.connect(conninfo))
    }

    private func event(_ type: String = "Noted", _ data: String = #"{"n": 1}"#) -> NewEvent {
        NewEvent(type: type, data: data, metadata: EventMetadata(actor: "test"))
    }

    private func count() throws -> Int {
        try store.connection.execute("SELECT count(*) FROM store.events").int(0, 0)!
    }

    func testAnAppendWakesAListenerAfterItCommits() throws {
        // A bare LISTEN does not announce a listener, so this append sends no wake-up at all.
        let bystander = try Connection.connect(conninfo)
        try bystander.execute("LISTEN \(EventStore.channel)")
        try store.append(to: "s-0", events: [event()])
        XCTAssertNil(try bystander.waitForNotification(timeout: .milliseconds(200)), "nobody listening, no wake-up")

        let listener = try Connection.connect(conninfo)
        try listener.listen(EventStore.channel)
        try store.append(to: "s-1", events: [event()])
        XCTAssertEqual(try listener.waitForNotification(timeout: .seconds(10))?.channel, EventStore.channel)

        try store.connection.transaction {
            try store.append(to: "s-1", events: [event()])
            try store.appendBulk([(stream: "s-2", event: event())])
            XCTAssertNil(try listener.waitForNotification(timeout: .milliseconds(200)), "not before the commit")
        }
        XCTAssertNotNil(try listener.waitForNotification(timeout: .seconds(10)))
        XCTAssertNil(try listener.waitForNotification(timeout: .milliseconds(200)), "one wake-up per transaction")
    }

    func testAppendAndReadBack() throws {
        let first = try store.append(to: "programme-a", events: [event("A", #"{"k": "v"}"#), event("B")])
        XCTAssertEqual(first.events.map(\.version), [1, 2])
        XCTAssertFalse(first.wasDuplicate)
        let read = try store.readStream("programme-a")
        XCTAssertEqual(read.map(\.type), ["A", "B"])
        XCTAssertEqual(read.map(\.position), first.events.map(\.position))
        XCTAssertEqual(read[0].data, #"{"k": "v"}"#)
        XCTAssertEqual(try read[0].decodeMetadata().actor, "test")
        XCTAssertEqual(try store.version(of: "programme-a"), 2)
        XCTAssertEqual(try store.version(of: "programme-missing"), 0)
    }

    /// Up to 100 events travel as plain values, more as array literals: both keep every field,
    /// JSON with quotes, backslashes and Cyrillic included, in order.
    func testBatchesOnEitherSideOfTheValuesLimitKeepEveryField() throws {
        for size in [1, 2, EventStore.eventsAsValues, EventStore.eventsAsValues + 1, 250] {
            let events = (0..<size).map { i in
                NewEvent(type: "T\(i % 7)", schemaVersion: 1 + i % 3, data: #"{"s": "q\"uo\\te кир \#(i)"}"#,
                         metadata: EventMetadata(actor: "actor \(i)"))
            }
            let appended = try store.append(to: "batch-\(size)", expected: .noStream, events: events)
            XCTAssertEqual(appended.events.map(\.id), events.map(\.id), "size \(size)")
            XCTAssertEqual(appended.events.map(\.version), (1...Int64(size)).map { $0 })
            let read = try store.readStream("batch-\(size)")
            XCTAssertEqual(read.map(\.id), events.map(\.id))
            XCTAssertEqual(read.map(\.type), events.map(\.type))
            XCTAssertEqual(read.map(\.schemaVersion), events.map(\.schemaVersion))
            XCTAssertEqual(try read.map { try $0.decodeMetadata().actor }, (0..<size).map { "actor \($0)" })
            let texts = try store.connection.execute(
                "SELECT data ->> 's' FROM store.events WHERE stream = $1 ORDER BY version", "batch-\(size)").column()
            XCTAssertEqual(texts, (0..<size).map { #"q"uo\te кир \#($0)"# })
        }
    }

    func testExpectedVersionCases() throws {
        try store.append(to: "s-1", expected: .noStream, events: [event()])
        XCTAssertThrowsError(try store.append(to: "s-1", expected: .noStream, events: [event()])) {
            XCTAssertEqual($0 as? EventStoreError, .wrongExpectedVersion(stream: "s-1", expected: .noStream, actual: 1))
        }
        try store.append(to: "s-1", expected: .exactly(1), events: [event()])
        XCTAssertThrowsError(try store.append(to: "s-1", expected: .exactly(1), events: [event()])) {
            XCTAssertEqual($0 as? EventStoreError, .wrongExpectedVersion(stream: "s-1", expected: .exactly(1), actual: 2))
            XCTAssertTrue("\($0)".contains("at version 2"), "\($0)")
        }
        XCTAssertThrowsError(try store.append(to: "s-new", expected: .exactly(3), events: [event()])) {
            XCTAssertEqual($0 as? EventStoreError, .wrongExpectedVersion(stream: "s-new", expected: .exactly(3), actual: 0))
        }
        try store.append(to: "s-1", expected: .any, events: [event()])
        XCTAssertEqual(try store.version(of: "s-1"), 3)
        XCTAssertEqual(try store.version(of: "s-new"), 0, "a failed append leaves no stream behind")
        XCTAssertEqual(try count(), 3)
    }

    func testRetryWithSameEventIdsWritesNothingNewAndReturnsOriginalPositions() throws {
        let events = [event(), event()]
        let first = try store.append(to: "s-1", expected: .noStream, events: events)
        let retry = try store.append(to: "s-1", expected: .noStream, events: events)
        XCTAssertTrue(retry.wasDuplicate)
        XCTAssertEqual(retry.events, first.events)
        XCTAssertEqual(try count(), 2)
    }

    func testRetryWithSameCommandIdWritesNothingNew() throws {
        let command = UUID()
        let first = try store.append(to: "s-1", expected: .noStream, events: [event(), event()], commandId: command)
        // A retry decides again, so its event ids are new; the command id recognises it.
        let retry = try store.append(to: "s-1", expected: .noStream, events: [event(), event()], commandId: command)
        XCTAssertTrue(retry.wasDuplicate)
        XCTAssertEqual(retry.events, first.events)
        XCTAssertEqual(try count(), 2)
        XCTAssertEqual(try store.readStream("s-1")[0].decodeMetadata().commandId, command)
    }

    /// A single event takes its own path on the server (INSERT … VALUES); the retry rules
    /// must hold there as they do for batches.
    func testSingleEventRetriesWriteNothingNew() throws {
        let once = event()
        let first = try store.append(to: "s-1", events: [once])
        let sameIdAnyVersion = try store.append(to: "s-1", events: [once])
        let sameIdStaleVersion = try store.append(to: "s-1", expected: .noStream, events: [once])
        XCTAssertTrue(sameIdAnyVersion.wasDuplicate)
        XCTAssertTrue(sameIdStaleVersion.wasDuplicate)
        XCTAssertEqual(sameIdAnyVersion.events, first.events)
        XCTAssertEqual(sameIdStaleVersion.events, first.events)

        let command = UUID()
        let decided = try store.append(to: "s-1", events: [event()], commandId: command)
        let redecided = try store.append(to: "s-1", events: [event()], commandId: command)
        XCTAssertTrue(redecided.wasDuplicate)
        XCTAssertEqual(redecided.events, decided.events)
        XCTAssertEqual(try store.readStream("s-1").map { try $0.decodeMetadata().commandId }, [nil, command])
        XCTAssertEqual(try count(), 2)
        XCTAssertEqual(try store.version(of: "s-1"), 2)
    }

    /// The server plans an append statement once and reuses the plan: a statement it planned
    /// again on every call cost a single append 19 µs (see the README's benchmarks).
    func testAppendStatementsKeepOneGenericPlan() throws {
        for round in 0..<10 {
            try store.append(to: "s-1", events: [event()])
            try store.append(to: "s-2", events: [event(), event(), event()], commandId: round % 2 == 0 ? UUID() : nil)
        }
        let plans = try store.connection.execute("""
            SELECT generic_plans, custom_plans FROM pg_prepared_statements
            WHERE statement LIKE '%FROM store.append(%' ORDER BY length(statement)
            """)
        XCTAssertEqual(plans.rowCount, 2)
        for row in 0..<plans.rowCount {
            // PostgreSQL tries five custom plans before it settles on the generic one.
            XCTAssertEqual(plans.int64(row, 1), 5, "custom plans of statement \(row)")
            XCTAssertEqual(plans.int64(row, 0), 5, "generic plans of statement \(row)")
        }
    }

    func testBatchWithSomeKnownEventIdsIsRefusedWhole() throws {
        let known = event()
        try store.append(to: "s-1", events: [known])
        XCTAssertThrowsError(try store.append(to: "s-1", events: [event(), known])) {
            guard case .partialDuplicate = $0 as? EventStoreError else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try count(), 1)
    }

    private func streamRows(_ stream: String) throws -> Int {
        try store.connection.execute("SELECT count(*) FROM store.streams WHERE name = $1", stream).int(0, 0)!
    }

    /// An event id is one event: sent again with the same stream, type and data (as jsonb:
    /// key order and spacing aside; metadata is not compared) it is a duplicate, whatever
    /// version the append expects.
    func testTheSameEventAgainIsADuplicate() throws {
        let once = NewEvent(type: "Noted", data: #"{"a": 1, "b": [true, "ж"]}"#, metadata: EventMetadata(actor: "first"))
        let first = try store.append(to: "a-1", events: [once])
        var again = once
        again.data = #"{ "b" : [true,"ж"],"a":1.0 }"#
        again.metadata = #"{"actor": "second"}"#
        for expected in [ExpectedVersion.any, .noStream, .exactly(1), .exactly(7)] {
            let repeated = try store.append(to: "a-1", expected: expected, events: [again])
            XCTAssertTrue(repeated.wasDuplicate, "\(expected)")
            XCTAssertEqual(repeated.events, first.events, "\(expected)")
        }
        let pair = [event(), event("Other")]
        let batch = try store.append(to: "a-2", events: pair)
        XCTAssertEqual(try store.append(to: "a-2", expected: .noStream, events: pair).events, batch.events)
        XCTAssertEqual(try count(), 3)
        XCTAssertEqual(try store.version(of: "a-1"), 1)
        XCTAssertEqual(try store.version(of: "a-2"), 2)
    }

    /// An event id stored in one stream, sent to another, is not that event: refused with the
    /// id, where it is stored and what differs; nothing written, no head left for the stream.
    func testAnEventIdStoredInAnotherStreamIsRefused() throws {
        let stored = event()
        try store.append(to: "a-1", events: [stored])
        let conflict = EventStoreError.eventIdConflict(id: stored.id, storedIn: "a-1", given: "b-1", differs: [.stream])
        for expected in [ExpectedVersion.any, .noStream, .exactly(3)] {
            XCTAssertThrowsError(try store.append(to: "b-1", expected: expected, events: [stored])) {
                XCTAssertEqual($0 as? EventStoreError, conflict, "\(expected)")
                XCTAssertTrue("\($0)".contains("event id \(stored.id.uuidString.lowercased()) is stored in stream a-1"), "\($0)")
                XCTAssertTrue("\($0)".contains("another stream (b-1)"), "\($0)")
            }
            XCTAssertThrowsError(try store.append(to: "b-1", expected: expected, events: [event(), stored])) {
                XCTAssertEqual($0 as? EventStoreError, conflict, "a batch, \(expected)")
            }
        }
        var moved = stored
        moved.type = "Moved"
        XCTAssertThrowsError(try store.append(to: "b-1", events: [moved])) {
            XCTAssertEqual($0 as? EventStoreError,
                           .eventIdConflict(id: stored.id, storedIn: "a-1", given: "b-1", differs: [.stream, .type]))
            XCTAssertTrue("\($0)".hasSuffix("this one has another stream (b-1) and type"), "\($0)")
        }
        XCTAssertEqual(try count(), 1)
        XCTAssertEqual(try streamRows("b-1"), 0, "no head left behind")
        XCTAssertEqual(try store.version(of: "a-1"), 1)

        // A command id seen before is a duplicate, and leaves no head for a stream it never wrote.
        let command = UUID()
        let decided = try store.append(to: "a-1", events: [event()], commandId: command)
        XCTAssertEqual(try store.append(to: "c-1", events: [event()], commandId: command).events, decided.events)
        XCTAssertEqual(try streamRows("c-1"), 0)
    }

    func testAnEventIdStoredWithOtherTypeOrDataIsRefused() throws {
        let stored = event("Noted", #"{"n": 1}"#)
        try store.append(to: "a-1", events: [stored, event()])
        var otherData = stored
        otherData.data = #"{"n": 2}"#
        var otherType = stored
        otherType.type = "Renamed"
        var otherBoth = otherType
        otherBoth.data = "[]"
        let cases: [(NewEvent, [EventField])] = [(otherData, [.data]), (otherType, [.type]), (otherBoth, [.type, .data])]
        for (given, differs) in cases {
            for expected in [ExpectedVersion.any, .exactly(2), .noStream] {
                XCTAssertThrowsError(try store.append(to: "a-1", expected: expected, events: [given])) {
                    XCTAssertEqual($0 as? EventStoreError,
                                   .eventIdConflict(id: stored.id, storedIn: "a-1", given: "a-1", differs: differs), "\(expected)")
                }
            }
        }
        XCTAssertThrowsError(try store.append(to: "a-1", events: [otherData])) {
            XCTAssertTrue("\($0)".hasSuffix("is stored in stream a-1 as another event: this one has another data"), "\($0)")
        }
        XCTAssertEqual(try count(), 2)
        XCTAssertEqual(try store.version(of: "a-1"), 2)
    }

    /// One id twice in one batch is a malformed batch, not events "stored before".
    func testAnEventIdTwiceInOneBatchIsRefusedAsSuch() throws {
        let twice = event()
        var twiceOther = twice
        twiceOther.data = #"{"n": 2}"#
        try store.append(to: "a-1", events: [event()])
        for (stream, batch) in [("b-1", [twice, twice]), ("b-1", [event(), twice, twiceOther]), ("a-1", [twice, event(), twice])] {
            XCTAssertThrowsError(try store.append(to: stream, events: batch)) {
                XCTAssertEqual($0 as? EventStoreError,
                               .invalidAppend("event id \(twice.id.uuidString.lowercased()) appears more than once in this batch"))
            }
        }
        XCTAssertThrowsError(try store.append(to: "a-1", expected: .noStream, events: [twice, twice])) {
            XCTAssertEqual($0 as? EventStoreError,
                           .invalidAppend("event id \(twice.id.uuidString.lowercased()) appears more than once in this batch"))
        }
        XCTAssertEqual(try count(), 1)
        XCTAssertEqual(try streamRows("b-1"), 0)
    }

    /// The bulk path keeps the same rule: a stored event given again is skipped, takes no
    /// version; one with another stream, type or data, or an id twice in the batch, refuses
    /// the whole batch and leaves no head behind.
    func testBulkAppendTreatsAnEventIdAsOneEvent() throws {
        let stored = event("Noted", #"{"k": [1, 2]}"#)
        try store.append(to: "a-1", events: [stored])
        var same = stored
        same.data = #"{"k":[1,2]}"#
        let fresh = event()
        XCTAssertEqual(try store.appendBulk([(stream: "a-1", event: same), (stream: "a-2", event: fresh)],
                                            expectedVersions: ["a-1": 1]), 1)
        XCTAssertEqual(try store.version(of: "a-1"), 1)
        XCTAssertEqual(try store.readStream("a-2").map(\.id), [fresh.id])
        XCTAssertEqual(try store.appendBulk([(stream: "a-1", event: stored)]), 0)
        XCTAssertEqual(try store.version(of: "a-1"), 1)

        var otherData = stored
        otherData.data = #"{"k": [2, 1]}"#
        let refused: [([(stream: String, event: NewEvent)], EventStoreError)] = [
            ([(stream: "b-1", event: event()), (stream: "b-1", event: stored)],
             .eventIdConflict(id: stored.id, storedIn: "a-1", given: "b-1", differs: [.stream])),
            ([(stream: "a-1", event: otherData), (stream: "b-1", event: event())],
             .eventIdConflict(id: stored.id, storedIn: "a-1", given: "a-1", differs: [.data])),
            ([(stream: "b-1", event: fresh), (stream: "b-2", event: event())],
             .eventIdConflict(id: fresh.id, storedIn: "a-2", given: "b-1", differs: [.stream])),
            ([(stream: "b-1", event: stored), (stream: "b-1", event: stored)],
             .invalidAppend("event id \(stored.id.uuidString.lowercased()) appears more than once in this batch")),
            ([(stream: "b-1", event: fresh), (stream: "b-2", event: fresh)],
             .invalidAppend("event id \(fresh.id.uuidString.lowercased()) appears more than once in this batch")),
        ]
        for (rows, error) in refused {
            XCTAssertThrowsError(try store.appendBulk(rows)) { XCTAssertEqual($0 as? EventStoreError, error) }
        }
        XCTAssertEqual(try count(), 2)
        XCTAssertEqual(try streamRows("b-1") + streamRows("b-2"), 0, "no head left behind")
    }

    func testBatchThatFailsMidwayWritesNothing() throws {
        try store.append(to: "s-1", events: [event()])
        // The third event breaks a table constraint after two rows were inserted.
        XCTAssertThrowsError(try store.append(to: "s-1", events: [event(), event(), event("")]))
        XCTAssertEqual(try count(), 1)
        XCTAssertEqual(try store.version(of: "s-1"), 1)
    }

    func testLargePayloadAndCyrillicRoundTrip() throws {
        let big = String(repeating: "ж", count: 512 * 1024) // 1 MiB of UTF-8
        let text = "Программа «Союзное государство»: 'кавычки' \"и\" \\ слэш"
        let data = String(decoding: try JSONEncoder().encode(["big": big, "text": text]), as: UTF8.self)
        try store.append(to: "source-x", events: [event("Stored", data)])
        let read = try store.readStream("source-x")[0].decodeData(as: [String: String].self)
        XCTAssertEqual(read["big"]?.utf8.count, 1024 * 1024)
        XCTAssertEqual(read["big"], big)
        XCTAssertEqual(read["text"], text)
    }

    func testReadStreamFromThroughAndRecordedBy() throws {
        for _ in 1...5 { try store.append(to: "s-1", events: [event()]) }
        XCTAssertEqual(try store.readStream("s-1", from: 2, through: 4).map(\.version), [2, 3, 4])
        let third = try store.readStream("s-1", from: 3, through: 3)[0]
        XCTAssertEqual(try store.readStream("s-1", recordedBy: third.recordedAt).map(\.version), [1, 2, 3])
        XCTAssertEqual(try store.readStream("s-1", recordedBy: Date(timeIntervalSince1970: 0)), [])
    }

    func testBulkAppendContinuesEachStreamAndIsAllOrNothing() throws {
        try store.append(to: "s-a", events: [event()])
        let rows = (0..<3000).map { i in (stream: "s-\(["a", "b", "c"][i % 3])", event: event("Bulk", #"{"i": \#(i)}"#)) }
        XCTAssertEqual(try store.appendBulk(rows), 3000)
        XCTAssertEqual(try store.version(of: "s-a"), 1001)
        XCTAssertEqual(try store.version(of: "s-b"), 1000)
        let versions = try store.readStream("s-c").map(\.version)
        XCTAssertEqual(versions, Array(1...1000))

        let repeated = [(stream: "s-d", event: event()), (stream: "s-d", event: rows[0].event)]
        XCTAssertThrowsError(try store.appendBulk(repeated))
        XCTAssertEqual(try store.version(of: "s-d"), 0)
        XCTAssertEqual(try count(), 3001)
    }

    /// Every field of a bulk row arrives: expected versions are checked (a stale one stores
    /// nothing), a kept recording time stays, metadata and Cyrillic data are stored as given.
    func testBulkAppendChecksExpectedVersionsAndKeepsRecordingTimes() throws {
        try store.append(to: "s-a", events: [event(), event()])
        let then = Date(timeIntervalSince1970: 1_600_000_000.654_321)
        let restored = NewEvent(id: UUID(), type: "Kept", schemaVersion: 2, data: #"{"т": "ж\\"}"#,
                                metadataJSON: #"{"actor": "x"}"#, recordedAt: then)
        XCTAssertThrowsError(try store.appendBulk([(stream: "s-a", event: event())], expectedVersions: ["s-a": 1])) { error in
            guard case EventStoreError.wrongExpectedVersion(let stream, _, let actual) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(stream, "s-a")
            XCTAssertEqual(actual, 2)
        }
        XCTAssertEqual(try count(), 2)
        XCTAssertEqual(try store.appendBulk([(stream: "s-a", event: restored), (stream: "s-b", event: event())],
                                            expectedVersions: ["s-a": 2, "s-b": 0]), 2)
        let stored = try store.readStream("s-a", from: 3)[0]
        XCTAssertEqual(stored.id, restored.id)
        XCTAssertEqual(stored.version, 3)
        XCTAssertEqual(stored.schemaVersion, 2)
        XCTAssertEqual(stored.recordedAt, then)
        let fields = try store.connection.execute(
            "SELECT data ->> 'т', metadata ->> 'actor' FROM store.events WHERE event_id = $1", restored.id)
        XCTAssertEqual(fields.string(0, 0), "ж\\")
        XCTAssertEqual(fields.string(0, 1), "x")
        XCTAssertGreaterThan(try store.readStream("s-b")[0].recordedAt, then)
    }
}

final class ImmutabilityAndRolesTests: XCTestCase {
    private var connection: Connection!
    private var store: EventStore!

    override func setUpWithError() throws {
        connection = try Connection.connect(try TestDatabase.create(name))
        store = EventStore(connection: connection)
        try store.append(to: "s-1", events: [NewEvent(type: "A", data: "{}")])
    }

    func testUpdateDeleteAndTruncateAreRefusedEvenForTheOwner() throws {
        XCTAssertEqual(try connection.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").bool(0, 0), true)
        for statement in ["UPDATE store.events SET type = 'B'", "DELETE FROM store.events",
                          "TRUNCATE store.events", "UPDATE store.events SET type = 'B' WHERE false"] {
            XCTAssertThrowsError(try connection.execute(statement), statement) { error in
                XCTAssertEqual((error as? PostgresError)?.sqlState, .immutableEvents, statement)
            }
        }
        XCTAssertEqual(try connection.execute("SELECT type FROM store.events").column(), ["A"])
    }

    func testReaderCanReadReportingAndCannotWrite() throws {
        try connection.execute("SET ROLE ustrack_reader")
        XCTAssertEqual(try connection.execute("SELECT type FROM reporting.events").column(), ["A"])
        let writes = [
            "INSERT INTO store.events (stream, version, event_id, type, data) VALUES ('s-2', 1, gen_random_uuid(), 'X', '{}')",
            "SELECT * FROM store.append('s-2', NULL, ARRAY[gen_random_uuid()], ARRAY['X'], ARRAY['{}'::jsonb])",
            "SELECT * FROM store.events",
            "INSERT INTO store.checkpoints VALUES ('x', '1', 1)",
            "CREATE TABLE reporting.mine (x int)",
        ]
        for statement in writes {
            XCTAssertThrowsError(try connection.execute(statement), statement) { error in
                XCTAssertEqual((error as? PostgresError)?.sqlState, .insufficientPrivilege, "\(statement): \(error)")
            }
        }
    }

    func testWriterAppendsOnlyThroughTheFunctions() throws {
        try connection.execute("SET ROLE ustrack_writer")
        try store.append(to: "s-2", events: [NewEvent(type: "B", data: "{}")])
        try store.appendBulk([(stream: "s-3", event: NewEvent(type: "C", data: "{}"))])
        XCTAssertThrowsError(try connection.execute(
            "INSERT INTO store.events (stream, version, event_id, type, data) VALUES ('s-2', 2, gen_random_uuid(), 'X', '{}')"
        )) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, .insufficientPrivilege) }
        XCTAssertEqual(try store.readAll().map(\.type), ["A", "B", "C"])
    }
}
