import Foundation

extension ReportRenderer {
    /// The `Report` itself, for other tools: sorted keys and pretty printing keep it diffable,
    /// dates are ISO strings, intervals keep their open and closed ends.
    public static func json(_ report: Report) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Spelled out so a stray NaN cannot make encoding fail: the rest of the model always encodes.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        } catch {
            preconditionFailure("a Report always encodes: \(error)")
        }
    }
}
