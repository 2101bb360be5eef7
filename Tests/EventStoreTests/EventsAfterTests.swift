import EventStore
import Foundation
import Postgres
import TestSupport
import XCTest

/// `reporting.events_after`: the log for SQL clients that follow it, read by a login in
/// `ustrack_reader`, which may not read `store.events` itself.
final class EventsAfterTests: XCTestCase {
    private var conninfo: String!
    private var store: EventStore!
    private var reader: Connection!

    override func setUpWithError() throws {
        conninfo = try TestDatabase.create(name)
        store = EventStore(connection: try Connection.connect(conninfo))
        // Roles belong to the whole server, which other tests share.
        try store.connection.execute("""
            DO $$ BEGIN CREATE ROLE log_follower LOGIN IN ROLE ustrack_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$
            """)
        reader = try Connection.connect(conninfo + " user=log_follower")
    }

    private struct Row: Equatable {
        var tx: String
        var position: Int64
        var id: UUID
    }

    private func page(after tx: String, _ position: Int64, _ limit: Int) throws -> [Row] {
        let result = try reader.execute("""
            SELECT tx::text, position, event_id, stream, version, type, schema_version, data, metadata, recorded_at
            FROM reporting.events_after($1::text::xid8, $2, $3)
            """, [tx, position, limit])
        return (0..<result.rowCount).map { Row(tx: result.string($0, 0)!, position: result.int64($0, 1)!, id: result.uuid($0, 2)!) }
    }

    /// Every event in (tx, position) order, page by page, from ('0', 0).
    private func follow(from start: (tx: String, position: Int64) = ("0", 0), pageSize: Int) throws -> [Row] {
        var rows: [Row] = []
        var fence = start
        while true {
            let next = try page(after: fence.tx, fence.position, pageSize)
            XCTAssertLessThanOrEqual(next.count, pageSize)
            guard let last = next.last else { return rows }
            rows += next
            fence = (last.tx, last.position)
        }
    }

    func testAReaderLoginReadsTheWholeLogInPages() throws {
        XCTAssertThrowsError(try reader.execute("SELECT count(*) FROM store.events")) {
            XCTAssertEqual(($0 as? PostgresError)?.sqlState, .insufficientPrivilege)
        }
        for round in 0..<5 {
            try store.append(to: "s-\(round % 2)", events: (0...round).map { _ in NewEvent(type: "Noted", data: #"{"n": 1}"#) })
        }
        try store.appendBulk((0..<8).map { (stream: "s-\($0 % 3)", event: NewEvent(type: "Bulk", data: "{}")) })
        let all = try store.readAll(limit: 100)
        XCTAssertEqual(all.count, 23)
        for size in [1, 4, 7, 100] {
            let rows = try follow(pageSize: size)
            XCTAssertEqual(rows.map(\.id), all.map(\.id), "pages of \(size)")
            XCTAssertEqual(rows.map(\.position), all.map(\.position))
            XCTAssertEqual(rows.map(\.tx), all.map { String($0.tx) })
        }
        let columns = try reader.execute("SELECT * FROM reporting.events_after('0', 0, 1)").columnNames
        XCTAssertEqual(columns, ["position", "stream", "version", "event_id", "type", "schema_version", "data", "metadata",
                                 "recorded_at", "tx"])
        for bad in ["0", "-1", "NULL"] {
            XCTAssertThrowsError(try reader.execute("SELECT * FROM reporting.events_after('0', 0, \(bad))"), bad) {
                XCTAssertTrue("\($0)".contains("max_rows must be a positive number of rows"), "\($0)")
            }
        }
        let writer = try Connection.connect(conninfo)
        try writer.execute("SET ROLE ustrack_writer")
        XCTAssertEqual(try writer.execute("SELECT count(*) FROM reporting.events_after('0', 0, 1000)").int(0, 0), 23)
    }

    /// A transaction held open with an event in it fences readers: nothing past it comes
    /// back until it commits, and then a reader at its (tx, position) checkpoint gets the late
    /// event, which a reader that checkpointed a position had already passed.
    func testALateCommitIsNotSkipped() throws {
        try store.append(to: "s-1", events: [NewEvent(type: "Early", data: "{}")])
        let checkpoint = try follow(pageSize: 10).last!
        XCTAssertEqual(try follow(from: (checkpoint.tx, checkpoint.position), pageSize: 10), [])

        let slow = EventStore(connection: try Connection.connect(conninfo))
        try slow.connection.execute("BEGIN")
        let late = try slow.append(to: "s-2", events: [NewEvent(type: "Late", data: "{}")]).events[0]
        let after = try store.append(to: "s-3", events: [NewEvent(type: "After", data: "{}")]).events[0]
        XCTAssertGreaterThan(after.position, late.position)

        // A position-only reader sees the committed event after the open one and moves past both.
        let byPosition = try reader.execute(
            "SELECT position FROM reporting.events WHERE position > $1 ORDER BY position", checkpoint.position)
        XCTAssertEqual(byPosition.column().compactMap { $0.flatMap { Int64($0) } }, [after.position])
        let positionCheckpoint = after.position

        // The fenced reader stops at the open transaction, even for events committed after it.
        XCTAssertEqual(try follow(from: (checkpoint.tx, checkpoint.position), pageSize: 10), [])

        try slow.connection.execute("COMMIT")
        let resumed = try follow(from: (checkpoint.tx, checkpoint.position), pageSize: 10)
        XCTAssertEqual(resumed.map(\.id), [late.id, after.id], "the late event first: its transaction is older")
        let missed = try reader.execute(
            "SELECT count(*) FROM reporting.events WHERE position > $1", positionCheckpoint).int(0, 0)
        XCTAssertEqual(missed, 0, "the position-only reader never sees the late event")
    }
}
