import Foundation
import Reports
import Testing
import Tracker

/// Rules of the renderers that snapshots alone would not name.
struct RendererTests {
    @Test func formatsAreTheFileExtensions() {
        #expect(ReportFormat.allCases.map(\.rawValue) == ["md", "html", "json", "csv"])
    }

    @Test func htmlIsOneSelfContainedPage() {
        let html = ReportRenderer.html(Fixtures.report, charts: .fixed)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<meta charset=\"UTF-8\"/>"))
        #expect(html.contains("@media print"))
        for external in ["<script", "<link", "src=", "@import", "url("] {
            #expect(!html.contains(external), "\(external)")
        }
        #expect(html.components(separatedBy: "<table>").count == html.components(separatedBy: "<caption>").count)
        #expect(html.contains("<th scope=\"col\">") && html.contains("<th scope=\"row\">"))
    }

    @Test func csvRecordsEndInCRLF() {
        let csv = ReportRenderer.csv(Fixtures.report)
        #expect(csv.hasSuffix("\r\n"))
        #expect(csv.split(separator: "\r\n").count == Fixtures.report.claims.count + 1)
        #expect(!csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func csvLeavesTheEstimateEmptyWithoutATimeline() {
        var report = Fixtures.report
        report.timelines = []
        let rows = ReportRenderer.csv(report).split(separator: "\r\n")
        #expect(rows.dropFirst().allSatisfy { $0.hasSuffix(",,,,,") })
    }

    @Test func chartNamesStayUniqueWhenScopesSlugAlike() {
        var report = Fixtures.report
        report.timelines = ["a b", "a-b", "A/B"].map { Timeline(scope: $0, unit: "measures", steps: [], claims: []) }
        report.programmes = []
        report.burnUps = []
        let names = ReportRenderer.markdown(report, chartPrefix: "", charts: .fixed).charts.map(\.name)
        #expect(names == ["timeline-a-b-measures.svg", "timeline-a-b-measures-2.svg", "timeline-a-b-measures-3.svg"])
    }

    @Test func anEmptyReportSaysSo() throws {
        let report = Report(
            title: "Everything", portfolio: nil, scope: nil, asOf: Fixtures.date("2024-01-01"),
            knownAt: "2024-01-01T12:00:00Z", generatedAt: "2024-01-02T00:00:00Z", summary: [], timelines: [],
            programmes: [], burnUps: [], contradictions: [], claims: [], sources: [])
        let markdown = ReportRenderer.markdown(report, chartPrefix: "r", charts: .fixed)
        #expect(markdown.charts.isEmpty)
        #expect(markdown.document.contains("No claims yet."))
        #expect(markdown.document.contains("- **Known at:** 2024-01-01T12:00:00Z"))
        #expect(ReportRenderer.html(report, charts: .fixed).contains("No claims contradict each other."))
        #expect(ReportRenderer.csv(report).split(separator: "\r\n").count == 1)
        #expect(try JSONDecoder().decode(Report.self, from: Data(ReportRenderer.json(report).utf8)) == report)
    }
}
