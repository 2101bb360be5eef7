import Extraction
import Foundation
import Testing
import Tracker

/// Precision and recall on the labelled set (Fixtures/labelled.jsonl): sentences as officials say
/// them, English and Russian, with figures about other things beside the true statements.
@Suite struct LabelledSetTests {
    struct Expected: Decodable {
        struct Claim: Decodable {
            var wording: String
            var unit: String
            var count: Int?
            var total: Int?
        }
        var text: String
        var proposals: [Claim]
        var set_aside: [String]
    }

    static func load() throws -> [Expected] {
        try Fixtures.text("labelled.jsonl").split(separator: "\n").map {
            try JSONDecoder().decode(Expected.self, from: Data($0.utf8))
        }
    }

    @Test func theSetIsLargeEnoughAndHalfRussian() throws {
        let set = try Self.load()
        #expect(set.count >= 40)
        let russian = set.filter { $0.text.unicodeScalars.contains { (0x400...0x4FF).contains($0.value) } }
        #expect(russian.count * 2 >= set.count)
    }

    @Test func precisionAndRecall() throws {
        let facts = SourceFacts(publishedOn: CalendarDate(year: 2023, month: 6, day: 1)!)
        var expected = 0, proposed = 0, correct = 0, unitsRight = 0
        var misses: [String] = []
        for item in try Self.load() {
            let found = Extractor.extract(item.text, facts: facts)
            expected += item.proposals.count
            proposed += found.proposals.count
            for claim in item.proposals {
                guard let hit = found.proposals.first(where: { $0.wording == claim.wording }) else {
                    misses.append("missed \"\(claim.wording)\" in: \(item.text)")
                    continue
                }
                correct += 1
                if hit.unit.rawValue == claim.unit && hit.count == claim.count && hit.total == claim.total {
                    unitsRight += 1
                } else {
                    misses.append("\"\(claim.wording)\": unit \(hit.unit) count \(String(describing: hit.count)), expected \(claim.unit)")
                }
            }
            for extra in found.proposals where !item.proposals.contains(where: { $0.wording == extra.wording }) {
                misses.append("proposed \"\(extra.wording)\" (\(extra.why)) in: \(item.text)")
            }
            for wording in item.set_aside {
                if !found.setAside.contains(where: { $0.wording == wording }) {
                    misses.append("did not set aside \"\(wording)\" in: \(item.text)")
                }
            }
        }
        let precision = proposed == 0 ? 0 : Double(correct) / Double(proposed)
        let recall = expected == 0 ? 0 : Double(correct) / Double(expected)
        print("extraction on the labelled set: \(expected) statements, \(proposed) proposed, \(correct) right; precision \(String(format: "%.3f", precision)), recall \(String(format: "%.3f", recall)); units right \(unitsRight)/\(correct)")
        for miss in misses { print("  " + miss) }
        #expect(recall == 1.0)
        #expect(precision >= 0.9)
        #expect(unitsRight == correct)
        #expect(!misses.contains { $0.hasPrefix("did not set aside") })
    }
}
