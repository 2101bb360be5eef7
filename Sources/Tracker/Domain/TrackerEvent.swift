import Foundation

/// Every event the tracker records. The store keeps `type`, `schemaVersion` and the JSON of `encode()`.
public enum TrackerEvent: Hashable, Sendable {
    case portfolioDefined(PortfolioDefined)
    case portfolioRevised(PortfolioRevised)
    case programmeAdded(ProgrammeAdded)
    case programmeCompleted(ProgrammeCompleted)
    case milestoneAdded(MilestoneAdded)
    case milestoneReached(MilestoneReached)
    case sourceAdded(SourceAdded)
    case progressClaimed(ProgressClaimed)
    case eventRetracted(EventRetracted)

    public var payload: any EventPayload {
        switch self {
        case .portfolioDefined(let payload): payload
        case .portfolioRevised(let payload): payload
        case .programmeAdded(let payload): payload
        case .programmeCompleted(let payload): payload
        case .milestoneAdded(let payload): payload
        case .milestoneReached(let payload): payload
        case .sourceAdded(let payload): payload
        case .progressClaimed(let payload): payload
        case .eventRetracted(let payload): payload
        }
    }

    public var type: String { Swift.type(of: payload).eventType }

    public var schemaVersion: Int { Swift.type(of: payload).schemaVersion }

    /// The payload as JSON with snake_case keys, sorted so the same event always gives the same bytes.
    public func encode() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(payload)
    }

    /// Reads a stored event, first upcasting a payload written in an older schema version.
    public static func decode(
        type: String, schemaVersion: Int, data: Data, upcasters: [Upcaster] = Upcaster.all
    ) throws(EventDecodingError) -> TrackerEvent {
        guard let payloadType = payloadType(named: type) else { throw .unknownType(type) }
        let current = payloadType.schemaVersion
        guard schemaVersion <= current else {
            throw .newerSchema(type: type, version: schemaVersion, supported: current)
        }
        let upcast = try Upcaster.upcast(data, type: type, from: schemaVersion, to: current, using: upcasters)
        return try decodePayload(payloadType, from: upcast, version: schemaVersion)
    }

    public static let eventTypes: [any EventPayload.Type] = [
        PortfolioDefined.self, PortfolioRevised.self, ProgrammeAdded.self, ProgrammeCompleted.self,
        MilestoneAdded.self, MilestoneReached.self, SourceAdded.self, ProgressClaimed.self,
        EventRetracted.self,
    ]

    static func payloadType(named type: String) -> (any EventPayload.Type)? {
        eventTypes.first { $0.eventType == type }
    }

    private static func decodePayload<Payload: EventPayload>(
        _: Payload.Type, from data: Data, version: Int
    ) throws(EventDecodingError) -> TrackerEvent {
        do {
            return try JSONDecoder().decode(Payload.self, from: data).event
        } catch let error as DecodingError {
            throw .badPayload(type: Payload.eventType, version: version, reason: describe(error))
        } catch {
            throw .badPayload(type: Payload.eventType, version: version, reason: "\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.isEmpty ? "the top level" : context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, _):
            return "missing key \"\(key.stringValue)\""
        case .typeMismatch(let type, let context):
            return "wrong type at \(path(context)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "null at \(path(context)): expected \(type)"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON (\(context.debugDescription))" }
            return "bad value at \(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// Why a stored event could not be read. A projection stops on it, naming the event's position.
public enum EventDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownType(String)
    case newerSchema(type: String, version: Int, supported: Int)
    case missingUpcaster(type: String, fromVersion: Int)
    case badPayload(type: String, version: Int, reason: String)

    public var description: String {
        switch self {
        case .unknownType(let type):
            let known = TrackerEvent.eventTypes.map { $0.eventType }.joined(separator: ", ")
            return "unknown event type \"\(type)\": this ustrack reads \(known)"
        case .newerSchema(let type, let version, let supported):
            return "\(type) schema version \(version) was written by a newer ustrack (this one reads up to \(supported)): upgrade ustrack"
        case .missingUpcaster(let type, let version):
            return "\(type) schema version \(version) cannot be read: no upcaster from version \(version) to \(version + 1)"
        case .badPayload(let type, let version, let reason):
            return "bad \(type) payload (schema version \(version)): \(reason)"
        }
    }
}
