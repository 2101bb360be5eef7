import Foundation

/// One step of a payload's schema history: rewrites JSON of `fromVersion` into `fromVersion + 1`.
/// Steps are pure, so replaying the log years later reads old events exactly as today.
public struct Upcaster: Sendable {
    public var type: String
    public var fromVersion: Int
    public var upcast: @Sendable (Data) throws -> Data

    public init(type: String, fromVersion: Int, upcast: @escaping @Sendable (Data) throws -> Data) {
        self.type = type
        self.fromVersion = fromVersion
        self.upcast = upcast
    }

    /// Every step ever needed. Empty while every event type is at schema version 1.
    public static let all: [Upcaster] = []

    static func upcast(
        _ data: Data, type: String, from version: Int, to current: Int, using steps: [Upcaster]
    ) throws(EventDecodingError) -> Data {
        var data = data
        for step in version..<max(version, current) {
            guard let upcaster = steps.first(where: { $0.type == type && $0.fromVersion == step }) else {
                throw .missingUpcaster(type: type, fromVersion: step)
            }
            do {
                data = try upcaster.upcast(data)
            } catch {
                throw .badPayload(type: type, version: step, reason: "upcasting to version \(step + 1) failed: \(error)")
            }
        }
        return data
    }
}
