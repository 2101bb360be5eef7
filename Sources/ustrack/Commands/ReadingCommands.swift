import ArgumentParser
import Foundation
import Postgres
import Tracker

typealias ClaimSummary = ReportingQueries.ClaimSummary

extension ClaimSummary {
    /// `"wording" (as of, speaker or source)`, as tables cite a claim.
    var cited: String { "\"\(wording)\" (\(asOf), \(speaker ?? source))" }
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

    typealias Row = ReportingQueries.StatusRow

    static let csv: [Column<Row>] = [
        Column("scope") { $0.scope }, Column("unit") { $0.unit }, Column("as_of") { $0.asOf.description },
        Column("estimate_lo") { PercentInterval.format($0.estimateLo) }, Column("estimate_hi") { PercentInterval.format($0.estimateHi) },
        Column("estimate_lo_inclusive") { String($0.estimateLoInclusive) },
        Column("estimate_hi_inclusive") { String($0.estimateHiInclusive) },
        Column("disputed") { String($0.disputed) }, Column("claims") { String($0.claims) },
        Column("last_claim_wording") { $0.lastClaim.wording }, Column("last_claim_as_of") { $0.lastClaim.asOf.description },
        Column("last_claim_speaker") { $0.lastClaim.speaker ?? "" }, Column("last_claim_source") { $0.lastClaim.source },
        Column("milestones_reached") { $0.milestonesReached.map(String.init) ?? "" },
        Column("milestones_planned") { $0.milestonesPlanned.map(String.init) ?? "" },
    ]

    static let table: [Column<Row>] = [
        Column("SCOPE") { $0.scope }, Column("UNIT") { $0.unit },
        Column("ESTIMATE %") {
            bracketed($0.estimateLo, $0.estimateHi, $0.estimateLoInclusive, $0.estimateHiInclusive) + ($0.disputed ? " disputed" : "")
        },
        Column("CLAIMS") { String($0.claims) }, Column("LAST CLAIM") { $0.lastClaim.cited },
        Column("EVIDENCE") { row in row.milestonesPlanned.map { "\(row.milestonesReached ?? 0)/\($0) milestones" } ?? "" },
    ]

    func run() throws {
        let (session, asOf, knownAt) = try Session.reading(databaseURL: options.databaseURL, time: time, scope: scope)
        let rows = try session.run { try session.queries.status(asOf: asOf, knownAt: knownAt, scope: scope) }
        try Output.rows(rows, as: options.format, csv: Self.csv, table: Self.table) {
            // A programme without claims may still have milestones: the evidence stands alone.
            let evidence = try scope.flatMap { scope in
                try session.run { try session.queries.evidence(asOf: asOf, knownAt: knownAt, scope: scope) }
            }.flatMap { evidence in
                evidence.milestonesReached.flatMap { reached in evidence.milestonesPlanned.map { "\(reached)/\($0)" } }
            }
            return "no progress claims\(scope.map { " for \($0)" } ?? "") as of \(asOf)"
                + (time.knownAt.map { ", recorded by \($0)" } ?? "") + (evidence.map { "; \($0) milestones reached" } ?? "")
                + " (record a claim with `ustrack progress`)"
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

    /// A step of the timeline with the claims made on its date.
    struct Point: Encodable {
        let scope: String
        let unit: String
        let date: CalendarDate
        let estimateLo: Double
        let estimateHi: Double
        let estimateLoInclusive: Bool
        let estimateHiInclusive: Bool
        let disputed: Bool
        var claims: [ClaimSummary]
    }

    /// One line per claim.
    typealias Line = (point: Point, claim: ClaimSummary)

    static let csv: [Column<Line>] = [
        Column("scope") { $0.point.scope }, Column("unit") { $0.point.unit }, Column("date") { $0.point.date.description },
        Column("estimate_lo") { PercentInterval.format($0.point.estimateLo) },
        Column("estimate_hi") { PercentInterval.format($0.point.estimateHi) },
        Column("disputed") { String($0.point.disputed) }, Column("wording") { $0.claim.wording },
        Column("speaker") { $0.claim.speaker ?? "" }, Column("source") { $0.claim.source },
    ]

    static let table: [Column<Line>] = [
        Column("UNIT") { $0.point.unit }, Column("DATE") { $0.point.date.description },
        Column("ESTIMATE %") { line in
            let p = line.point
            return bracketed(p.estimateLo, p.estimateHi, p.estimateLoInclusive, p.estimateHiInclusive) + (p.disputed ? " disputed" : "")
        },
        Column("CLAIM") { "\"\($0.claim.wording)\"" }, Column("SPEAKER") { $0.claim.speaker ?? "" }, Column("SOURCE") { $0.claim.source },
    ]

    func run() throws {
        let (session, asOf, knownAt) = try Session.reading(databaseURL: options.databaseURL, time: time, scope: scope)
        let rows = try session.run { try session.queries.history(scope: scope, asOf: asOf, knownAt: knownAt) }
        var points: [Point] = []
        for row in rows {
            if let last = points.last, last.unit == row.unit, last.date == row.date {
                points[points.count - 1].claims.append(row.claim)
            } else {
                points.append(Point(scope: scope, unit: row.unit, date: row.date, estimateLo: row.estimateLo, estimateHi: row.estimateHi,
                                    estimateLoInclusive: row.estimateLoInclusive, estimateHiInclusive: row.estimateHiInclusive,
                                    disputed: row.disputed, claims: [row.claim]))
            }
        }
        let lines = points.flatMap { point in point.claims.map { (point: point, claim: $0) } }
        try Output.rows(lines, json: points, as: options.format, csv: Self.csv, table: Self.table) {
            "no progress claims for \(scope) as of \(asOf)\(time.knownAt.map { ", recorded by \($0)" } ?? "")"
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

    typealias Row = ReportingQueries.ContradictionRow

    static let csv: [Column<Row>] = [
        Column("scope") { $0.scope }, Column("unit") { $0.unit }, Column("kind") { $0.kind },
        Column("earlier_wording") { $0.earlier.wording }, Column("earlier_as_of") { $0.earlier.asOf.description },
        Column("earlier_speaker") { $0.earlier.speaker ?? "" }, Column("earlier_source") { $0.earlier.source },
        Column("later_wording") { $0.later.wording }, Column("later_as_of") { $0.later.asOf.description },
        Column("later_speaker") { $0.later.speaker ?? "" }, Column("later_source") { $0.later.source },
    ]

    static let table: [Column<Row>] = [
        Column("SCOPE") { $0.scope }, Column("UNIT") { $0.unit }, Column("KIND") { $0.kind },
        Column("EARLIER") { $0.earlier.cited }, Column("LATER") { $0.later.cited },
    ]

    func run() throws {
        let (session, asOf, knownAt) = try Session.reading(databaseURL: options.databaseURL, time: time, scope: scope)
        let rows = try session.run { try session.queries.contradictions(asOf: asOf, knownAt: knownAt, scope: scope) }
        try Output.rows(rows, as: options.format, csv: Self.csv, table: Self.table) {
            "no contradictions\(scope.map { " for \($0)" } ?? "") as of \(asOf)\(time.knownAt.map { ", recorded by \($0)" } ?? "")"
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

    typealias Row = ReportingQueries.EventRow

    /// An event as `--format json` prints it: the stored `data` and `metadata` as JSON, not text.
    struct Line: Encodable {
        let position: Int64
        let stream: String
        let version: Int64
        let eventId: String
        let type: String
        let recordedAt: String
        let data: JSONValue
        let metadata: JSONValue
        enum CodingKeys: String, CodingKey {
            case position, stream, version, eventId = "event_id", type, recordedAt = "recorded_at", data, metadata
        }

        init(_ row: Row) throws {
            position = row.position
            stream = row.stream
            version = row.version
            eventId = row.eventId.uuidString.lowercased()
            type = row.type
            recordedAt = ExportLine.iso(row.recordedAt.date)
            data = try JSONValue(parsing: row.data)
            metadata = try JSONValue(parsing: row.metadata)
        }
    }

    static let csv: [Column<Row>] = [
        Column("position") { String($0.position) }, Column("stream") { $0.stream }, Column("version") { String($0.version) },
        Column("event_id") { $0.eventId.uuidString.lowercased() }, Column("type") { $0.type },
        Column("recorded_at") { $0.recordedAt.description }, Column("data") { $0.data },
    ]

    static let table: [Column<Row>] = [
        Column("POSITION") { String($0.position) }, Column("STREAM") { $0.stream }, Column("VERSION") { String($0.version) },
        Column("TYPE") { $0.type }, Column("EVENT ID") { $0.eventId.uuidString.lowercased() },
        Column("RECORDED AT") { ExportLine.iso($0.recordedAt.date) },
    ]

    func run() throws {
        let session = try Session(options)
        let known = try TimeOptions.timestamp(knownAt, session.connection)
        let rows = try session.run { try session.queries.events(after: after, stream: stream, knownAt: known, limit: limit) }
        switch options.format {
        case .json:
            // One event a line; keys sorted, as JSONEncoder keeps no order otherwise.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let lines = try rows.map { String(decoding: try encoder.encode(try Line($0)), as: UTF8.self) }
            Output.line("[" + lines.joined(separator: ",\n") + "]")
        case .csv: Output.csv(rows, Self.csv)
        case .table: Output.table(rows, Self.table)
        }
    }
}
