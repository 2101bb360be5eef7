import Foundation

extension Decider {
    /// Needs `context.retractionTarget` (nil: no such event) and the target stream in `context.streams`.
    public static func decide(
        _ command: RetractEvent, context: DecisionContext
    ) throws(ValidationError) -> [TrackerEvent] {
        let eventId = try RetractEvent.eventId(parsing: command.eventId)
        try Check.text(command.reason, "--reason", limit: Limits.noteLength)

        guard let target = context.retractionTarget else { throw .unknownEvent(eventId.lowercased) }
        if target.type == EventRetracted.eventType {
            throw ValidationError(
                "event \(eventId.lowercased) is itself a retraction and cannot be retracted: to restore what it withdrew, record that fact again"
            )
        }
        let retraction = EventRetracted(eventId: eventId.lowercased, targetType: target.type, reason: command.reason)
        // The same retraction given again is a repeat, which `decision` tells.
        if context.liveEvent(equalTo: retraction.event, in: target.stream) != nil { return [retraction.event] }
        if context.streams.isRetracted(eventId, in: target.stream) {
            throw ValidationError("event \(eventId.lowercased) (\(target.type)) is already retracted: nothing to do")
        }
        return [retraction.event]
    }
}

extension RetractEvent {
    /// The CLI parses the id with this before looking the event up in the store.
    public static func eventId(parsing text: String) throws(ValidationError) -> UUID {
        guard let id = UUID(uuidString: text.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError(
                "EVENT_ID \"\(text)\" is not an event id: give a UUID such as 3f2b6c1e-8d7a-4b5c-9e0f-1a2b3c4d5e6f, as `ustrack events` lists them"
            )
        }
        return id
    }
}
