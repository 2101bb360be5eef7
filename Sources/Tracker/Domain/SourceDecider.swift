import Foundation

extension Decider {
    public static func decide(
        _ command: AddSource, state: SourceState, context: DecisionContext
    ) throws(ValidationError) -> [TrackerEvent] {
        try Check.id(command.id, "source id")
        try Check.text(command.title, "--title", limit: Limits.titleLength)
        let publishedOn = try Check.factDate(command.publishedOn, "--published-on", today: context.today)
        try Check.optionalText(command.speaker, "--speaker", limit: Limits.nameLength)
        try Check.optionalText(command.publisher, "--publisher", limit: Limits.nameLength)
        try Check.url(command.url)
        try checkText(command.text, sha256: command.sha256)

        let added = SourceAdded(
            id: command.id, title: command.title, publishedOn: publishedOn, speaker: command.speaker,
            publisher: command.publisher, url: command.url, text: command.text, sha256: command.sha256
        )
        // The same source added again is a repeat, which `decision` tells; another is an error.
        if let existing = state.added, existing.event == added { return [added.event] }
        if let existing = state.added {
            throw ValidationError(
                "source \"\(command.id)\" is already added (event \(existing.eventId.lowercased)): choose another id, or to correct it, \(ValidationError.retractFirst(existing.eventId)) and add it again"
            )
        }
        return [added.event]
    }

    /// A full text travels with its SHA-256, so the stored copy can be matched to the document.
    private static func checkText(_ text: String?, sha256: String?) throws(ValidationError) {
        switch (text, sha256) {
        case (nil, nil):
            return
        case (nil, .some):
            throw ValidationError("a SHA-256 was given without a source text: give the text with --file, or drop the hash")
        case (.some, nil):
            throw ValidationError("the source text has no SHA-256: the caller must hash the text it read from --file")
        case (let text?, let sha256?):
            if Check.isBlank(text) {
                throw ValidationError("the source text (--file) is empty: give a file with the document's text, or leave --file out")
            }
            let bytes = text.utf8.count
            if bytes > Limits.sourceTextBytes {
                throw ValidationError(
                    "the source text (--file) is \(bytes) bytes: the limit is \(Limits.sourceTextBytes) (10 MB); store an excerpt and link the full document with --url"
                )
            }
            try Check.storable(text, "the source text (--file)")
            let isHex = sha256.utf8.count == 64 && sha256.utf8.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
            if !isHex {
                throw ValidationError("\"\(sha256)\" is not a SHA-256: expected 64 lowercase hexadecimal digits")
            }
        }
    }
}
