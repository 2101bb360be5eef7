import ArgumentParser
import Foundation
import Postgres
import Tracker

/// The two times of DESIGN.md §1 that reading commands take.
struct TimeOptions: ParsableArguments {
    @Option(name: .customLong("as-of"), help: "Describe the world as it was up to this date (YYYY-MM-DD). Default: today.")
    var asOf: String?

    @Option(name: .customLong("known-at"),
            help: "Use only what had been recorded by this time (ISO 8601, e.g. 2023-05-18T12:00:00Z; a date alone means its start, UTC). Default: now.")
    var knownAt: String?

    func asOfDate() throws -> CalendarDate {
        guard let asOf else { return CalendarDate(Date(), in: .current) }
        do { return try CalendarDate(parsing: asOf) } catch { throw Failure.badInput("--as-of: \(error)") }
    }

    /// Checked by PostgreSQL, which reads every ISO form; returned as text for a timestamptz parameter.
    func knownAtTimestamp(_ connection: Connection) throws -> String {
        try Self.timestamp(knownAt, connection)
    }

    static func timestamp(_ knownAt: String?, _ connection: Connection) throws -> String {
        guard let knownAt else { return "now" }
        do {
            return try connection.execute("SELECT $1::timestamptz::text", knownAt).string(0, 0)!
        } catch let error as PostgresError where error.sqlState?.rawValue.hasPrefix("22") == true {
            throw Failure.badInput("--known-at \"\(knownAt)\" is not a time: give ISO 8601 such as 2023-05-18T12:00:00Z or 2023-05-18")
        }
    }
}
