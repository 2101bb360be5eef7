import Foundation
import Postgres
import TestSupport
import Testing

/// `QueryResult.decode`: rows into `Decodable` values by column name, against a real server.
@Suite struct RowDecoderTests {
    let connection: Connection

    init() throws {
        connection = try Connection.connect(try TestDatabase.create("row_decoder", migrate: false))
    }

    struct Everything: Decodable, Equatable {
        let text: String
        let int: Int
        let big: Int64
        let ratio: Double
        let flag: Bool
        let id: UUID
        let at: Date
        let day: Day
        let missing: String?
        let present: Int?
        let document: Document
        let list: [Int]
    }

    /// A calendar date read from its `YYYY-MM-DD` text, as the CLI's own date type is.
    struct Day: Decodable, Equatable, LosslessStringConvertible {
        let text: String
        init?(_ description: String) {
            guard description.count == 10 else { return nil }
            text = description
        }
        var description: String { text }
    }

    struct Document: Decodable, Equatable {
        let name: String
        let lo: Double
    }

    @Test func readsEveryTypeByNameInAnyOrder() throws {
        let rows = try connection.execute("""
            SELECT '{"name": "x", "lo": 35.5}'::jsonb AS document, '2023-05-17'::date AS day,
                   'Союз "q"' AS text, 42 AS int, 9007199254740993::bigint AS big, 0.25::float8 AS ratio, true AS flag,
                   '6f9619ff-8b86-d011-b42d-00cf4fc964ff'::uuid AS id,
                   '2024-05-01 10:11:12.123456+00'::timestamptz AS at, NULL::text AS missing, 7 AS present,
                   '[1, 2, 3]'::json AS list, 'ignored' AS extra
            """).decode(Everything.self)
        #expect(rows == [Everything(
            text: "Союз \"q\"", int: 42, big: 9_007_199_254_740_993, ratio: 0.25, flag: true,
            id: UUID(uuidString: "6F9619FF-8B86-D011-B42D-00CF4FC964FF")!,
            at: Timestamps.parse("2024-05-01 10:11:12.123456+00")!, day: Day("2023-05-17")!,
            missing: nil, present: 7, document: Document(name: "x", lo: 35.5), list: [1, 2, 3])])
    }

    struct Pair: Decodable, Equatable {
        let position: Int64
        let label: String?
    }

    @Test func decodesEveryRowInOrderAndNoneFromAnEmptyResult() throws {
        let rows = try connection.execute("""
            SELECT g AS position, CASE WHEN g % 2 = 0 THEN 'even' END AS label FROM generate_series(1, 4) g ORDER BY g
            """).decode(Pair.self)
        #expect(rows == [Pair(position: 1, label: nil), Pair(position: 2, label: "even"),
                         Pair(position: 3, label: nil), Pair(position: 4, label: "even")])
        #expect(try connection.execute("SELECT 1 AS position, 'x' AS label WHERE false").decode(Pair.self) == [])
        #expect(try connection.execute("SELECT 5 AS position, NULL AS label").decodeFirst(Pair.self) == Pair(position: 5, label: nil))
    }

    @Test func aMissingColumnIsNamedEvenForAnOptionalProperty() throws {
        let result = try connection.execute("SELECT 1 AS position, 'x' AS lable")
        #expect(throws: RowDecodingError.missingColumn("label", available: ["position", "lable"])) {
            try result.decode(Pair.self)
        }
    }

    @Test func anUnexpectedNullNamesTheColumn() throws {
        let result = try connection.execute("SELECT NULL::bigint AS position, 'x' AS label")
        let error = #expect(throws: RowDecodingError.self) { try result.decode(Pair.self) }
        #expect(error == .unexpectedNull(column: "position", type: "Int64"))
        #expect(error?.description.contains("column \"position\" is NULL") == true)
    }

    @Test func aValueOfTheWrongTypeNamesTheColumnItsTypeAndTheValue() throws {
        let result = try connection.execute("SELECT 'seven' AS position, 'x' AS label")
        let error = #expect(throws: RowDecodingError.self) { try result.decode(Pair.self) }
        #expect(error == .wrongType(column: "position", expected: "an Int64", columnType: "text", value: "seven"))
        struct Flag: Decodable { let flag: Bool }
        #expect(throws: RowDecodingError.wrongType(column: "flag", expected: "a Bool (t or f)", columnType: "integer", value: "1")) {
            try connection.execute("SELECT 1 AS flag").decode(Flag.self)
        }
        struct Nested: Decodable { let document: Document }
        let notJSON = #expect(throws: RowDecodingError.self) {
            try connection.execute("SELECT '{\"name\": \"x\"}'::text AS document").decode(Nested.self)
        }
        #expect(notJSON?.description.contains("read from json or jsonb") == true)
    }

    struct Interval: Decodable, Equatable {
        let lo: Double
        let loInclusive: Bool
    }

    struct Estimate: Decodable, Equatable {
        let scopeId: String
        let estimate: Interval
        let previous: Interval?
    }

    @Test func camelCasePropertiesReadSnakeCaseColumnsAndNestedValuesTheirPrefixedColumns() throws {
        let rows = try connection.execute("""
            SELECT 'x' AS scope_id, 1.5 AS estimate_lo, true AS estimate_lo_inclusive,
                   NULL::float8 AS previous_lo, NULL::bool AS previous_lo_inclusive
            """)
        #expect(try rows.decode(Estimate.self) == [Estimate(scopeId: "x", estimate: Interval(lo: 1.5, loInclusive: true), previous: nil)])
        let filled = try connection.execute("""
            SELECT 'x' AS scope_id, 1.5 AS estimate_lo, true AS estimate_lo_inclusive, 2 AS previous_lo, false AS previous_lo_inclusive
            """).decode(Estimate.self)
        #expect(filled == [Estimate(scopeId: "x", estimate: Interval(lo: 1.5, loInclusive: true),
                                    previous: Interval(lo: 2, loInclusive: false))])
        #expect(throws: RowDecodingError.missingColumn("estimate_lo_inclusive", available: ["scope_id", "estimate_lo", "previous_lo"])) {
            try connection.execute("SELECT 'x' AS scope_id, 1.5 AS estimate_lo, 2 AS previous_lo").decode(Estimate.self)
        }
    }

    @Test func anIntegerTooWideForItsPropertyIsAnError() throws {
        struct Small: Decodable { let n: Int32 }
        #expect(throws: RowDecodingError.self) { try connection.execute("SELECT 3000000000::bigint AS n").decode(Small.self) }
        #expect(try connection.execute("SELECT -7 AS n").decode(Small.self).map(\.n) == [-7])
    }
}
