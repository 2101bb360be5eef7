import EventStore
import Foundation
import Postgres
import TestSupport
import XCTest

final class ConcurrencyTests: XCTestCase {
    private var conninfo: String!

    override func setUpWithError() throws {
        conninfo = try TestDatabase.create(name)
    }

    /// Writers commit out of position order, some transactions held open on purpose, some
    /// rolled back, while a fenced subscriber and a position-only reader follow the log.
    func testSubscriberSeesEveryCommittedEventExactlyOnceHoweverCommitsInterleave() throws {
        let conninfo = self.conninfo!
        let committed = Locked<[UUID]>([])
        let fencedSeen = Locked<[UUID]>([])
        let naiveSeen = Locked<[UUID]>([])
        let naiveHighWater = Locked<Int64>(0)
        let heldPosition = Locked<Int64?>(nil)
        let heldEvent = NewEvent(type: "Held", data: "{}")
        let writersLeft = Locked(7)
        let deadline = Date().addingTimeInterval(120)

        _ = try onThreads(9) { role in
            let store = EventStore(connection: try Connection.connect(conninfo))
            switch role {
            case 0..<6:
                defer { writersLeft.withLock { $0 -= 1 } }
                for round in 0..<30 {
                    let events = (0...(round % 3)).map { _ in NewEvent(type: "W\(role)", data: #"{"round": \#(round)}"#) }
                    struct Abandon: Error {}
                    do {
                        try store.connection.transaction {
                            try store.append(to: "writer-\(role)-\(round % 4)", events: events)
                            // Keep some transactions open while others commit past them.
                            if (round + role) % 4 == 0 { Thread.sleep(forTimeInterval: Double.random(in: 0.005...0.05)) }
                            if round % 10 == 7 { throw Abandon() }
                        }
                        committed.withLock { $0 += events.map(\.id) }
                    } catch is Abandon {}
                }
            case 6:
                let subscription = try Subscription(store: store, batchSize: 7, pollInterval: .milliseconds(20))
                try subscription.follow(until: {
                    let done = writersLeft.withLock { $0 == 0 }
                    let caughtUp = fencedSeen.withLock { $0.count } >= committed.withLock { $0.count }
                    return (done && caughtUp) || Date() > deadline
                }) { batch in fencedSeen.withLock { $0 += batch.map(\.id) } }
            case 7:
                // What DESIGN §2 warns against: remembering the highest position read.
                while true {
                    let done = writersLeft.withLock { $0 == 0 }
                    let after = naiveHighWater.withLock { $0 }
                    let rows = try store.connection.execute(
                        "SELECT event_id, position FROM store.events WHERE position > $1 ORDER BY position", after)
                    for row in 0..<rows.rowCount {
                        naiveSeen.withLock { $0.append(rows.uuid(row, 0)!) }
                        naiveHighWater.withLock { $0 = max($0, rows.int64(row, 1)!) }
                    }
                    if done || Date() > deadline { break }
                    Thread.sleep(forTimeInterval: 0.005)
                }
            default:
                // Takes a position early and commits only after readers have moved past it.
                defer { writersLeft.withLock { $0 -= 1 } }
                try store.connection.transaction {
                    let position = try store.append(to: "writer-held-1", events: [heldEvent]).events[0].position
                    heldPosition.withLock { $0 = position }
                    while naiveHighWater.withLock({ $0 }) <= position && Date() < deadline {
                        Thread.sleep(forTimeInterval: 0.01)
                    }
                }
                committed.withLock { $0.append(heldEvent.id) }
            }
            return ()
        }

        let expected = committed.withLock { $0 }
        let fenced = fencedSeen.withLock { $0 }
        XCTAssertGreaterThan(expected.count, 200)
        XCTAssertEqual(fenced.count, expected.count, "every committed event, each once")
        XCTAssertEqual(Set(fenced).count, fenced.count, "no event delivered twice")
        XCTAssertEqual(Set(fenced), Set(expected), "exactly the committed events, none rolled back")

        let naive = naiveSeen.withLock { $0 }
        XCTAssertNotNil(heldPosition.withLock { $0 })
        XCTAssertFalse(naive.contains(heldEvent.id), "a position-only checkpoint skips the late commit")
        XCTAssertLessThan(Set(naive).count, expected.count)
    }

    func testEightWritersOnOneStreamKeepVersionsGaplessAndEveryLoserGetsAConflict() throws {
        let conninfo = self.conninfo!
        let barrier = Barrier(parties: 8)
        let outcomes = try onThreads(8) { _ -> Result<Int64, EventStoreError> in
            let store = EventStore(connection: try Connection.connect(conninfo))
            barrier.arriveAndWait()
            do {
                return .success(try store.append(to: "programme-x", expected: .noStream,
                                                 events: [NewEvent(type: "First", data: "{}")]).lastVersion)
            } catch let error as EventStoreError {
                return .failure(error)
            }
        }
        let winners = outcomes.filter { if case .success = $0 { true } else { false } }
        XCTAssertEqual(winners.count, 1)
        for case .failure(let error) in outcomes {
            XCTAssertEqual(error, .wrongExpectedVersion(stream: "programme-x", expected: .noStream, actual: 1))
        }

        // Then all eight keep appending with the version they read, retrying on conflict.
        let conflicts = try onThreads(8) { writer -> Int in
            let store = EventStore(connection: try Connection.connect(conninfo))
            var conflicts = 0
            for n in 0..<15 {
                while true {
                    let version = try store.version(of: "programme-x")
                    do {
                        try store.append(to: "programme-x", expected: .exactly(version),
                                         events: [NewEvent(type: "W\(writer)", data: #"{"n": \#(n)}"#)])
                        break
                    } catch EventStoreError.wrongExpectedVersion(_, _, let actual) {
                        XCTAssertGreaterThan(actual, version)
                        conflicts += 1
                    }
                }
            }
            return conflicts
        }
        let store = EventStore(connection: try Connection.connect(conninfo))
        XCTAssertEqual(try store.readStream("programme-x").map(\.version), Array(1...121))
        print("eight writers: \(conflicts.reduce(0, +)) conflicts retried")
    }

    /// Bulk writers naming the same streams in opposite orders, new streams among them, and a
    /// single-event writer beside them: nobody deadlocks or fails, and every stream's versions
    /// stay gapless in the order each writer gave its events.
    func testBulkWritersOnSharedStreamsQueueWithoutDeadlockOrGaps() throws {
        let conninfo = self.conninfo!
        let streams = (0..<6).map { "programme-s\($0)" }
        let barrier = Barrier(parties: 5)
        _ = try onThreads(5) { writer in
            let store = EventStore(connection: try Connection.connect(conninfo))
            barrier.arriveAndWait()
            for round in 0..<10 {
                if writer == 4 {
                    try store.append(to: streams[round % streams.count], events: [NewEvent(type: "One", data: "{}")])
                    continue
                }
                let order = writer % 2 == 0 ? streams : streams.reversed()
                let rows = (0..<3).flatMap { n in
                    order.map { (stream: $0, event: NewEvent(type: "W\(writer)", data: #"{"round": \#(round), "n": \#(n)}"#)) }
                }
                try store.appendBulk(rows)
            }
        }
        let store = EventStore(connection: try Connection.connect(conninfo))
        for stream in streams {
            let events = try store.readStream(stream)
            XCTAssertEqual(events.map(\.version), Array(1...Int64(events.count)), stream)
            XCTAssertEqual(events.count, 4 * 10 * 3 + (stream < "programme-s4" ? 2 : 1), stream)
            // Within one bulk append a stream's events keep the order the writer gave them.
            for writer in 0..<4 {
                let mine = events.filter { $0.type == "W\(writer)" }.map(\.data)
                XCTAssertEqual(mine, (0..<10).flatMap { round in (0..<3).map { #"{"n": \#($0), "round": \#(round)}"# } },
                               "\(stream), writer \(writer)")
            }
        }
    }
}

final class SubscriptionTests: XCTestCase {
    /// Transaction ids compare as numbers: 99 < 100, though "100" < "99" as text.
    func testReadAllOrdersByTransactionIdAsANumber() throws {
        let connection = try Connection.connect(try TestDatabase.create(name))
        try connection.execute("""
            INSERT INTO store.events (stream, version, event_id, type, data, tx) VALUES
                ('s-1', 1, gen_random_uuid(), 'Later', '{}', '100'), ('s-1', 2, gen_random_uuid(), 'Earlier', '{}', '99')
            """)
        let store = EventStore(connection: connection)
        XCTAssertEqual(try store.readAll().map(\.type), ["Earlier", "Later"])
        let first = try store.readAll(limit: 1)
        XCTAssertEqual(try store.readAll(after: first[0].fence).map(\.type), ["Later"])
    }

    func testFollowPicksUpNewEventsEvenWhenTheWakeUpIsMissed() throws {
        let conninfo = try TestDatabase.create(name)
        let seen = Locked<[String]>([])
        _ = try onThreads(2) { role in
            let store = EventStore(connection: try Connection.connect(conninfo))
            if role == 0 {
                let deadline = Date().addingTimeInterval(30)
                try Subscription(store: store, pollInterval: .milliseconds(100)).follow(until: {
                    seen.withLock { $0.count } >= 2 || Date() > deadline
                }) { batch in seen.withLock { $0 += batch.map(\.type) } }
            } else {
                Thread.sleep(forTimeInterval: 0.2)
                try store.append(to: "s-1", events: [NewEvent(type: "Woken", data: "{}")])
                Thread.sleep(forTimeInterval: 0.2)
                // No NOTIFY for this one: only polling can find it.
                try EventStore(connection: store.connection, wakesSubscribers: false)
                    .append(to: "s-1", events: [NewEvent(type: "Polled", data: "{}")])
            }
            return ()
        }
        XCTAssertEqual(seen.withLock { $0 }, ["Woken", "Polled"])
    }

    func testCheckpointCommitsWithTheHandlersWorkOrNotAtAll() throws {
        let connection = try Connection.connect(try TestDatabase.create(name))
        let store = EventStore(connection: connection)
        try connection.execute("CREATE TABLE seen (type text)")
        try store.append(to: "s-1", events: [NewEvent(type: "A", data: "{}"), NewEvent(type: "B", data: "{}")])

        struct Boom: Error {}
        let failing = try Subscription(store: store, name: "projector")
        XCTAssertThrowsError(try failing.catchUp { batch in
            for event in batch { try connection.execute("INSERT INTO seen VALUES ($1)", event.type) }
            throw Boom()
        })
        XCTAssertEqual(try store.checkpoint("projector"), .start)
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM seen").int(0, 0), 0)

        let working = try Subscription(store: store, name: "projector")
        XCTAssertEqual(try working.catchUp { batch in
            for event in batch { try connection.execute("INSERT INTO seen VALUES ($1)", event.type) }
        }, 2)
        XCTAssertEqual(try store.checkpoint("projector"), working.fence)
        let resumed = try Subscription(store: store, name: "projector")
        XCTAssertEqual(try resumed.catchUp { _ in XCTFail("nothing new to handle") }, 0)
        XCTAssertEqual(try connection.execute("SELECT type FROM seen ORDER BY type").column(), ["A", "B"])
    }
}
