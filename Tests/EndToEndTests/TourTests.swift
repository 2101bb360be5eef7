import ChildProcess
import Foundation
import TestSupport
import XCTest

/// The README's tour, run exactly as written after the demo, on a fresh embedded database:
/// the README cannot promise what ustrack does not do.
final class TourTests: XCTestCase {
    struct MissingTour: Error, CustomStringConvertible {
        var description: String { "README.md has no <!-- tour --> … <!-- /tour --> block" }
    }

    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../README.md").standardized

    /// The one `sh` block between `<!-- tour -->` and `<!-- /tour -->`.
    static func tour() throws -> String {
        let text = try String(contentsOf: readme, encoding: .utf8)
        guard let start = text.range(of: "<!-- tour -->\n"), let end = text.range(of: "<!-- /tour -->") else {
            throw MissingTour()
        }
        let block = text[start.upperBound..<end.lowerBound]
        guard block.hasPrefix("```sh\n"), block.hasSuffix("```\n"), block.components(separatedBy: "```").count == 3 else {
            XCTFail("the tour must be one ```sh block:\n\(block)")
            return ""
        }
        return String(block.dropFirst("```sh\n".count).dropLast("```\n".count))
    }

    func testTheReadmeTourRunsAsWrittenAfterTheDemo() throws {
        let tour = try Self.tour()
        XCTAssertTrue(tour.contains("ustrack retract"), tour)

        let folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-tour-\(UUID().uuidString.prefix(8))")
        let home = folder.appending(path: "home")
        let work = folder.appending(path: "work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try tour.write(to: work.appending(path: "tour.sh"), atomically: true, encoding: .utf8)

        var ustrack = UstrackBinary(database: nil, home: home.path)
        for name in ["DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSERVICE", "PGUSER"] {
            ustrack.environment[name] = nil
        }
        // As after scripts/install: `ustrack` is on PATH.
        let bin = URL(fileURLWithPath: ustrack.path).deletingLastPathComponent().path
        ustrack.environment["PATH"] = bin + ":" + (ustrack.environment["PATH"] ?? "/usr/bin:/bin")
        defer { _ = try? ustrack.run("db", "stop") }

        let demo = try ustrack.run("demo")
        XCTAssertEqual(demo.status, 0, demo.stderr)
        let run = try ChildProcess.run("/bin/sh", ["-c", "cd \"$1\" && exec sh -e ./tour.sh", "sh", work.path],
                                       environment: ustrack.environment)
        XCTAssertEqual(run.status, 0, "the tour failed:\n\(run.stdout)\n\(run.stderr)")
        XCTAssertEqual(run.stderr, "", "the tour printed to stderr")

        // Today the retracted claim is gone; known before the fix, it is the one there was.
        let outputs = run.stdout.components(separatedBy: "\nSCOPE ")
        XCTAssertEqual(outputs.count, 3, run.stdout)
        XCTAssertTrue(outputs[1].contains("\"3 of 5\" (2023-03-10"), outputs[1])
        XCTAssertTrue(outputs[2].contains("\"about 60 percent\" (2023-03-01"), outputs[2])
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appending(path: "tour-report.html").path))
        // The note's statement proposed, and its text and the claim's quote checked.
        XCTAssertTrue(run.stdout.contains("by about 60 percent"), run.stdout)
        XCTAssertTrue(run.stdout.contains("verified 1 stored text and 1 quote: all hold"), run.stdout)
    }
}
