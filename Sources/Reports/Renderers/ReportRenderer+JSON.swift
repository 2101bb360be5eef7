import Foundation

extension ReportRenderer {
    /// The `Report` itself, for other tools: snake_case keys and lowercase ids as every ustrack JSON,
    /// sorted keys and pretty printing to keep it diffable, ISO dates, intervals with their open and
    /// closed ends. `jsonDecoder` reads it back.
    public static func json(_ report: Report) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Spelled out so a stray NaN cannot make encoding fail: the rest of the model always encodes.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        } catch {
            preconditionFailure("a Report always encodes: \(error)")
        }
    }

    /// Reads what `json` writes.
    public static var jsonDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
