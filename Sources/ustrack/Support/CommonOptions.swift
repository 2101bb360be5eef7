import ArgumentParser

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Options every command accepts after its name.
struct CommonOptions: ParsableArguments {
    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    @Option(name: .customLong("database-url"),
            help: "A PostgreSQL URL or conninfo string. Default: DATABASE_URL, then PGHOST/PGDATABASE/PGSERVICE, else the embedded database.")
    var databaseURL: String?
}
