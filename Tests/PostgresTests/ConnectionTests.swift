import Foundation
import Postgres
import TestSupport
import XCTest

final class ConnectionTests: XCTestCase {
    private var connection: Connection!

    override func setUpWithError() throws {
        connection = try Connection.connect(try TestDatabase.create(name, migrate: false))
    }

    func testParametersRoundTripAsGivenIncludingQuotesCyrillicAndNull() throws {
        let tricky = "Союзное государство: 'x'; DROP TABLE y; -- \"q\" \\ \t end"
        let result = try connection.execute(
            "SELECT $1::text, $2::int, $3::text IS NULL, $4::text[], $5::bool",
            [tricky, 42, Optional<String>.none, ["a,b", "в\"с", nil] as [String?], true])
        XCTAssertEqual(result.string(0, 0), tricky)
        XCTAssertEqual(result.int(0, 1), 42)
        XCTAssertEqual(result.bool(0, 2), true)
        XCTAssertEqual(result.string(0, 3), #"{"a,b","в\"с",NULL}"#)
        XCTAssertEqual(result.bool(0, 4), true)
    }

    func testServerErrorsCarrySQLStateMessageDetailAndHint() throws {
        try connection.execute("CREATE TABLE t (id int PRIMARY KEY)")
        try connection.execute("INSERT INTO t VALUES (1)")
        XCTAssertThrowsError(try connection.execute("INSERT INTO t VALUES ($1)", 1)) { error in
            let error = error as! PostgresError
            XCTAssertEqual(error.sqlState, .uniqueViolation)
            XCTAssertEqual(error.kind, .server)
            XCTAssertTrue(error.message.contains("duplicate key"), error.message)
            XCTAssertEqual(error.detail, "Key (id)=(1) already exists.")
        }
        try connection.execute("""
            CREATE FUNCTION fail() RETURNS void LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'nope' USING ERRCODE = 'UT999', DETAIL = 'd', HINT = 'h'; END $$
            """)
        XCTAssertThrowsError(try connection.execute("SELECT fail()")) { error in
            let error = error as! PostgresError
            XCTAssertEqual(error.sqlState?.rawValue, "UT999")
            XCTAssertEqual(error.message, "nope")
            XCTAssertEqual(error.detail, "d")
            XCTAssertEqual(error.hint, "h")
        }
    }

    func testPreparedStatementRunsManyTimes() throws {
        let square = try connection.prepare("square", "SELECT $1::int * $1::int")
        let values = try (1...5).map { try connection.execute(square, [$0]).int(0, 0) }
        XCTAssertEqual(values, [1, 4, 9, 16, 25])
    }

    func testTransactionCommitsOnReturnAndRollsBackOnThrow() throws {
        try connection.execute("CREATE TABLE t (v text)")
        try connection.transaction { try connection.execute("INSERT INTO t VALUES ('kept')") }
        struct Boom: Error {}
        XCTAssertThrowsError(try connection.transaction {
            try connection.execute("INSERT INTO t VALUES ('dropped')")
            throw Boom()
        })
        XCTAssertEqual(try connection.execute("SELECT v FROM t").column(), ["kept"])
        XCTAssertFalse(connection.isInTransaction)
    }

    func testCopyInTextEscapesAndCopyOutStreamsRows() throws {
        try connection.execute("CREATE TABLE t (n int, s text)")
        // Escapes at either end, in a row, a text that reads like COPY's NULL, an empty one.
        let texts = ["tab\there", "line\nbreak", "back\\slash", "кириллица", nil, "", "\r\n\t\\", "\\N", "end\\",
                     "\tstart", "no escapes at all"]
        let stored = try connection.copyIn("COPY t (n, s) FROM STDIN") { writer in
            for (index, text) in texts.enumerated() { try writer.writeRow([String(index), text]) }
        }
        XCTAssertEqual(stored, texts.count)
        XCTAssertEqual(try connection.execute("SELECT s FROM t ORDER BY n").column(), texts)

        var lines: [String] = []
        let rows = try connection.copyOut("COPY (SELECT n FROM t ORDER BY n) TO STDOUT") { bytes in
            lines.append(String(decoding: bytes, as: UTF8.self))
        }
        XCTAssertEqual(rows, texts.count)
        XCTAssertEqual(lines, texts.indices.map { "\($0)\n" })
    }

    func testCopyInThatThrowsStoresNothing() throws {
        try connection.execute("CREATE TABLE t (n int)")
        struct Boom: Error {}
        XCTAssertThrowsError(try connection.copyIn("COPY t FROM STDIN") { writer in
            try writer.writeRow(["1"])
            throw Boom()
        })
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM t").int(0, 0), 0)
        XCTAssertEqual(try connection.execute("SELECT 1").int(0, 0), 1, "the connection is usable again")
    }

    /// Each value goes in once by binary COPY and once as a text parameter: the server must
    /// store the same thing both ways, edges included (before 2000, fractions of microseconds,
    /// extremes, Cyrillic, empty text, NULL).
    func testBinaryCopyStoresWhatTextParametersStore() throws {
        let columns = ["b", "i2", "i4", "i8", "f4", "f8", "t", "v", "j", "jb", "u", "ts", "tz", "by"]
        try connection.execute("""
            CREATE TABLE t (n int, b boolean, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision, t text,
                            v varchar(40), j json, jb jsonb, u uuid, ts timestamp, tz timestamptz, by bytea)
            """)
        let rows: [[any PostgresParameter]] = [
            [true, 32767, Int32.min, Int64.max, 1.5, -0.1, "кириллица \t \"q\"", "", #"{"a": [1, "б"]}"#,
             #"{"z": 1, "a": "\u0436"}"#, UUID(), Date(timeIntervalSince1970: 946_684_799.999_999_6),
             Date(timeIntervalSince1970: 1_700_000_000.123_456), Data([0, 1, 254, 255])],
            [false, -32768, 0, -1, -3.25e-10, 1e300, "tab\there", "x", "[]", "null", UUID(),
             Date(timeIntervalSince1970: -2_208_988_800), Date(timeIntervalSince1970: 0), Data()],
            [Optional<Bool>.none, Optional<Int>.none, Optional<Int32>.none, Optional<Int64>.none, Optional<Double>.none,
             Optional<Double>.none, Optional<String>.none, Optional<String>.none, Optional<String>.none,
             Optional<String>.none, Optional<UUID>.none, Optional<Date>.none, Optional<Date>.none, Optional<Data>.none],
        ]
        let stored = try connection.copyInBinary(into: "t", columns: ["n"] + columns) { writer in
            for (index, row) in rows.enumerated() { try writer.writeRow([index] + row) }
        }
        XCTAssertEqual(stored, rows.count)
        let placeholders = (1...columns.count + 1).map { "$\($0)" }.joined(separator: ", ")
        for (index, row) in rows.enumerated() {
            try connection.execute("INSERT INTO t (n, \(columns.joined(separator: ", "))) VALUES (\(placeholders))",
                                   [index + 100] + row)
        }
        let values = "SELECT ROW(\(columns.joined(separator: ", ")))::text FROM t"
        let copied = try connection.execute("\(values) WHERE n < 100 ORDER BY n").column()
        XCTAssertEqual(copied.count, 3)
        XCTAssertEqual(copied, try connection.execute("\(values) WHERE n >= 100 ORDER BY n").column())
        XCTAssertEqual(try connection.execute("SELECT jb ->> 'a' FROM t WHERE n = 0").string(0, 0), "ж")
    }

    func testBinaryCopyRefusesAValueItCannotWriteAndStoresNothing() throws {
        try connection.execute("CREATE TABLE t (n smallint, u uuid)")
        let cases: [([any PostgresParameter], String)] = [
            ([70_000, UUID()], "cannot write the Int value (70000) into column n of t, of type smallint"),
            ([1, "not-a-uuid"], "cannot write the String value (not-a-uuid) into column u of t, of type uuid"),
            ([1], "a row for t needs 2 values, one per column; it has 1"),
        ]
        for (row, message) in cases {
            XCTAssertThrowsError(try connection.copyInBinary(into: "t", columns: ["n", "u"]) { writer in
                try writer.writeRow([1, UUID()])
                try writer.writeRow(row)
            }) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
            XCTAssertEqual(try connection.execute("SELECT count(*) FROM t").int(0, 0), 0)
        }
        XCTAssertThrowsError(try connection.copyInBinary(into: "t", columns: ["n", "nonesuch"]) { _ in }) { error in
            XCTAssertTrue("\(error)".contains("t has no column nonesuch"), "\(error)")
        }
    }

    /// Column types are cached per connection; a script (a migration) may change them.
    func testBinaryCopyReadsColumnTypesAgainAfterAScript() throws {
        try connection.execute("CREATE TABLE t (n integer)")
        try connection.copyInBinary(into: "t", columns: ["n"]) { try $0.writeRow([1]) }
        try connection.executeScript("ALTER TABLE t ALTER COLUMN n TYPE bigint")
        try connection.copyInBinary(into: "t", columns: ["n"]) { try $0.writeRow([Int64.max]) }
        XCTAssertEqual(try connection.execute("SELECT n::text FROM t ORDER BY n").column(), ["1", String(Int64.max)])
    }

    func testPipelineSendsManyStatementsAndReportsEachResult() throws {
        try connection.execute("CREATE TABLE t (n int PRIMARY KEY)")
        let results = try connection.pipeline { batch in
            for n in 1...200 { batch.add("INSERT INTO t VALUES ($1) RETURNING n", [n]) }
        }
        XCTAssertEqual(results.count, 200)
        XCTAssertEqual(try results.map { try $0.get().int(0, 0) }, Array(1...200))

        let mixed = try connection.pipeline { batch in
            batch.add("INSERT INTO t VALUES (1000)")
            batch.add("INSERT INTO t VALUES (1)")   // duplicate: fails
            batch.add("INSERT INTO t VALUES (1001)") // skipped after the failure
        }
        XCTAssertNoThrow(try mixed[0].get())
        XCTAssertThrowsError(try mixed[1].get()) { XCTAssertEqual(($0 as! PostgresError).sqlState, .uniqueViolation) }
        XCTAssertThrowsError(try mixed[2].get())
        // Up to its sync a pipeline is one implicit transaction: the failure undid the first insert.
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM t").int(0, 0), 200)
    }

    func testAPipelineRunsPreparedStatementsAndStatementsWithTextParameters() throws {
        try connection.execute("CREATE TABLE t (n int PRIMARY KEY, label text)")
        let insert = try connection.prepared("INSERT INTO t VALUES ($1, $2)")
        XCTAssertEqual(try connection.prepared("INSERT INTO t VALUES ($1, $2)"), insert, "prepared once per connection")
        var first = PipelineBatch()
        first.add(insert, [1, "one"])
        var second = PipelineBatch()
        second.add(insert, ["2", nil] as [String?])
        let results = try connection.pipeline { $0 = second + first }
        XCTAssertEqual(results.count, 2)
        for result in results { XCTAssertNoThrow(try result.get()) }
        XCTAssertEqual(try connection.execute("SELECT string_agg(n || ':' || coalesce(label, '-'), ',' ORDER BY n) FROM t").string(0, 0),
                       "1:one,2:-")
    }

    /// A writer skips its wake-up while nobody has announced itself with `listen`; a listener's
    /// announcement makes every later wake-up go out, after the commit, and only then.
    func testNotifyAfterCommitReachesAnnouncedListenersOnlyAfterTheCommit() throws {
        let database = try connection.execute("SELECT current_database()").string(0, 0)!
        let writer = try Connection.connect("dbname=\(database)")
        // A bare LISTEN does not announce: this one hears only what goes out anyway.
        let bystander = try Connection.connect("dbname=\(database)")
        try bystander.execute("LISTEN wake")
        try writer.notifyAfterCommit("wake")
        XCTAssertNil(try bystander.waitForNotification(timeout: .milliseconds(200)), "nobody announced, nothing sent")

        try connection.listen("wake")
        try writer.transaction {
            try writer.notifyAfterCommit("wake")
            XCTAssertNil(try connection.waitForNotification(timeout: .milliseconds(200)), "not before the commit")
        }
        XCTAssertEqual(try connection.waitForNotification(timeout: .seconds(10))?.channel, "wake")
        XCTAssertEqual(try bystander.waitForNotification(timeout: .seconds(10))?.channel, "wake")

        struct Undo: Error {}
        XCTAssertThrowsError(try writer.transaction {
            try writer.notifyAfterCommit("wake")
            throw Undo()
        })
        try writer.notifyAfterCommit("other")  // a channel nobody listens on: skipped
        XCTAssertNil(try connection.waitForNotification(timeout: .milliseconds(200)), "a rollback sends nothing")

        try connection.unlisten("wake")
        try writer.notifyAfterCommit("wake")
        XCTAssertNil(try bystander.waitForNotification(timeout: .milliseconds(200)), "the announcement ends with unlisten")
    }

    func testStreamingHandsOverOneRowAtATimeAndCanStopEarly() throws {
        var seen = 0
        try connection.stream("SELECT g FROM generate_series(1, 50000) g") { row in
            XCTAssertEqual(row.rowCount, 1)
            seen += 1
            return true
        }
        XCTAssertEqual(seen, 50000)

        var firstFew: [Int] = []
        try connection.stream("SELECT g FROM generate_series(1, 10000000) g") { row in
            firstFew.append(row.int(0, 0)!)
            return firstFew.count < 3
        }
        XCTAssertEqual(firstFew, [1, 2, 3])
        XCTAssertEqual(try connection.execute("SELECT 7").int(0, 0), 7, "the connection is usable again")
    }

    func testListenWaitsOnTheSocketForANotification() throws {
        try connection.listen("wake")
        XCTAssertNil(try connection.waitForNotification(timeout: .milliseconds(50)))
        let conninfo = try connection.execute("SELECT current_database()").string(0, 0)!
        let other = try Connection.connect("dbname=\(conninfo)")
        try other.notify("wake", payload: "hello")
        let notification = try connection.waitForNotification(timeout: .seconds(10))
        XCTAssertEqual(notification?.channel, "wake")
        XCTAssertEqual(notification?.payload, "hello")
    }
}
