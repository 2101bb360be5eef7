import EventStore
import Foundation
import Postgres
import Tracker

/// Turns events into rows of its tables. A projector sees every event in (tx, position)
/// order; it writes through `ProjectionWriter`, whose statements run in the transaction that
/// also moves its checkpoint.
protocol Projector {
    /// Its checkpoint is `projection.<name>` in store.checkpoints.
    static var name: String { get }
    /// The tables it owns in schema `projection`.
    static var tables: [String] { get }
    var writer: ProjectionWriter { get }
    init(writer: ProjectionWriter)
    /// Called with the whole batch before `apply` sees its first event: a chance to load what
    /// the batch will need in a few queries rather than a few per event.
    mutating func prepare(_ batch: [(RecordedEvent, TrackerEvent)]) throws
    mutating func apply(_ event: RecordedEvent, _ decoded: TrackerEvent) throws
    /// Called at the end of every batch, before its statements are sent. `more`: this same
    /// instance goes on with the next batch, in the same transaction (or a rebuild's replay,
    /// whose tables nobody reads before the swap), so what the next batch would make again may
    /// wait for it. After a batch without `more`, nothing may wait.
    mutating func finishBatch(more: Bool) throws
}

extension Projector {
    mutating func prepare(_ batch: [(RecordedEvent, TrackerEvent)]) throws {}
}

/// Where a projector's statements go: the live tables, or temporary copies during a rebuild.
/// Statements are collected and sent together in one pipeline round trip.
final class ProjectionWriter {
    /// One value per column, in the columns' order.
    typealias Row = [any PostgresParameter]
    /// New rows of one table, with its columns in their order.
    typealias TableRows = (table: String, columns: [String], rows: [Row])

    let connection: Connection
    /// `projection` or `pg_temp` (a rebuild's fresh tables).
    let schema: String
    private var batch = PipelineBatch()
    /// Rows for `insert(into:)`, by table, in the order tables were first written.
    private var rows: [TableRows] = []
    /// Rows for `insert(afterStatementsInto:)`, by table.
    private var rowsAfter: [TableRows] = []
    /// Whole rows for `upsert(into:)`, by table, the last one per key.
    private var upserts: [(table: String, columns: [String], keyCount: Int, rows: KeyedRows)] = []

    init(connection: Connection, schema: String) {
        self.connection = connection
        self.schema = schema
    }

    func table(_ name: String) -> String { "\(schema).\(name)" }

    /// Prepared on first use: a replay runs the same few statements many thousand times.
    func add(_ sql: String, _ parameters: [any PostgresParameter]) throws {
        if !rowsAfter.isEmpty {
            // They follow the statements before them and precede this one: a few ride in the
            // pipeline, many go by COPY once everything before them is sent.
            if rowsAfter.contains(where: { $0.rows.count >= Self.rowsWorthACopy }) {
                try flush()
            } else {
                batch = batch + (try insertStatements(rowsAfter))
                rowsAfter = []
            }
        }
        batch.add(try connection.prepared(sql), parameters)
    }

    /// A new row for a table that statements only update later, by its key. The rows go out
    /// before the batch's statements, many with one COPY: a statement may need a row inserted
    /// before it (a retraction, its claim), never one inserted after it.
    func insert(into table: String, columns: [String], _ values: Row) {
        Self.append(values, to: &rows, table: table, columns: columns)
    }

    /// A new row that must follow the statements queued before it, as a new version follows
    /// the statement that closes the old one.
    func insert(afterStatementsInto table: String, columns: [String], _ values: Row) {
        Self.append(values, to: &rowsAfter, table: table, columns: columns)
    }

    private static func append(_ row: Row, to rows: inout [TableRows],
                               table: String, columns: [String]) {
        if let index = rows.firstIndex(where: { $0.table == table }) {
            rows[index].rows.append(row)
        } else {
            rows.append((table, columns, [row]))
        }
    }

    /// A whole row for a table whose first `keyCount` columns are its key: it replaces the
    /// row of that key, whether written earlier or still waiting here. Upserts go out before the
    /// batch's statements, so a statement must not depend on running before an upsert.
    func upsert(into table: String, columns: [String], keyCount: Int, _ values: Row) {
        let index = upserts.firstIndex { $0.table == table } ?? {
            upserts.append((table, columns, keyCount, KeyedRows()))
            return upserts.count - 1
        }()
        upserts[index].rows.set(values, key: values[..<keyCount].map { $0.postgresText ?? "" })
    }

    /// Rows queued and not yet sent.
    var queuedRows: Int {
        rows.reduce(0) { $0 + $1.rows.count } + rowsAfter.reduce(0) { $0 + $1.rows.count }
            + upserts.reduce(0) { $0 + $1.rows.rows.count }
    }

    /// Reads need what was queued before them: send it first.
    func query(_ sql: String, _ parameters: [any PostgresParameter]) throws -> QueryResult {
        try flush()
        return try connection.execute(sql, parameters)
    }

    func flush() throws {
        var merges = PipelineBatch()
        for (table, columns, keyCount, keyed) in upserts {
            merges = merges + (try upsertStatements(table, columns: columns, keyCount: keyCount, keyed.rows))
        }
        upserts = []
        batch = merges + batch
        // COPY costs a round trip of its own; a few rows ride in the pipeline instead.
        let (copied, few) = (rows.filter { $0.rows.count >= Self.rowsWorthACopy }, rows.filter { $0.rows.count < Self.rowsWorthACopy })
        let (copiedAfter, fewAfter) = (rowsAfter.filter { $0.rows.count >= Self.rowsWorthACopy },
                                       rowsAfter.filter { $0.rows.count < Self.rowsWorthACopy })
        rows = []
        rowsAfter = []
        try copy(copied)
        batch = (try insertStatements(few)) + batch + (try insertStatements(fewAfter))
        if batch.count > 0 {
            let statements = batch
            batch = PipelineBatch()
            let results = try connection.pipeline { $0 = statements }
            for result in results { _ = try result.get() }
        }
        try copy(copiedAfter)
    }

    /// In binary: neither side turns dates, timestamps, numbers and uuids into text and back,
    /// which took about a fifth of a rebuild's replay when its rows (two an event) went as text.
    private func copy(_ tables: [TableRows]) throws {
        for (table, columns, values) in tables { try copy(values, into: self.table(table), columns: columns) }
    }

    private func copy(_ values: [Row], into table: String, columns: [String]) throws {
        try connection.copyInBinary(into: table, columns: columns) { writer in
            for row in values { try writer.writeRow(row) }
        }
    }

    /// `$1, $2, …` for a statement's `count` values.
    private static func placeholders(_ count: Int) -> String {
        (1...count).map { "$\($0)" }.joined(separator: ", ")
    }

    private func insertStatements(_ tables: [TableRows]) throws -> PipelineBatch {
        var inserts = PipelineBatch()
        for (table, columns, values) in tables {
            let statement = try connection.prepared(
                "INSERT INTO \(self.table(table)) (\(columns.joined(separator: ", "))) VALUES (\(Self.placeholders(columns.count)))")
            for row in values { inserts.add(statement, row) }
        }
        return inserts
    }

    static let rowsWorthACopy = 20

    /// Many rows go through COPY into a temporary table of the same columns, then one INSERT …
    /// ON CONFLICT moves them in; a few go one statement each.
    private func upsertStatements(_ table: String, columns: [String], keyCount: Int, _ values: [Row]) throws -> PipelineBatch {
        let list = columns.joined(separator: ", ")
        let conflict = "ON CONFLICT (\(columns[..<keyCount].joined(separator: ", "))) DO UPDATE SET "
            + columns[keyCount...].map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        var statements = PipelineBatch()
        if values.count >= Self.rowsWorthACopy {
            let staged = "pg_temp.staged_\(table)"
            try connection.execute("CREATE TEMP TABLE IF NOT EXISTS staged_\(table) (LIKE projection.\(table))")
            try copy(values, into: staged, columns: columns)
            statements.add(try connection.prepared("INSERT INTO \(self.table(table)) (\(list)) SELECT \(list) FROM \(staged) \(conflict)"))
            statements.add(try connection.prepared("TRUNCATE \(staged)"))
        } else {
            let statement = try connection.prepared(
                "INSERT INTO \(self.table(table)) (\(list)) VALUES (\(Self.placeholders(columns.count))) \(conflict)")
            for row in values { statements.add(statement, row) }
        }
        return statements
    }
}

/// Rows by key, in the order their keys first came, the last row of each key kept.
struct KeyedRows {
    typealias Row = ProjectionWriter.Row
    private var index: [[String]: Int] = [:]
    private(set) var rows: [Row] = []

    mutating func set(_ row: Row, key: [String]) {
        if let at = index[key] {
            rows[at] = row
        } else {
            index[key] = rows.count
            rows.append(row)
        }
    }
}

/// An event the projections cannot read, where they stopped.
public struct PoisonEvent: Sendable, Hashable, CustomStringConvertible {
    /// The projections that stopped at it, comma-separated.
    public let projection: String
    public let position: Int64
    public let stream: String
    public let type: String
    public let eventId: UUID
    /// Why it cannot be read.
    public let reason: String
    /// Its schema version is newer than this binary knows: a newer ustrack can read it.
    public let newerSchema: Bool

    public init(projection: String, position: Int64, stream: String, type: String, eventId: UUID, reason: String,
                newerSchema: Bool = false) {
        self.projection = projection
        self.position = position
        self.stream = stream
        self.type = type
        self.eventId = eventId
        self.reason = reason
        self.newerSchema = newerSchema
    }

    /// The same stop, for one more projection.
    func joining(_ other: String) -> PoisonEvent {
        PoisonEvent(projection: projection + ", " + other, position: position, stream: stream, type: type,
                    eventId: eventId, reason: reason, newerSchema: newerSchema)
    }

    /// Where it stands and why it cannot be read.
    public var summary: String {
        "event position \(position) (stream \(stream), type \(type), event \(eventId.uuidString.lowercased())): \(reason)"
    }

    /// What gets past it: its retraction, recorded in the log like any other fact.
    public var remedy: String {
        let retract = "record its retraction, `ustrack retract \(eventId.uuidString.lowercased()) --reason \"…\"`, "
            + "and the projections pass over it"
        return newerSchema ? "run the newer ustrack that wrote it, or \(retract)" : retract
    }

    public var description: String {
        "projection \(projection) stopped at \(summary). Nothing from it on was applied. To get past it, \(remedy)."
    }
}

public enum ProjectionError: Error, CustomStringConvertible {
    /// An event the projector cannot read and no retraction withdraws: it stops there rather
    /// than skip it.
    case poison(PoisonEvent)
    case unknownProjection(String)

    public var description: String {
        switch self {
        case .poison(let event):
            return event.description
        case .unknownProjection(let name):
            return "no projection named \"\(name)\": the projections are \(ProjectionRunner.names.joined(separator: ", "))"
        }
    }
}

extension CalendarDate: PostgresParameter {
    public var postgresText: String? { description }

    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        guard type == .date else { return false }
        BinaryField.appendDate(year: year, month: month, day: day, to: &buffer)
        return true
    }
}
