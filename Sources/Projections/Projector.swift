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
    mutating func apply(_ event: RecordedEvent, _ decoded: TrackerEvent) throws
    /// Called at the end of every batch, before its statements are sent.
    mutating func finishBatch() throws
}

/// Where a projector's statements go: the live tables, or temporary copies during a rebuild.
/// Statements are collected and sent together in one pipeline round trip.
final class ProjectionWriter {
    let connection: Connection
    /// `projection` or `pg_temp` (a rebuild's fresh tables).
    let schema: String
    private var batch = PipelineBatch()
    /// Consecutive rows for one table, sent as one INSERT … SELECT FROM unnest(…).
    private var rows: PendingRows?

    init(connection: Connection, schema: String) {
        self.connection = connection
        self.schema = schema
    }

    func table(_ name: String) -> String { "\(schema).\(name)" }

    func add(_ sql: String, _ parameters: [any PostgresParameter]) {
        emitRows()
        batch.add(sql, parameters)
    }

    /// Queues one row; rows for the same table and columns that follow each other become one
    /// statement, which is what makes replaying many events affordable.
    /// `columns` pairs each column with its SQL type; `suffix` is e.g. an ON CONFLICT clause.
    func insertRow(into table: String, columns: [(name: String, type: String)], _ values: [any PostgresParameter],
                   suffix: String = "") {
        let key = "\(table)|\(columns.map { "\($0.name) \($0.type)" })|\(suffix)"
        if rows?.key != key { emitRows() }
        if rows == nil { rows = PendingRows(key: key, table: table, columns: columns, suffix: suffix) }
        rows!.add(values)
    }

    /// Reads need what was queued before them: send it first.
    func query(_ sql: String, _ parameters: [any PostgresParameter]) throws -> QueryResult {
        try flush()
        return try connection.execute(sql, parameters)
    }

    private func emitRows() {
        guard let pending = rows else { return }
        rows = nil
        let unnest = pending.columns.enumerated().map { "$\($0.offset + 1)::\($0.element.type)[]" }.joined(separator: ", ")
        batch.add("""
            INSERT INTO \(table(pending.table)) (\(pending.columns.map(\.name).joined(separator: ", ")))
            SELECT * FROM unnest(\(unnest)) \(pending.suffix)
            """, pending.values.map { TextArray(elements: $0) })
    }

    func flush() throws {
        emitRows()
        guard batch.count > 0 else { return }
        let statements = batch
        batch = PipelineBatch()
        let results = try connection.pipeline { $0 = statements }
        for result in results { _ = try result.get() }
    }
}

/// Rows waiting to be inserted together, kept column by column.
struct PendingRows {
    let key: String
    let table: String
    let columns: [(name: String, type: String)]
    let suffix: String
    private(set) var values: [[String?]]

    init(key: String, table: String, columns: [(name: String, type: String)], suffix: String) {
        self.key = key
        self.table = table
        self.columns = columns
        self.suffix = suffix
        values = Array(repeating: [], count: columns.count)
    }

    mutating func add(_ row: [any PostgresParameter]) {
        for (index, value) in row.enumerated() { values[index].append(value.postgresText) }
    }
}

/// A column of values already in text form, sent as one array parameter.
struct TextArray: PostgresParameter {
    let elements: [String?]
    var postgresText: String? { elements.postgresText }
}

public enum ProjectionError: Error, CustomStringConvertible {
    /// An event the projector cannot read: it stops there rather than skip it.
    case poison(projection: String, position: Int64, type: String, reason: String)
    case unknownProjection(String)

    public var description: String {
        switch self {
        case let .poison(projection, position, type, reason):
            return "projection \(projection) stopped at event position \(position) (type \(type)): \(reason). Nothing after it was applied; fix or retract the event's cause and run `ustrack projections rebuild`."
        case .unknownProjection(let name):
            return "no projection named \"\(name)\": the projections are \(ProjectionRunner.names.joined(separator: ", "))"
        }
    }
}

extension CalendarDate: PostgresParameter {
    public var postgresText: String? { description }
}
