import ArgumentParser
import Foundation

@main
struct Ustrack: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ustrack",
        abstract: "Track how a portfolio of government programmes is really being implemented.",
        discussion: """
            Every milestone and progress statement is an immutable event in PostgreSQL.
            Without --database-url, DATABASE_URL or PGHOST/PGPORT/PGDATABASE/PGSERVICE, ustrack
            uses a private PostgreSQL cluster under $USTRACK_HOME, started on first use.
            Exit codes: 0 done, 1 other failure, 2 bad input, 3 conflict, 4 database unreachable.
            """,
        version: version,
        subcommands: [
            PortfolioCommand.self, ProgrammeCommand.self, MilestoneCommand.self, SourceCommand.self,
            ProgressCommand.self, RetractCommand.self, ParseCommand.self, ImportCommand.self, ExportCommand.self,
            StatusCommand.self, HistoryCommand.self, ContradictionsCommand.self, EventsCommand.self,
            ChartCommand.self, ReportCommand.self, ProjectionsCommand.self,
            DbCommand.self, DemoCommand.self,
        ]
    )

    /// Parses and runs, mapping failures to the exit codes of DESIGN.md §4: usage errors are 2
    /// (ArgumentParser would say 64), run-time failures carry their own code.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as Failure {
            FileHandleOutput.standardError.write("error: \(failure.message)\n")
            Foundation.exit(failure.code.rawValue)
        } catch {
            switch exitCode(for: error) {
            case .success:
                exit(withError: error)  // --help, --version
            case .validationFailure:
                FileHandleOutput.standardError.write(fullMessage(for: error) + "\n")
                Foundation.exit(Failure.Code.badInput.rawValue)
            default:
                FileHandleOutput.standardError.write("error: \(error)\n")
                Foundation.exit(Failure.Code.failure.rawValue)
            }
        }
    }
}
