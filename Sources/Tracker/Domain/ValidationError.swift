import Foundation

/// A command that cannot be recorded, with a message saying what was wrong and what would be right.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension ValidationError {
    static func unknownPortfolio(_ id: String) -> ValidationError {
        ValidationError(
            "unknown portfolio \"\(id)\": define it first with `ustrack portfolio define \(id) --title T`"
        )
    }

    static func unknownProgramme(_ id: String) -> ValidationError {
        ValidationError(
            "unknown programme \"\(id)\": add it first with `ustrack programme add \(id) --portfolio P --title T`"
        )
    }

    static func unknownMilestone(_ id: String, programme: String) -> ValidationError {
        ValidationError(
            "unknown milestone \"\(id)\" in programme \"\(programme)\": add it first with `ustrack milestone add \(programme) \(id) --title T`"
        )
    }

    static func unknownSource(_ id: String) -> ValidationError {
        ValidationError(
            "unknown source \"\(id)\": add it first with `ustrack source add \(id) --title T --published-on D`"
        )
    }

    static func unknownScope(_ id: String) -> ValidationError {
        ValidationError(
            "unknown scope \"\(id)\": it is neither a portfolio nor a programme; define it first with `ustrack portfolio define \(id) --title T` or `ustrack programme add \(id) --portfolio P --title T`"
        )
    }

    static func unknownEvent(_ id: String) -> ValidationError {
        ValidationError("unknown event \(id): `ustrack events` lists the ids of recorded events")
    }

    /// How to undo a fact that is already recorded: retract the event, then record it again.
    static func retractFirst(_ eventId: UUID) -> String {
        "retract it first with `ustrack retract \(eventId.lowercased) --reason T`"
    }
}

extension UUID {
    /// The spelling PostgreSQL prints, so an id copied from `ustrack events` or psql matches what events store.
    var lowercased: String { uuidString.lowercased() }
}
