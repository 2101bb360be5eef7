import EventStore
import Foundation
import XCTest

final class EventMetadataJSONTests: XCTestCase {
    /// The directly written JSON reads back as what JSONEncoder writes, for any text an actor
    /// name may hold.
    func testTheWrittenJSONReadsAsTheEncodersDoes() throws {
        let actors = ["", "root", #"a "quoted" \ name"#, "line\nbreak\ttab\r\u{01}\u{1F}", "Алексей ✓ 😀", "/slash/"]
        for actor in actors {
            for metadata in [
                EventMetadata(),
                EventMetadata(actor: actor, commandId: UUID(), toolVersion: "ustrack 1.0"),
                EventMetadata(actor: actor, commandId: UUID(), correlationId: UUID(), causationId: UUID(),
                              toolVersion: actor, enteredAt: Date(timeIntervalSince1970: 1_700_000_000)),
            ] {
                let written = try JSONSerialization.jsonObject(with: Data(metadata.json.utf8)) as? NSDictionary
                let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(metadata)) as? NSDictionary
                XCTAssertEqual(written, encoded, metadata.json)
                XCTAssertEqual(try JSONDecoder().decode(EventMetadata.self, from: Data(metadata.json.utf8)), metadata)
            }
        }
    }
}
