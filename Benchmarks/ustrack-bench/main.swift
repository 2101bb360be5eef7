import Foundation

do {
    let options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
    if options.showHelp {
        print(Options.usage)
        exit(0)
    }
    if let (form, count) = options.singleUserInput {
        print(SingleUserInput.text(form, count: count), terminator: "")
        exit(0)
    }
    let bench = try Bench(options: options)
    let report: String
    if let python = options.peersPython {
        report = try bench.peers(python: python).text
    } else {
        try bench.run()
        report = Report(environment: try bench.environment(), rows: bench.rows, notes: bench.notes).text
    }
    print(report, terminator: "")
    let output = URL(fileURLWithPath: options.output)
    try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
    try report.write(to: output, atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("ustrack-bench: \(error)\n".utf8))
    exit(1)
}
