import ChildProcess
import Foundation
import TestSupport
import XCTest

/// What ustrack writes goes where the path names, text leaves it safe, and bad input gets a
/// message that says what was wrong.
final class OutputSafetyTests: XCTestCase {
    private var folder: URL!
    private var ustrack: UstrackBinary!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-safety-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        ustrack = UstrackBinary(database: try TestDatabase.create(name), home: folder.path)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func write(_ lines: [String], to name: String, in directory: URL? = nil) throws -> String {
        let url = (directory ?? folder).appending(path: name)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private let hostileSpeaker = "=HYPERLINK(\"https://evil.example/?x\",\"click\")"
    private let escapeTitle = "Red \u{1B}[31mtitle\u{1B}]0;owned\u{7} \u{9B}2J end"

    /// A portfolio whose title and a claim whose speaker carry a terminal escape and a formula.
    private func loadHostile() throws {
        let file = try write([
            #"{"command": "portfolio define", "id": "p1", "title": "\#(escapeTitle.jsonEscaped)", "programmes": 1}"#,
            #"{"command": "source add", "id": "s1", "title": "\#(escapeTitle.jsonEscaped)", "published-on": "2023-05-17"}"#,
            #"{"command": "progress", "scope": "p1", "wording": "40 percent", "as-of": "2023-05-17", "source": "s1", "speaker": "\#(hostileSpeaker.jsonEscaped)"}"#,
        ], to: "hostile.ndjson")
        let imported = try ustrack.run("import", file)
        XCTAssertEqual(imported.status, 0, imported.stderr)
    }

    // MARK: --out and --svg write to what the path names

    private func makeDevice(_ name: String, minor: Int) throws -> String {
        guard getuid() == 0 else { throw XCTSkip("mknod needs root: run the tests as root to cover device files") }
        let path = folder.appending(path: name).path
        let made = try ChildProcess.run("/usr/bin/mknod", [path, "c", "1", String(minor)], mergeOutput: true)
        guard made.status == 0 else { throw XCTSkip("mknod is not allowed here: \(made.stdout)") }
        return path
    }

    private func isCharacterDevice(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR
    }

    func testOutToANullDeviceWritesIntoItAndLeavesItADevice() throws {
        let null = try makeDevice("null", minor: 3)
        try loadHostile()
        for arguments in [["export", "--out", null], ["report", "--out", null, "--format", "html"],
                          ["report", "p1", "--out", null, "--format", "md"], ["chart", "p1", "--svg", null]] {
            let outcome = try ustrack.run(arguments)
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(isCharacterDevice(null), "\(arguments) replaced the device with a file")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("null") }
        XCTAssertEqual(left, ["null"], "no chart files or temporary files beside a device")
    }

    func testOutToAFullDeviceFailsNamingThePath() throws {
        let full = try makeDevice("full", minor: 7)
        try loadHostile()
        for arguments in [["export", "--out", full], ["report", "--out", full, "--format", "json"], ["chart", "p1", "--svg", full]] {
            let outcome = try ustrack.run(arguments)
            XCTAssertEqual(outcome.status, 1, "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(full), outcome.stderr)
            XCTAssertTrue(outcome.stderr.lowercased().contains("no space left"), outcome.stderr)
            XCTAssertTrue(isCharacterDevice(full))
        }
    }

    func testOutFollowsASymlinkAndKeepsTheTargetsPermissions() throws {
        try loadHostile()
        let target = folder.appending(path: "real.ndjson").path
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        XCTAssertEqual(chmod(target, 0o640), 0)
        let link = folder.appending(path: "link.ndjson").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.ndjson")

        let outcome = try ustrack.run("export", "--out", link)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), "real.ndjson", "still a link")
        let written = try String(contentsOfFile: target, encoding: .utf8)
        XCTAssertEqual(written.split(separator: "\n").count, 3)
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o640)

        let svgLink = folder.appending(path: "chart.svg").path
        try FileManager.default.createSymbolicLink(atPath: svgLink, withDestinationPath: "real.svg")
        let chart = try ustrack.run("chart", "p1", "--svg", svgLink)
        XCTAssertEqual(chart.status, 0, chart.stderr)
        XCTAssertTrue(try String(contentsOfFile: folder.appending(path: "real.svg").path, encoding: .utf8).contains("<svg"))
        XCTAssertNotNil(try? FileManager.default.destinationOfSymbolicLink(atPath: svgLink))
    }

    func testOutToADirectoryIsBadInput() throws {
        try loadHostile()
        for arguments in [["export", "--out", folder.path], ["report", "--out", folder.path, "--format", "html"],
                          ["chart", "p1", "--svg", folder.path]] {
            let outcome = try ustrack.run(arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("is a directory"), outcome.stderr)
        }
    }

    // MARK: import files stay in their folder

    func testAnImportLineMayNameOnlyFilesInItsOwnFolder() throws {
        let inner = folder.appending(path: "inner")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
        try "a secret".write(to: folder.appending(path: "secret.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: inner.appending(path: "alias.txt").path,
                                                   withDestinationPath: "../secret.txt")
        let portfolio = #"{"command": "portfolio define", "id": "p1", "title": "P", "programmes": 1}"#
        for file in ["../secret.txt", "alias.txt", "/etc/passwd"] {
            let path = try write([portfolio, #"{"command": "source add", "id": "s1", "title": "S", "published-on": "2023-05-17", "file": "\#(file)"}"#],
                                 to: "lines.ndjson", in: inner)
            let outcome = try ustrack.run("import", path)
            XCTAssertEqual(outcome.status, 2, "\(file): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains("line 2"), outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("--allow-files-outside"), outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("outside"), outcome.stderr)
        }
        let events = try ustrack.run("events", "--format", "json")
        XCTAssertEqual(events.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "[]", "nothing was imported")

        let allowed = try ustrack.run("import", inner.appending(path: "lines.ndjson").path, "--allow-files-outside")
        XCTAssertEqual(allowed.status, 0, allowed.stderr)

        try "inside".write(to: inner.appending(path: "note.txt"), atomically: true, encoding: .utf8)
        let path = try write([#"{"command": "source add", "id": "s2", "title": "S", "published-on": "2023-05-17", "file": "./sub/../note.txt"}"#],
                             to: "ok.ndjson", in: inner)
        try FileManager.default.createDirectory(at: inner.appending(path: "sub"), withIntermediateDirectories: true)
        let inside = try ustrack.run("import", path)
        XCTAssertEqual(inside.status, 0, inside.stderr)
    }

    // MARK: text leaves ustrack safe

    func testCSVCellsThatWouldBeFormulasAreNeutralised() throws {
        try loadHostile()
        let status = try ustrack.run("status", "--format", "csv")
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("\"'=HYPERLINK("), status.stdout)
        XCTAssertFalse(status.stdout.contains(",\"=HYPERLINK("), status.stdout)
        let report = try ustrack.run("report", "--format", "csv")
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stdout.contains("\"'=HYPERLINK("), report.stdout)
        XCTAssertFalse(report.stdout.contains(",\"=HYPERLINK("), report.stdout)
    }

    func testTerminalEscapesInStoredTextAreShownNotSent() throws {
        try loadHostile()
        for arguments in [["status"], ["status", "p1"], ["history", "p1"], ["chart", "p1"], ["report", "--format", "md"]] {
            let outcome = try ustrack.run(arguments)
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
            XCTAssertFalse(outcome.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" || $0 == "\u{9B}" },
                           "\(arguments) sent a control character: \(outcome.stdout.debugDescription)")
        }
        let report = try ustrack.run("report", "--format", "md")
        XCTAssertTrue(report.stdout.contains("␛"), report.stdout)
        let html = try ustrack.run("report", "--format", "html")
        XCTAssertFalse(html.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" || $0 == "\u{9B}" })
    }

    func testInvalidUTF8OnTheCommandLineIsRefusedNamingItsPosition() throws {
        let outcome = try ChildProcess.run("/bin/sh", ["-c", #"exec "$0" parse "$(printf 'abc\377')""#, ustrack.path],
                                           environment: ustrack.environment)
        XCTAssertEqual(outcome.status, 2, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("argument 2"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("UTF-8"), outcome.stderr)
    }

    // MARK: messages about input

    func testAWordingThatStartsWithADashIsReadAsTheWording() throws {
        let parse = try ustrack.run("parse", "-5 percent")
        XCTAssertEqual(parse.status, 2)
        XCTAssertTrue(parse.stderr.contains("negative"), parse.stderr)
        XCTAssertFalse(parse.stderr.contains("Missing expected argument"), parse.stderr)

        try loadHostile()
        let progress = try ustrack.run("progress", "p1", "-5 percent", "--as-of", "2023-05-17", "--source", "s1")
        XCTAssertEqual(progress.status, 2)
        XCTAssertTrue(progress.stderr.contains("negative"), progress.stderr)
        let note = try ustrack.run("progress", "p1", "50 percent", "--as-of", "2023-05-17", "--source", "s1", "--note", "-5 points since May")
        XCTAssertEqual(note.status, 0, note.stderr)
        let unknown = try ustrack.run("parse", "--frobnicate")
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("--frobnicate"), unknown.stderr)
    }

    func testAHugeWordingIsCutInTheMessage() throws {
        let wording = String(repeating: "x", count: 2_000_000)
        let file = try write([#"{"command": "progress", "scope": "p1", "wording": "\#(wording)", "as-of": "2023-05-17", "source": "s1"}"#],
                             to: "huge.ndjson")
        let outcome = try ustrack.run("import", file)
        XCTAssertEqual(outcome.status, 2)
        XCTAssertLessThan(outcome.stderr.utf8.count, 4000, String(outcome.stderr.prefix(300)))
        XCTAssertTrue(outcome.stderr.contains("2000000 characters"), String(outcome.stderr.prefix(1000)))
    }

    func testJSONTheParserCannotTakeIsExplained() throws {
        let deep = String(repeating: #"{"a":"#, count: 1000) + "1" + String(repeating: "}", count: 1000)
        let cases: [(String, String)] = [
            (deep, "nested"),
            (#"{"command": "portfolio define", "id": "p1", "title": "P", "programmes": 1e400}"#, "out of range"),
            (#"{"command": "portfolio define", "id": "p1", "title": "P", "title": "Q"}"#, "\"title\" twice"),
        ]
        for (line, expected) in cases {
            let outcome = try ustrack.run("import", try write([line], to: "bad.ndjson"))
            XCTAssertEqual(outcome.status, 2, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains(expected), "\(expected): \(outcome.stderr.prefix(500))")
            XCTAssertFalse(outcome.stderr.contains("not a JSON object"), String(outcome.stderr.prefix(500)))
        }
        let nested = try ustrack.run("import", try write([#"{"command": "portfolio define", "id": "p1", "title": "P", "x": {"a": 1, "b": {"a": 2}}}"#], to: "ok.ndjson"))
        XCTAssertFalse(nested.stderr.contains("twice"), "the same key in different objects is fine: \(nested.stderr)")
    }

    func testImportingADirectorySaysSo() throws {
        let outcome = try ustrack.run("import", folder.path)
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.stderr.contains("is a directory: give an NDJSON file"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("NSCocoaErrorDomain"), outcome.stderr)
    }
}

private extension String {
    /// The text as the inside of a JSON string.
    var jsonEscaped: String {
        let data = try! JSONSerialization.data(withJSONObject: [self], options: [.withoutEscapingSlashes])
        let text = String(decoding: data, as: UTF8.self)
        return String(text.dropFirst(2).dropLast(2))
    }
}
