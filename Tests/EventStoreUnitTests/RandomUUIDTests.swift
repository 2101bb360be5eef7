import EventStore
import Foundation
import TestThreads
import XCTest

final class RandomUUIDTests: XCTestCase {
    /// Version 4, the RFC 4122 variant, and no repeats across threads and buffer refills
    /// (4 KB, 256 ids each): 4 threads × 20,000 ids.
    func testRandomUUIDsAreVersion4AndDistinctAcrossThreads() throws {
        let ids = try onThreads(4) { _ in (0..<20_000).map { _ in UUID.random() } }.flatMap { $0 }
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ids.prefix(1000) {
            XCTAssertEqual(id.uuid.6 >> 4, 4, id.uuidString)
            XCTAssertEqual(id.uuid.8 >> 6, 0b10, id.uuidString)
            XCTAssertEqual(UUID(uuidString: id.uuidString), id)
        }
        // Not a constant nor a counter: the bits that vary vary in both halves.
        let first = ids.map { $0.uuid.0 }, last = ids.map { $0.uuid.15 }
        XCTAssertGreaterThan(Set(first).count, 200)
        XCTAssertGreaterThan(Set(last).count, 200)
    }
}
