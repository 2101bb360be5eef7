import Foundation
import Testing
@testable import Tracker

/// `Check.isBlank` stands in for Foundation's trimming: the same answer for every whitespace
/// and newline Unicode knows, alone and beside text.
struct BlankTextTests {
    static let samples: [String] = {
        let scalars = (0...0x3100).compactMap(Unicode.Scalar.init).filter { $0.properties.isWhitespace || $0.value < 0x80 }
        let singles = scalars.map { String($0) }
        return ["", "   ", " \t\n ", "\u{A0}\u{2028}", "a", " a ", "\u{3000}x"] + singles + singles.map { "\($0)\($0)z" }
    }()

    @Test func agreesWithFoundationsTrimming() {
        for sample in Self.samples {
            #expect(Check.isBlank(sample) == sample.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(sample.unicodeScalars.map(\.value))")
            #expect(Check.isBlank(sample, newlines: false) == sample.trimmingCharacters(in: .whitespaces).isEmpty, "\(sample.unicodeScalars.map(\.value))")
        }
    }
}
