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
        let html = folder.appending(path: "reports/sample-report.html")
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
        XCTAssertEqual(then["as_of"] as? String, "2022-12-31", "snake_case keys")
        let ids = ((then["claims"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
        XCTAssertEqual(ids, ids.map { $0.lowercased() }, "lowercase ids")
    }

    /// Markdown to stdout has no chart images, so it leaves nothing behind in the working folder.
    func testReportToStandardOutputWritesNoFiles() throws {
        let workdir = folder.appending(path: "workdir")
        try FileManager.default.createDirectory(at: workdir, withIntermediateDirectories: true)
        for scope in [["union-state-2021-2023"], []] {
            let report = try ChildProcess.run("/bin/sh", ["-c", "cd \"$1\" && shift && exec \"$@\"", "sh", workdir.path,
                                                          ustrack.path, "report"] + scope, environment: ustrack.environment)
            XCTAssertEqual(report.status, 0, report.stderr)
            XCTAssertFalse(report.stdout.contains(".svg"), report.stdout)
            XCTAssertTrue(report.stdout.contains("Charts are not drawn in Markdown written to standard output"))
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: workdir.path), [], "no files written")
        }
    }

    /// What a reader of the sample needs: the estimate in words, the programmes without claims in one
    /// line, the end of the period, and the milestone evidence of the other portfolio.
    func testTheReportSaysWhereThingsStandInWords() throws {
        let portfolio = try ustrack.run("report", "union-state-2021-2023")
        XCTAssertEqual(portfolio.status, 0, portfolio.stderr)
        XCTAssertTrue(portfolio.stdout.contains("at least 70% of the measures of union-state-2021-2023"), portfolio.stdout)
        XCTAssertTrue(portfolio.stdout.contains("No claims yet for 19 programmes"), portfolio.stdout)
        XCTAssertTrue(portfolio.stdout.contains("none was reported complete by the end of its period (2023-12-31)"))
        XCTAssertFalse(portfolio.stdout.contains("| agricultural-policy |"), "no empty programme rows")

        let evidence = try ustrack.run("report", "foreign-policy-2022-2023")
        XCTAssertEqual(evidence.status, 0, evidence.stderr)
        XCTAssertTrue(evidence.stdout.contains("Milestones: 2 of 4 reached (coordinated-foreign-policy)."), evidence.stdout)
        XCTAssertTrue(evidence.stdout.contains("| coordinated-foreign-policy | Russian Consulate General opens in Grodno |"))

        let everything = try ustrack.run("report")
        XCTAssertEqual(everything.status, 0, everything.stderr)
        XCTAssertTrue(everything.stdout.contains("### union-state-2021-2023: "), everything.stdout)
        XCTAssertTrue(everything.stdout.contains("### foreign-policy-2022-2023: "), everything.stdout)
    }

    /// An --out extension ustrack cannot write is refused, naming the formats, before anything is
    /// written; an explicit --format wins over the extension.
    func testAnOutFileOfAnotherFormatIsRefusedUnlessTheFormatIsGiven() throws {
        for name in ["report.pdf", "report.txt", "report.docx"] {
            let out = folder.appending(path: name).path
            let refused = try ustrack.run("report", "union-state-2021-2023", "--out", out)
            XCTAssertEqual(refused.status, 2, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("md, html, json, csv"), refused.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(name) not written")
        }
        let pdf = folder.appending(path: "report.pdf").path
        let html = try ustrack.run("report", "union-state-2021-2023", "--out", pdf, "--format", "html")
        XCTAssertEqual(html.status, 0, html.stderr)
        XCTAssertTrue(try String(contentsOfFile: pdf, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
    }
}
