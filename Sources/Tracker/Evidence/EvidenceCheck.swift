import Foundation

/// What `ustrack verify` finds wrong with the stored evidence.
public struct EvidenceFinding: Hashable, Sendable, Codable {
    public let position: Int64
    public let eventId: UUID
    public let message: String

    public init(position: Int64, eventId: UUID, message: String) {
        self.position = position
        self.eventId = eventId
        self.message = message
    }
}

/// Re-checks the log's evidence, event by event in position order: every stored text against
/// the SHA-256 recorded with it, and every quote against the text its source held when the
/// claim was decided. Hashing is passed in: the domain has no crypto.
public struct EvidenceCheck {
    public private(set) var texts = 0
    public private(set) var quotes = 0
    public private(set) var findings: [EvidenceFinding] = []
    private var textOf: [String: String] = [:]
    private let sha256: (String) -> String

    public init(sha256: @escaping (String) -> String) {
        self.sha256 = sha256
    }

    public mutating func check(position: Int64, eventId: UUID, event: TrackerEvent) {
        switch event {
        case .sourceAdded(let added):
            textOf[added.id] = added.text
            guard let text = added.text else { return }
            texts += 1
            let digest = sha256(text)
            if let recorded = added.sha256, recorded.lowercased() != digest {
                findings.append(EvidenceFinding(position: position, eventId: eventId, message:
                    "the stored text of source \"\(added.id)\" no longer matches its SHA-256: recorded \(recorded), the text now gives \(digest)"))
            } else if added.sha256 == nil {
                findings.append(EvidenceFinding(position: position, eventId: eventId, message:
                    "the stored text of source \"\(added.id)\" has no SHA-256 to check it against"))
            }
        case .progressClaimed(let claim):
            guard let quote = claim.quote else { return }
            quotes += 1
            guard let span = claim.quoteSpan else {
                findings.append(EvidenceFinding(position: position, eventId: eventId, message:
                    "the claim \"\(claim.wording)\" on \(claim.scope) has a quote but no span in its source's text"))
                return
            }
            guard let text = textOf[claim.source] else {
                findings.append(EvidenceFinding(position: position, eventId: eventId, message:
                    "the claim \"\(claim.wording)\" on \(claim.scope) quotes source \"\(claim.source)\", which held no stored text when it was recorded"))
                return
            }
            if !Quote.holds(quote, at: span, in: text) {
                let now = span.passage(in: text).map { "the text there now reads \"\(Self.cut($0))\"" } ?? "the span lies outside the text"
                findings.append(EvidenceFinding(position: position, eventId: eventId, message:
                    "the quote of the claim \"\(claim.wording)\" on \(claim.scope) is no longer at [\(span.start), \(span.end)) of source \"\(claim.source)\": \(now)"))
            }
        default:
            return
        }
    }

    private static func cut(_ text: String) -> String {
        text.count > 120 ? String(text.prefix(119)) + "…" : text
    }
}
