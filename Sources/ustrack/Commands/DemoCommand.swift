import ArgumentParser

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Set up the embedded database and show its status.")
    @OptionGroup var options: CommonOptions

    func run() throws {
        let target = DatabaseTarget.resolve(options)
        _ = try target.connect()
        Output.line("ustrack \(Ustrack.version) is ready on \(target) (\(target.origin)).")
        try DbCommand.Status.parse(options.databaseURL.map { ["--database-url", $0] } ?? []).run()
    }
}
