import ArgumentParser
import EventStore
import Foundation
import Postgres
import Projections
import Synchronization

struct ProjectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections", abstract: "The tables rebuilt from the log, that reports and SQL clients read.",
        discussion: Examples.text("""
            ustrack projections status
            ustrack projections rebuild
            ustrack projections follow
            """),
        subcommands: [Status.self, Rebuild.self, Follow.self])

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each projection's checkpoint and how far behind the log it is.")
        @OptionGroup var options: CommonOptions

        func run() throws {
            let session = try Session(options)
            let rows = try session.run { try ProjectionRunner(store: session.store).status() }
            switch options.format {
            case .json: try Output.json(rows)
            case .csv: Output.csv([["name", "position", "lag"]] + rows.map { [$0.name, String($0.position), String($0.lag)] })
            case .table:
                Output.table(["PROJECTION", "CHECKPOINT", "LAG (EVENTS)"], rows.map { [$0.name, String($0.position), String($0.lag)] })
            }
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay the whole log into fresh tables and swap them in at once.")
        @Argument(help: "One projection (\(ProjectionRunner.names.joined(separator: ", "))); all when left out.")
        var name: String?
        @OptionGroup var options: CommonOptions

        func validate() throws {
            if let name, !ProjectionRunner.names.contains(name) {
                throw ArgumentParser.ValidationError("no projection named \"\(name)\": choose one of \(ProjectionRunner.names.joined(separator: ", "))")
            }
        }

        func run() throws {
            let session = try Session(options)
            let terminal = isatty(STDERR_FILENO) == 1
            let report = try session.run {
                try ProjectionRunner(store: session.store).rebuild(name) { done, total in
                    guard terminal, done % 5000 == 0 || done == total else { return }
                    let width = 30
                    let filled = total == 0 ? width : width * done / total
                    FileHandleOutput.standardError.write(
                        "\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total) events")
                }
            }
            if terminal { FileHandleOutput.standardError.write("\n") }
            Output.line("rebuilt \(name ?? ProjectionRunner.names.joined(separator: ", ")) from \(report.events) events in "
                + "\(Self.seconds(report.replaying + report.swapping)) s (replay \(Self.seconds(report.replaying)) s, "
                + "swap \(Self.seconds(report.swapping)) s)")
        }

        static func seconds(_ duration: Duration) -> String {
            String(format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        }
    }

    struct Follow: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep the projections current as other processes append; stop with Ctrl-C.",
            discussion: "Wakes on NOTIFY and polls anyway; reconnects when the database goes away.")
        @Option(help: "Seconds between polls when no wake-up comes.") var poll: Double = 1
        @OptionGroup var options: CommonOptions

        func run() throws {
            // It runs for days: a password given with --database-url leaves `ps` now.
            ArgumentScrub.hidePasswords()
            StopSignal.install()
            let target = DatabaseTarget.resolve(options)
            var lastFailure: String?
            while !StopSignal.requested {
                do {
                    let connection = try target.connect()
                    let store = EventStore(connection: connection)
                    if lastFailure != nil { FileHandleOutput.standardError.write("reconnected to \(target)\n") }
                    lastFailure = nil
                    try connection.listen(EventStore.channel)
                    Output.line("following \(target); Ctrl-C stops")
                    while !StopSignal.requested {
                        let applied = try ProjectionRunner(store: store).catchUp()
                        if applied > 0 { Output.line("applied \(applied) event\(applied == 1 ? "" : "s")") }
                        if try connection.waitForNotification(timeout: .milliseconds(Int(poll * 1000))) != nil {
                            while try connection.nextNotification() != nil {}
                        }
                    }
                } catch let error as PostgresError where error.isConnectionProblem {
                    if lastFailure == nil { FileHandleOutput.standardError.write("lost the database (\(error.message)); reconnecting\n") }
                    lastFailure = error.message
                    Thread.sleep(forTimeInterval: 1)
                } catch let failure as Failure where failure.code == .unreachable {
                    if lastFailure == nil { FileHandleOutput.standardError.write("cannot reach the database; retrying every second\n") }
                    lastFailure = failure.message
                    Thread.sleep(forTimeInterval: 1)
                }
            }
            Output.line("stopped")
        }
    }
}

/// Ctrl-C and SIGTERM ask `follow` to stop after its current step instead of killing it mid-transaction.
enum StopSignal {
    private static let flag = Atomic<Bool>(false)

    static var requested: Bool { flag.load(ordering: .relaxed) }

    static func install() {
        let handler: @convention(c) (Int32) -> Void = { _ in StopSignal.flag.store(true, ordering: .relaxed) }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
