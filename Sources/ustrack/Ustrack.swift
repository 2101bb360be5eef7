import ArgumentParser
import Foundation

@main
struct Ustrack: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ustrack",
        abstract: "Track how a portfolio of government programmes is really being implemented.",
        discussion: """
            Every milestone and progress statement is an immutable event in PostgreSQL; reading \
            commands answer for any date (--as-of) and for what was known at any time (--known-at). \
            Without --database-url, DATABASE_URL or PGHOST/PGDATABASE/PGSERVICE, ustrack uses a \
            private PostgreSQL cluster under $USTRACK_HOME, started on first use.

            Exit codes: 0 done, 1 other failure, 2 bad input (nothing written), 3 conflict, \
            4 database unreachable.

            Shell completion: `ustrack --generate-completion-script bash` (or zsh, fish) prints \
            a script to source or to install, e.g. into /etc/bash_completion.d/ustrack.
            """ + "\n\n" + Examples.text("""
                ustrack demo
                ustrack status --known-at 2023-02-01
                ustrack progress union-state-2021-2023 "about 40%" \\
                  --as-of 2022-06-30 --source mfa-2022-06-30
                ustrack report union-state-2021-2023 --out report.html
                """),
        version: version,
        groupedSubcommands: [
            CommandGroup(name: "Recording", subcommands: [
                PortfolioCommand.self, ProgrammeCommand.self, MilestoneCommand.self, SourceCommand.self,
                ProgressCommand.self, RetractCommand.self, ImportCommand.self,
            ]),
            CommandGroup(name: "Reading", subcommands: [
                StatusCommand.self, HistoryCommand.self, ContradictionsCommand.self, EventsCommand.self,
                ParseCommand.self, ExportCommand.self,
                SearchCommand.self, ExtractCommand.self, VerifyCommand.self,
            ]),
            CommandGroup(name: "Reports", subcommands: [ChartCommand.self, ReportCommand.self, DemoCommand.self]),
            CommandGroup(name: "Database", subcommands: [DbCommand.self, ProjectionsCommand.self]),
        ]
    )

    /// Parses and runs, mapping failures to the exit codes of DESIGN.md §4: usage errors are 2
    /// (ArgumentParser would say 64), run-time failures carry their own code.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            try CommandLineWords.refuseInvalidUTF8()
            try refuseUnknownSubcommand(arguments)
            var command = try CommandLineWords.parse(arguments, with: parseAsRoot)
            try command.run()
        } catch let failure as Failure {
            FileHandleOutput.standardError.write("error: \(EchoedInput.shortened(failure.message, inputs: arguments))\n")
            Foundation.exit(failure.code.rawValue)
        } catch {
            switch exitCode(for: error) {
            case .success:
                exit(withError: error)  // --help, --version
            case .validationFailure:
                FileHandleOutput.standardError.write(EchoedInput.shortened(fullMessage(for: error), inputs: arguments) + "\n")
                Foundation.exit(Failure.Code.badInput.rawValue)
            default:
                FileHandleOutput.standardError.write("error: \(error)\n")
                Foundation.exit(Failure.Code.failure.rawValue)
            }
        }
    }

    /// A mistyped subcommand gets the nearest names, which ArgumentParser does not offer.
    static func refuseUnknownSubcommand(_ arguments: [String]) throws {
        var command: ParsableCommand.Type = Ustrack.self
        var words = ["ustrack"]
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            guard !argument.hasPrefix("-"), !subcommands.isEmpty, argument != "help" else { return }
            guard let next = subcommands.first(where: { $0._commandName == argument }) else {
                let names = subcommands.map { $0._commandName }
                let near = NearestNames.nearest(to: argument, among: names)
                throw Failure.badInput("""
                    `\(words.joined(separator: " "))` has no command "\(argument)"\
                    \(near.isEmpty ? "" : "; did you mean \(near.map { "`\($0)`" }.joined(separator: " or "))?")
                    commands: \(names.joined(separator: ", ")); see `\(words.joined(separator: " ")) --help`
                    """)
            }
            command = next
            words.append(argument)
        }
    }
}
