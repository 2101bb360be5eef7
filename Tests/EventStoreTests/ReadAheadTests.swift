import EventStore
import Foundation
import Postgres
import TestSupport
import XCTest

final class ReadAheadTests: XCTestCase {
    private var store: EventStore!

    override func setUpWithError() throws {
        store = EventStore(connection: try Connection.connect(try TestDatabase.create(name)))
        for n in 0..<25 {
            try store.append(to: "s-\(n % 3)", events: [NewEvent(type: "N\(n)", data: "{}")])
        }
    }

    func testReadsEveryEventOnceInOrderAndEndsWithTheFence() throws {
        let expected = try store.readAll(limit: 100)
        let ahead = try ReadAhead(store, batchSize: 7) { events in events.map(\.type) }
        var types: [String] = [], counts: [Int] = [], fence = ReadFence.start
        while let item = try ahead.next() {
            types += item.batch
            counts.append(item.count)
            fence = item.fence
        }
        XCTAssertEqual(types, expected.map(\.type))
        XCTAssertEqual(counts, [7, 7, 7, 4])
        XCTAssertEqual(fence, expected.last?.fence)
        XCTAssertNil(try ahead.next(), "stays ended")
    }

    func testStartsAfterAFenceAndHandsOverWhatTheTransformThrows() throws {
        let all = try store.readAll(limit: 100)
        let after = try ReadAhead(store, after: all[19].fence, batchSize: 100) { $0.map(\.type) }
        XCTAssertEqual(try after.next()?.batch, all.dropFirst(20).map(\.type))

        struct Refused: Error {}
        let failing = try ReadAhead(store, batchSize: 10) { batch -> Int in
            if batch.contains(where: { $0.type == "N12" }) { throw Refused() }
            return batch.count
        }
        XCTAssertEqual(try failing.next()?.batch, 10)
        XCTAssertThrowsError(try failing.next()) { XCTAssertTrue($0 is Refused) }
    }

    func testACallerThatStopsEarlyLetsTheReaderGo() throws {
        let readers = { try self.store.connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()").int(0, 0)! }
        let before = try readers()
        do {
            let ahead = try ReadAhead(store, batchSize: 1) { $0.count }
            XCTAssertEqual(try ahead.next()?.batch, 1)
        }
        // Dropped with 24 batches unread: its thread ends and closes its connection.
        let deadline = Date().addingTimeInterval(10)
        while try readers() > before, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(try readers(), before)
    }
}
