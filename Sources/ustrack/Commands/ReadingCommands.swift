import ArgumentParser
import Foundation
import Postgres
import Tracker

/// A claim as the reading commands print it.
struct ClaimSummary: Encodable {
    let wording: String
    let asOf: String
    let speaker: String?
    let source: String
    let lo: Double?
    let hi: Double?
    enum CodingKeys: String, CodingKey { case wording, asOf = "as_of", speaker, source, lo, hi }
}

/// An interval as `[35, 45]` or `(50, 100]`.
func bracketed(_ lo: Double, _ hi: Double, _ loInclusive: Bool, _ hiInclusive: Bool) -> String {
    PercentInterval(lo: lo, hi: hi, loInclusive: loInclusive, hiInclusive: hiInclusive).description
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Where each portfolio and programme stands: the estimate per unit and the last claim.",
        discussion: Examples.text("""
            ustrack status
            ustrack status union-state-2021-2023 --known-at 2023-02-01
            ustrack status --as-of 2022-12-31 --format csv
            """))
    @Argument(help: "A portfolio or programme; all when left out.") var scope: String?
    @OptionGroup var time: TimeOptions
    @OptionGroup var options: CommonOptions

    struct Row: Encodable {
        let scope: String
        let unit: String
        let asOf: String
        let estimateLo: Double
        let estimateHi: Double
        let estimateLoInclusive: Bool
        let estimateHiInclusive: Bool
        let disputed: Bool
        let claims: Int
        let lastClaim: ClaimSummary
        let milestonesReached: Int?
        let milestonesPlanned: Int?
        enum CodingKeys: String, CodingKey {
            case scope, unit, asOf = "as_of", estimateLo = "estimate_lo", estimateHi = "estimate_hi",
                 estimateLoInclusive = "estimate_lo_inclusive", estimateHiInclusive = "estimate_hi_inclusive",
                 disputed, claims, lastClaim = "last_claim", milestonesReached = "milestones_reached",
                 milestonesPlanned = "milestones_planned"
        }
    }

    func run() throws {
        let (session, asOf, knownAt) = try Session.reading(databaseURL: options.databaseURL, time: time, scope: scope)
        let result = try session.run {
            try session.connection.execute("""
                SELECT s.scope, s.unit, s.estimate_lo, s.estimate_hi, s.estimate_lo_inclusive, s.estimate_hi_inclusive,
                       s.disputed, s.claims, s.last_claim_wording, s.last_claim_as_of::text, s.last_claim_speaker,
                       s.last_claim_source, e.milestones_reached, e.milestones_planned
                FROM reporting.status_at($1::date, $2::timestamptz) s
                LEFT JOIN reporting.evidence_at($1::date, $2::timestamptz) e ON e.scope = s.scope
                WHERE $3::text IS NULL OR s.scope = $3
                ORDER BY s.scope, s.unit
                """, [asOf, knownAt, scope])
        }
        let rows = (0..<result.rowCount).map { r in
            Row(scope: result.string(r, 0)!, unit: result.string(r, 1)!, asOf: asOf.description,
                estimateLo: result.double(r, 2)!, estimateHi: result.double(r, 3)!,
                estimateLoInclusive: result.bool(r, 4)!, estimateHiInclusive: result.bool(r, 5)!,
                disputed: result.bool(r, 6)!, claims: result.int(r, 7)!,
                lastClaim: ClaimSummary(wording: result.string(r, 8)!, asOf: result.string(r, 9)!,
                                        speaker: result.string(r, 10), source: result.string(r, 11)!, lo: nil, hi: nil),
                milestonesReached: result.int(r, 12), milestonesPlanned: result.int(r, 13))
        }
        switch options.format {
        case .json: try Output.json(rows)
        case .csv:
            Output.csv([["scope", "unit", "as_of", "estimate_lo", "estimate_hi", "estimate_lo_inclusive", "estimate_hi_inclusive",
                         "disputed", "claims", "last_claim_wording", "last_claim_as_of", "last_claim_speaker", "last_claim_source",
                         "milestones_reached", "milestones_planned"]]
                + rows.map { [$0.scope, $0.unit, $0.asOf, PercentInterval.format($0.estimateLo), PercentInterval.format($0.estimateHi),
                              String($0.estimateLoInclusive), String($0.estimateHiInclusive), String($0.disputed), String($0.claims),
                              $0.lastClaim.wording, $0.lastClaim.asOf, $0.lastClaim.speaker ?? "", $0.lastClaim.source,
                              $0.milestonesReached.map(String.init) ?? "", $0.milestonesPlanned.map(String.init) ?? ""] })
        case .table:
            guard !rows.isEmpty else {
                // A programme without claims may still have milestones: the evidence stands alone.
                let evidence = try scope.flatMap { scope in
                    try session.run {
                        try session.connection.execute("""
                            SELECT milestones_reached || '/' || milestones_planned FROM reporting.evidence_at($1::date, $2::timestamptz)
                            WHERE scope = $3
                            """, [asOf, knownAt, scope]).column().first ?? nil
                    }
                }
                return Output.line("no progress claims\(scope.map { " for \($0)" } ?? "") as of \(asOf)"
                    + (time.knownAt.map { ", recorded by \($0)" } ?? "") + (evidence.map { "; \($0) milestones reached" } ?? "")
                    + " (record a claim with `ustrack progress`)")
            }
            Output.table(["SCOPE", "UNIT", "ESTIMATE %", "CLAIMS", "LAST CLAIM", "EVIDENCE"], rows.map { row in
                [row.scope, row.unit,
                 bracketed(row.estimateLo, row.estimateHi, row.estimateLoInclusive, row.estimateHiInclusive) + (row.disputed ? " disputed" : ""),
                 String(row.claims),
                 "\"\(row.lastClaim.wording)\" (\(row.lastClaim.asOf), \(row.lastClaim.speaker ?? row.lastClaim.source))",
                 row.milestonesPlanned.map { "\(row.milestonesReached ?? 0)/\($0) milestones" } ?? ""]
            })
        }
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "How the estimate of one portfolio or programme moved, claim by claim.",
        discussion: Examples.text("""
            ustrack history union-state-2021-2023
            ustrack history union-state-2021-2023 --known-at 2023-05-23 --format json
            """))
    @Argument(help: "A portfolio or programme.") var scope: String
    @OptionGroup var time: TimeOptions
    @OptionGroup var options: CommonOptions

    struct Point: Encodable {
        let scope: String
        let unit: String
        let date: String
        let estimateLo: Double
        let estimateHi: Double
        let estimateLoInclusive: Bool
        let estimateHiInclusive: Bool
        let disputed: Bool
        var claims: [ClaimSummary]
        enum CodingKeys: String, CodingKey {
            case scope, unit, date, estimateLo = "estimate_lo", estimateHi = "estimate_hi",
                 estimateLoInclusive = "estimate_lo_inclusive", estimateHiInclusive = "estimate_hi_inclusive", disputed, claims
        }
    }

    func run() throws {
        let (session, asOf, knownAt) = try Session.reading(databaseURL: options.databaseURL, time: time, scope: scope)
        let result = try session.run {
            try session.connection.execute("""
                SELECT t.unit, t.date::text, t.estimate_lo, t.estimate_hi, t.estimate_lo_inclusive, t.estimate_hi_inclusive,
                       t.disputed, c.wording, c.speaker, c.source, c.lo, c.hi
                FROM reporting.progress_timeline_at($2::date, $3::timestamptz) t
                JOIN reporting.claims_at($2::date, $3::timestamptz) c ON c.scope = t.scope AND c.unit = t.unit AND c.as_of = t.date
                WHERE t.scope = $1
                ORDER BY t.unit, t.date, c.position
                """, [scope, asOf, knownAt])
        }
        var points: [Point] = []
        for r in 0..<result.rowCount {
            let claim = ClaimSummary(wording: result.string(r, 7)!, asOf: result.string(r, 1)!, speaker: result.string(r, 8),
                                     source: result.string(r, 9)!, lo: result.double(r, 10), hi: result.double(r, 11))
            if let last = points.last, last.unit == result.string(r, 0), last.date == result.string(r, 1) {
                points[points.count - 1].claims.append(claim)
            } else {
                points.append(Point(scope: scope, unit: result.string(r, 0)!, date: result.string(r, 1)!,
                                    estimateLo: result.double(r, 2)!, estimateHi: result.double(r, 3)!,
                                    estimateLoInclusive: result.bool(r, 4)!, estimateHiInclusive: result.bool(r, 5)!,
                                    disputed: result.bool(r, 6)!, claims: [claim]))
            }
        }
        switch options.format {
        case .json: try Output.json(points)
        case .csv:
            Output.csv([["scope", "unit", "date", "estimate_lo", "estimate_hi", "disputed", "wording", "speaker", "source"]]
                + points.flatMap { p in p.claims.map { c in
                    [p.scope, p.unit, p.date, PercentInterval.format(p.estimateLo), PercentInterval.format(p.estimateHi),
                     String(p.disputed), c.wording, c.speaker ?? "", c.source] } })
        case .table:
            guard !points.isEmpty else { return Output.line("no progress claims for \(scope) as of \(asOf)\(time.knownAt.map { ", recorded by \($0)" } ?? "")") }
            Output.table(["UNIT", "DATE", "ESTIMATE %", "CLAIM", "SPEAKER", "SOURCE"], points.flatMap { p in
                p.claims.map { c in
                    [p.unit, p.date, bracketed(p.estimateLo, p.estimateHi, p.estimateLoInclusive, p.estimateHiInclusive) + (p.disputed ? " disputed" : ""),
                     "\"\(c.wording)\"", c.speaker ?? "", c.source]
                }
            })
        }
    }
}

struct ContradictionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contradictions", abstract: "Pairs of claims that cannot both be true, with both statements and sources.",
        discussion: Examples.text("""
            ustrack contradictions
            ustrack contradictions union-state-2021-2023 --format json
            """))
    @Argument(help: "A portfolio or programme; all when left out.") var scope: String?
    @OptionGroup var time: TimeOptions
    @OptionGroup var options: CommonOptions

    struct Row: Encodable {
        let scope: String
        let unit: String
        let kind: String
        let earlier: ClaimSummary
        let later: ClaimSummary
    }

    func run() throws {
        let (session, asOf, knownAt) = try Session.reading(databaseURL: options.databaseURL, time: time, scope: scope)
        let result = try session.run {
            try session.connection.execute("""
                SELECT scope, unit, kind, earlier_wording, earlier_as_of::text, earlier_speaker, earlier_source, earlier_lo, earlier_hi,
                       later_wording, later_as_of::text, later_speaker, later_source, later_lo, later_hi
                FROM reporting.contradictions_at($1::date, $2::timestamptz)
                WHERE $3::text IS NULL OR scope = $3
                """, [asOf, knownAt, scope])
        }
        let rows = (0..<result.rowCount).map { r in
            Row(scope: result.string(r, 0)!, unit: result.string(r, 1)!, kind: result.string(r, 2)!,
                earlier: ClaimSummary(wording: result.string(r, 3)!, asOf: result.string(r, 4)!, speaker: result.string(r, 5),
                                      source: result.string(r, 6)!, lo: result.double(r, 7), hi: result.double(r, 8)),
                later: ClaimSummary(wording: result.string(r, 9)!, asOf: result.string(r, 10)!, speaker: result.string(r, 11),
                                    source: result.string(r, 12)!, lo: result.double(r, 13), hi: result.double(r, 14)))
        }
        switch options.format {
        case .json: try Output.json(rows)
        case .csv:
            Output.csv([["scope", "unit", "kind", "earlier_wording", "earlier_as_of", "earlier_speaker", "earlier_source",
                         "later_wording", "later_as_of", "later_speaker", "later_source"]]
                + rows.map { [$0.scope, $0.unit, $0.kind, $0.earlier.wording, $0.earlier.asOf, $0.earlier.speaker ?? "",
                              $0.earlier.source, $0.later.wording, $0.later.asOf, $0.later.speaker ?? "", $0.later.source] })
        case .table:
            guard !rows.isEmpty else { return Output.line("no contradictions\(scope.map { " for \($0)" } ?? "") as of \(asOf)\(time.knownAt.map { ", recorded by \($0)" } ?? "")") }
            Output.table(["SCOPE", "UNIT", "KIND", "EARLIER", "LATER"], rows.map { row in
                [row.scope, row.unit, row.kind,
                 "\"\(row.earlier.wording)\" (\(row.earlier.asOf), \(row.earlier.speaker ?? row.earlier.source))",
                 "\"\(row.later.wording)\" (\(row.later.asOf), \(row.later.speaker ?? row.later.source))"]
            })
        }
    }
}

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "The raw log, oldest first.",
        discussion: Examples.text("""
            ustrack events --stream portfolio-union-state-2021-2023
            ustrack events --after 100 --limit 20 --format json
            """))
    @Option(help: "Only this stream, e.g. programme-customs.") var stream: String?
    @Option(help: "Only events after this global position.") var after: Int64 = 0
    @Option(help: "At most this many events.") var limit: Int = 100
    @Option(name: .customLong("known-at"), help: "Only events recorded by this time (ISO 8601).") var knownAt: String?
    @OptionGroup var options: CommonOptions

    func validate() throws {
        guard limit > 0 else { throw ArgumentParser.ValidationError("--limit must be a positive number of events") }
        guard after >= 0 else { throw ArgumentParser.ValidationError("--after must be a position, 0 or more") }
    }

    func run() throws {
        let session = try Session(options)
        let known = try TimeOptions.timestamp(knownAt, session.connection)
        let result = try session.run {
            try session.connection.execute("""
                SELECT position, stream, version, event_id, type, recorded_at, data, metadata FROM reporting.events
                WHERE position > $1 AND ($2::text IS NULL OR stream = $2) AND recorded_at <= $3::timestamptz
                ORDER BY position LIMIT $4
                """, [after, stream, known, limit])
        }
        switch options.format {
        case .json:
            let lines = (0..<result.rowCount).map { r in
                "{\"position\":\(result.string(r, 0)!),\"stream\":\(ExportLine.quoted(result.string(r, 1)!)),\"version\":\(result.string(r, 2)!),"
                    + "\"event_id\":\"\(result.string(r, 3)!)\",\"type\":\(ExportLine.quoted(result.string(r, 4)!)),"
                    + "\"recorded_at\":\"\(ExportLine.iso(result.date(r, 5)!))\",\"data\":\(result.string(r, 6)!),\"metadata\":\(result.string(r, 7)!)}"
            }
            Output.line("[" + lines.joined(separator: ",\n") + "]")
        case .csv:
            Output.csv([["position", "stream", "version", "event_id", "type", "recorded_at", "data"]]
                + (0..<result.rowCount).map { r in (0..<7).map { result.string(r, $0) ?? "" } })
        case .table:
            Output.table(["POSITION", "STREAM", "VERSION", "TYPE", "EVENT ID", "RECORDED AT"], (0..<result.rowCount).map { r in
                [result.string(r, 0)!, result.string(r, 1)!, result.string(r, 2)!, result.string(r, 4)!, result.string(r, 3)!,
                 ExportLine.iso(result.date(r, 5)!)]
            })
        }
    }
}
