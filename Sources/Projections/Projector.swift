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

    init(connection: Connection, schema: String) {
        self.connection = connection
        self.schema = schema
    }

    func table(_ name: String) -> String { "\(schema).\(name)" }

    /// Prepared on first use: a replay runs the same few statements many thousand times.
    func add(_ sql: String, _ parameters: [any PostgresParameter]) throws {
        batch.add(try connection.prepared(sql), parameters)
    }

    /// Reads need what was queued before them: send it first.
    func query(_ sql: String, _ parameters: [any PostgresParameter]) throws -> QueryResult {
        try flush()
        return try connection.execute(sql, parameters)
    }

    func flush() throws {
        guard batch.count > 0 else { return }
        let statements = batch
        batch = PipelineBatch()
        let results = try connection.pipeline { $0 = statements }
        for result in results { _ = try result.get() }
    }
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
