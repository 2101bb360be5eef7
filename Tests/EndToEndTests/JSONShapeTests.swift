import Foundation
import TestSupport
import XCTest

/// One shape for machine-readable output: snake_case keys, lowercase ids, ISO dates, in every
/// command's JSON.
final class JSONShapeTests: XCTestCase {
    func testEveryJSONOutputHasSnakeCaseKeysLowercaseIdsAndISODates() throws {
        let conninfo = try TestDatabase.create(name)
        let ustrack = UstrackBinary(database: conninfo)
        XCTAssertEqual(try ustrack.run("demo").status, 0)
        let claim = try ustrack.run("progress", "customs", "2 of 5", "--as-of", "2023-05-17", "--source", "mfa-2023-05-17", "--format", "json")
        XCTAssertEqual(claim.status, 0, claim.stderr)
        // A contradiction, so that its JSON has rows to check.
        XCTAssertEqual(try ustrack.run("progress", "customs", "less than 10 percent", "--as-of", "2023-05-17",
                                       "--source", "mfa-2023-05-17").status, 0)
        let commands: [[String]] = [
            ["status"], ["status", "customs"], ["history", "union-state-2021-2023"], ["contradictions"],
            ["events", "--limit", "100"], ["report"], ["report", "union-state-2021-2023"], ["parse", "more than half"],
            ["search", "Lavrov"], ["projections", "status"], ["db", "status"], ["import", "/dev/null"],
        ]
        var outputs = [(["progress"], claim.stdout)]
        for command in commands {
            let outcome = try ustrack.run(command + ["--format", "json"])
            XCTAssertEqual(outcome.status, 0, "\(command): \(outcome.stderr)")
            outputs.append((command, outcome.stdout))
        }
        for (command, output) in outputs {
            let json = try JSONSerialization.jsonObject(with: Data(output.utf8))
            var problems: [String] = []
            Self.check(json, path: "", problems: &problems)
            XCTAssertEqual(problems, [], "\(command.joined(separator: " ")) --format json")
        }
    }

    private static let snakeCase = try! NSRegularExpression(pattern: "^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
    private static let uuid = try! NSRegularExpression(pattern: "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
    /// Dates written any other way than ISO: 17.05.2023, 5/17/23, or Swift's `Date` description.
    private static let otherDate = try! NSRegularExpression(pattern: #"^\d{1,2}[./]\d{1,2}[./]\d{2,4}$|^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000$"#)

    static func check(_ value: Any, path: String, problems: inout [String]) {
        switch value {
        case let object as [String: Any]:
            for (key, child) in object {
                if snakeCase.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) == nil {
                    problems.append("\(path).\(key): key is not snake_case")
                }
                check(child, path: "\(path).\(key)", problems: &problems)
            }
        case let array as [Any]:
            for (index, child) in array.enumerated() { check(child, path: "\(path)[\(index)]", problems: &problems) }
        case let text as String:
            let range = NSRange(text.startIndex..., in: text)
            for match in uuid.matches(in: text, range: range) {
                let id = (text as NSString).substring(with: match.range)
                if id != id.lowercased() { problems.append("\(path): id \(id) is not lowercase") }
            }
            if otherDate.firstMatch(in: text, range: range) != nil { problems.append("\(path): \(text) is not an ISO date") }
        default: break
        }
    }
}
