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

    @Test func aQuotedClaimShowsItsQuoteInTheClaimsTableAndEveryFormat() throws {
        var report = Fixtures.report
        let markdownBefore = ReportRenderer.markdown(report, chartPrefix: nil, charts: .fixed).document
        #expect(!markdownBefore.contains("| Quote |"), "no quote column while no claim has a quote")
        report.claims[0].quote = "40 percent of them have been implemented"
        let markdown = ReportRenderer.markdown(report, chartPrefix: nil, charts: .fixed).document
        #expect(markdown.contains("| Quote |"))
        #expect(markdown.contains("“40 percent of them have been implemented”"))
        #expect(ReportRenderer.html(report, charts: .fixed).contains("“40 percent of them have been implemented”"))
        #expect(ReportRenderer.csv(report).contains(",40 percent of them have been implemented\r\n"))
        #expect(ReportRenderer.json(report).contains("\"quote\" : \"40 percent of them have been implemented\""))
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
        #expect(try ReportRenderer.jsonDecoder.decode(Report.self, from: Data(ReportRenderer.json(report).utf8)) == report)
    }

    @Test func jsonRoundTrips() throws {
        let json = Data(ReportRenderer.json(Fixtures.report).utf8)
        #expect(try ReportRenderer.jsonDecoder.decode(Report.self, from: json) == Fixtures.report)
    }

    /// DESIGN §4: every JSON output uses snake_case keys, lowercase ids and ISO dates.
    @Test func jsonKeysAreSnakeCaseAndIdsLowercase() throws {
        let json = ReportRenderer.json(Fixtures.report)
        var keys: Set<String> = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                keys.formUnion(object.keys)
                object.values.forEach(walk)
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(try JSONSerialization.jsonObject(with: Data(json.utf8)))
        let snakeCase = try Regex("^[a-z][a-z0-9_]*$")
        #expect(keys.filter { $0.wholeMatch(of: snakeCase) == nil }.isEmpty, "\(keys.sorted())")
        #expect(keys.isSuperset(of: ["as_of", "hi_inclusive", "source_url", "last_claim", "burn_ups", "reached_on", "sha256"]))
        let uuid = try Regex("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
        let ids = json.matches(of: uuid).map { String(json[$0.range]) }
        #expect(!ids.isEmpty)
        #expect(ids.allSatisfy { $0 == $0.lowercased() }, "\(ids)")
        #expect(json.contains("\"as_of\" : \"2024-01-10\""))
    }

    @Test func markdownWithoutAFileHasNoChartImages() {
        let rendered = ReportRenderer.markdown(Fixtures.report, chartPrefix: nil, charts: .fixed)
        #expect(rendered.charts.isEmpty)
        #expect(!rendered.document.contains(".svg"))
        #expect(rendered.document.contains("Charts are not drawn in Markdown written to standard output"))
        #expect(rendered.document.contains("- **4** “more than half of the measures” (more than 50%), 2023-05-17, Sergey Lavrov;"),
                "the claims of a chart are still listed")
    }

    /// Wording, speaker, date and source of every claim on the page itself, not only in SVG hover titles.
    @Test func everyClaimIsReadableWithoutHovering() {
        let html = ReportRenderer.html(Fixtures.report, charts: .fixed)
        let page = html.replacingOccurrences(of: #"<svg[\s\S]*?</svg>"#, with: "", options: .regularExpression)
        for claim in Fixtures.report.claims {
            for text in [claim.wording, claim.asOf.description, claim.speaker!, claim.sourceTitle!] {
                #expect(page.contains(text.replacingOccurrences(of: "'", with: "&#39;")) || page.contains(text), "\(text)")
            }
        }
        #expect(page.contains("SHA-256 of the stored text: 7b931a1fb49d28fc9f1050cc7654a1e12271055c2e99e8cd8d8a1083c860ee7e"))
        #expect(page.contains("<a href=\"https://example.org/briefings/2022-12-15\">"))
        #expect(!page.contains("—</td>"), "no column of dashes")
    }

    @Test func onlyProgrammesWithSomethingToShowGetARowOrABar() {
        let html = ReportRenderer.html(Fixtures.report, charts: .fixed)
        #expect(html.contains("programmes 1"), "the bar chart has only the programme with an estimate")
        #expect(html.contains("No claims yet for 2 programmes (and no milestones or completion): currency-regulation, transport."))
        #expect(!html.contains("<th scope=\"row\">currency-regulation</th>"))
        #expect(html.contains("<th scope=\"row\">customs</th>"))
        #expect(html.contains("complete on 2023-10-02"))
        #expect(html.contains("not reported complete by the end of the period (2023-12-31)"))
    }
}
