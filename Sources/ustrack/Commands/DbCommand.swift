import ArgumentParser
import Foundation
import Migrations
import Postgres

struct DbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Set up and inspect the database.",
        discussion: """
            Without --database-url, DATABASE_URL or PGHOST/PGDATABASE/PGSERVICE, ustrack uses an \
            embedded PostgreSQL under $USTRACK_HOME, started on first use.
            """ + "\n\n" + Examples.text("""
                ustrack db status
                ustrack db migrate --database-url postgresql:///ustrack
                ustrack db stop
                """),
        subcommands: [Migrate.self, Status.self, Start.self, Stop.self]
    )

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the schema changes this ustrack carries that the database lacks.")
        @OptionGroup var options: CommonOptions

        func run() throws {
            let target = DatabaseTarget.resolve(options)
            let connection = try target.connect(migrate: false)
            let applied = try withFailures(target) { try Migrator.migrate(connection) }
            let version = try Migrator.currentVersion(connection) ?? 0
            switch options.format {
            case .json:
                try Output.json(MigrateReport(applied: applied.map { "\($0.version) \($0.name)" }, schemaVersion: version))
            case .csv:
                Output.csv([["version", "name"]] + applied.map { [String($0.version), $0.name] })
            case .table:
                for migration in applied { Output.line("applied \(String(format: "%04d", migration.version)) \(migration.name)") }
                Output.line(applied.isEmpty ? "schema is up to date (version \(version))" : "schema is now at version \(version)")
            }
        }

        struct MigrateReport: Encodable {
            let applied: [String]
            let schemaVersion: Int
            enum CodingKeys: String, CodingKey { case applied, schemaVersion = "schema_version" }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the server, schema version, events, reader lag and what holds readers back.")
        @OptionGroup var options: CommonOptions

        func run() throws {
            let target = DatabaseTarget.resolve(options)
            let connection = try target.connect()
            let status = try withFailures(target) { try DatabaseStatus.read(connection, target: target) }
            switch options.format {
            case .json: try Output.json(status)
            case .csv: Output.csv([["field", "value"]] + status.fields.map { [$0.0, $0.1] })
            case .table: Output.fields(status.fields)
            }
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the embedded database (created on first use under $USTRACK_HOME).")
        @OptionGroup var options: CommonOptions

        func run() throws {
            let target = DatabaseTarget.resolve(options)
            guard let embedded = target.embedded else {
                throw Failure.badInput("""
                    ustrack is set to use another database (\(target.origin)); `db start` manages only \
                    the embedded one. Unset --database-url, DATABASE_URL and PGHOST/PGPORT/PGDATABASE/PGSERVICE to use it.
                    """)
            }
            let done = try withFailures(target) { try embedded.start() }
            _ = try target.connect()
            for step in done { Output.line(step) }
            Output.line("the embedded database is running: \(embedded.conninfo)")
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded database.")
        @OptionGroup var options: CommonOptions

        func run() throws {
            let target = DatabaseTarget.resolve(options)
            guard let embedded = target.embedded else {
                throw Failure.badInput("ustrack is set to use another database (\(target.origin)); `db stop` stops only the embedded one.")
            }
            Output.line(try withFailures(target) { try embedded.stop() }
                ? "stopped the embedded database in \(embedded.dataDirectory.path)"
                : "the embedded database is not running")
        }
    }
}

/// Runs database work, turning lower layers' errors into what the CLI reports.
func withFailures<T>(_ target: DatabaseTarget, _ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw Failure.from(error, target: target) }
}
