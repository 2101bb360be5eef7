import Foundation
import TestSupport
import XCTest

/// Help is part of the product: grouped, with examples, and a mistyped command gets a suggestion.
final class HelpTests: XCTestCase {
    private let ustrack = UstrackBinary(database: nil, home: "/nonexistent/help-needs-no-database")

    func testTheRootHelpGroupsCommandsAndNamesCompletionAndVersion() throws {
        let help = try ustrack.run("--help")
        XCTAssertEqual(help.status, 0, help.stderr)
        for group in ["RECORDING SUBCOMMANDS:", "READING SUBCOMMANDS:", "REPORTS SUBCOMMANDS:", "DATABASE SUBCOMMANDS:",
                      "Examples:", "--generate-completion-script", "Exit codes:"] {
            XCTAssertTrue(help.stdout.contains(group), "root help lacks \(group):\n\(help.stdout)")
        }
        let version = try ustrack.run("--version")
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, version.stdout)
        let completion = try ustrack.run("--generate-completion-script", "bash")
        XCTAssertEqual(completion.status, 0, completion.stderr)
        XCTAssertTrue(completion.stdout.contains("contradictions"), completion.stdout)
    }

    func testEveryCommandsHelpShowsAnExample() throws {
        let commands = [
            "portfolio define", "portfolio revise", "programme add", "programme complete", "milestone add",
            "milestone reach", "source add", "progress", "retract", "import", "export", "parse", "search", "status", "history",
            "contradictions", "events", "chart", "report", "demo", "db", "projections",
        ]
        for command in commands {
            let help = try ustrack.run(command.split(separator: " ").map(String.init) + ["--help"])
            XCTAssertEqual(help.status, 0, "\(command): \(help.stderr)")
            XCTAssertTrue(help.stdout.contains("Examples:\n  ustrack ") && help.stdout.contains("  ustrack \(command)"),
                          "\(command) --help has no example:\n\(help.stdout)")
        }
    }

    func testAMistypedCommandIsAnsweredWithTheNearestOnes() throws {
        let root = try ustrack.run("stauts")
        XCTAssertEqual(root.status, 2)
        XCTAssertTrue(root.stderr.contains(#"has no command "stauts"; did you mean `status`?"#), root.stderr)
        let nested = try ustrack.run("programme", "ad", "customs")
        XCTAssertEqual(nested.status, 2)
        XCTAssertTrue(nested.stderr.contains("did you mean `add`?"), nested.stderr)
        XCTAssertTrue(nested.stderr.contains("see `ustrack programme --help`"), nested.stderr)
        let far = try ustrack.run("zzzzzz")
        XCTAssertEqual(far.status, 2)
        XCTAssertFalse(far.stderr.contains("did you mean"), far.stderr)
        XCTAssertTrue(far.stderr.contains("commands: portfolio, programme"), far.stderr)
    }
}
