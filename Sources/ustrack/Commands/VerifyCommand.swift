import ArgumentParser
import Crypto
import Foundation
import Postgres
import Tracker

/// Re-checks the evidence in the log: each stored text against its SHA-256, each quote against
/// its source's text. The log is read, not the projections, since the log is the record.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check every stored text against its SHA-256 and every quote against its text.",
        discussion: """
            Exits 0 when every stored text still gives the SHA-256 recorded with it and every \
            claim's quote still stands at its place in its source's text; otherwise prints each \
            mismatch, with the event's position and id, and exits 1.
            """ + "\n\n" + Examples.text("""
                ustrack verify
                ustrack verify --format json
                """))
    @OptionGroup var options: CommonOptions

    struct Outcome: Encodable {
        let texts: Int
        let quotes: Int
        let findings: [Finding]
    }

    struct Finding: Encodable {
        let position: Int64
        let eventId: String
        let message: String
        enum CodingKeys: String, CodingKey { case position, eventId = "event_id", message }
    }

    func run() throws {
        let session = try Session(options)
        var check = EvidenceCheck { text in SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined() }
        let events = try session.run { try ReportingQueries(connection: session.connection).evidenceEvents() }
        for row in events {
            let event: TrackerEvent
            do {
                event = try TrackerEvent.decode(type: row.type, schemaVersion: row.schemaVersion, data: Data(row.data.utf8))
            } catch {
                throw Failure.other("the event at position \(row.position) (\(row.eventId.uuidString.lowercased())) cannot be read: \(error)")
            }
            check.check(position: row.position, eventId: row.eventId, event: event)
        }
        let findings = check.findings.map {
            Finding(position: $0.position, eventId: $0.eventId.uuidString.lowercased(), message: $0.message)
        }
        switch options.format {
        case .json:
            try Output.json(Outcome(texts: check.texts, quotes: check.quotes, findings: findings))
        case .csv:
            Output.csv([["position", "event_id", "message"]] + findings.map { [String($0.position), $0.eventId, $0.message] })
        case .table:
            for finding in findings {
                Output.line(Output.safe("position \(finding.position) (\(finding.eventId)): \(finding.message)", keepingLayout: false))
            }
            let checked = "\(check.texts) stored text\(check.texts == 1 ? "" : "s") and \(check.quotes) quote\(check.quotes == 1 ? "" : "s")"
            Output.line(findings.isEmpty ? "verified \(checked): all hold"
                                         : "\(findings.count) mismatch\(findings.count == 1 ? "" : "es") in \(checked)")
        }
        if !findings.isEmpty { throw ExitCode(Failure.Code.failure.rawValue) }
    }
}
