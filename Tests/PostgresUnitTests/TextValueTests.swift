import Foundation
@testable import Postgres
import Testing

/// The hand-written parsers and the formatter of the read path, against Foundation's.
struct TextValueTests {
    private func withBytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        var text = text
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    @Test func uuidsParseLikeFoundationsInEitherCase() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(withBytes(id.uuidString.lowercased(), QueryResult.uuid) == id)
            #expect(withBytes(id.uuidString, QueryResult.uuid) == id)
        }
    }

    @Test func uuidsPrintAsPostgreSQLDoes() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(id.postgresText == id.uuidString.lowercased())
        }
    }

    @Test(arguments: ["", "6ba7b810-9dad-11d1-80b4-00c04fd430c", "6ba7b810-9dad-11d1-80b4-00c04fd430c8a",
                      "6ba7b810x9dad-11d1-80b4-00c04fd430c8", "6ba7b810-9dad-11d1-80b4-00c04fd430cg"])
    func malformedUuidsAreRefused(_ text: String) {
        #expect(withBytes(text, QueryResult.uuid) == nil)
    }

    @Test(arguments: ["0", "7", "-42", "9223372036854775807", "-9223372036854775808", "123456789012345678"])
    func integersParseLikeInt64(_ text: String) {
        #expect(withBytes(text, QueryResult.integer) == Int64(text))
    }

    @Test(arguments: ["", "-", "12a", "1.5", "99999999999999999999"])
    func malformedIntegersAreRefused(_ text: String) {
        #expect(withBytes(text, QueryResult.integer) == nil)
    }

    @Test func timestampsRoundTripToTheMicrosecond() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            // Years 1 to 9999, whole microseconds, as timestamptz holds them.
            let micros = Int64.random(in: -62_135_596_800_000_000...253_402_300_799_999_999, using: &generator)
            let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            let text = Timestamps.format(date)
            #expect(text.count == 29, "\(text)")
            let back = Timestamps.parse(text)
            #expect(back.map { abs($0.timeIntervalSince(date)) < 0.000_002 } == true, "\(text)")
        }
        #expect(Timestamps.format(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
        #expect(Timestamps.format(Date(timeIntervalSince1970: 1_714_558_272.123456)) == "2024-05-01 10:11:12.123456+00")
    }
}
