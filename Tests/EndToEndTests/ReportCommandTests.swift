import ChildProcess
import Foundation
import TestSupport
import XCTest

final class ReportCommandTests: XCTestCase {
    private var folder: URL!
    private var ustrack: UstrackBinary!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-report-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        ustrack = UstrackBinary(database: try TestDatabase.create(name), home: folder.path)
        let demo = try ustrack.run("demo")
        XCTAssertEqual(demo.status, 0, demo.stderr)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The demo's HTML report, opened in a real headless browser and captured to PNG.
    func testTheSampleReportRendersInAHeadlessBrowserWithItsCharts() throws {
        let html = folder.appending(path: "reports/union-state-2021-2023.html")
        let page = try String(contentsOf: html, encoding: .utf8)
        XCTAssertTrue(page.contains("<svg"), "charts are inline")
        XCTAssertFalse(page.lowercased().contains("<script"), "no scripts")

        let png = folder.appending(path: "report.png").path
        let browser = try ChildProcess.run("/usr/bin/chromium", [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,1600",
            "--screenshot=\(png)", html.absoluteString,
        ], mergeOutput: true)
        XCTAssertEqual(browser.status, 0, browser.stdout)
        let stats = try ChildProcess.run("/usr/bin/python3", [
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "png_stats.py").path, png])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["width"] as? Int, 1000)
        XCTAssertGreaterThan(json["inked"] as! Double, 0.03, "the page is not blank")
        XCTAssertGreaterThan(json["coloured"] as! Int, 500, "the charts' coloured marks are drawn")
    }

    func testChartWritesSVGAndDrawsInTheTerminal() throws {
        let svg = folder.appending(path: "progress.svg").path
        let written = try ustrack.run("chart", "union-state-2021-2023", "--svg", svg)
        XCTAssertEqual(written.status, 0, written.stderr)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("<svg") || text.hasPrefix("<?xml"), String(text.prefix(80)))
        XCTAssertTrue(text.contains("more than half of the measures"), "claims carry their wording")

        let ascii = try ustrack.run("chart", "union-state-2021-2023", "--ascii")
        XCTAssertEqual(ascii.status, 0, ascii.stderr)
        XCTAssertTrue(ascii.stdout.unicodeScalars.allSatisfy(\.isASCII), "plain ASCII when not a terminal")
        XCTAssertFalse(ascii.stdout.contains("\u{1B}"), "no colours when not a terminal")
        XCTAssertTrue(ascii.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, ascii.stdout)

        let none = try ustrack.run("chart", "customs")
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("no progress claims for customs"), none.stderr)
    }

    func testReportFormatsCarryTheSameNumbers() throws {
        let json = try ustrack.run("report", "union-state-2021-2023", "--format", "json")
        XCTAssertEqual(json.status, 0, json.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((report["claims"] as? [Any])?.count, 3)

        let csv = try ustrack.run("report", "union-state-2021-2023", "--format", "csv")
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertEqual(csv.stdout.split(whereSeparator: \.isNewline).count, 4, "a header and three claims")
        XCTAssertTrue(csv.stdout.contains("implemented by 70 percent"))

        let markdown = folder.appending(path: "report.md").path
        let md = try ustrack.run("report", "union-state-2021-2023", "--out", markdown)
        XCTAssertEqual(md.status, 0, md.stderr)
        let document = try String(contentsOfFile: markdown, encoding: .utf8)
        let images = document.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first }
            .filter { $0.hasSuffix(".svg") }
        XCTAssertFalse(images.isEmpty, document)
        for image in images {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appending(path: String(image)).path), "\(image) written beside it")
        }
        let past = try ustrack.run("report", "union-state-2021-2023", "--format", "json", "--as-of", "2022-12-31")
        let then = try JSONSerialization.jsonObject(with: Data(past.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((then["claims"] as? [Any])?.count, 1, "--as-of hides what happened later")
    }
}
