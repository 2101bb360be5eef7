import Foundation
import Reports
import SnapshotTesting
import Testing

/// Whole documents rendered from `Fixtures.report`; the files under
/// `__Snapshots__/RendererSnapshotTests/` are the expected output, recorded when missing.
@Suite(.snapshots(record: .missing))
struct RendererSnapshotTests {
    @Test func markdown() {
        let rendered = ReportRenderer.markdown(Fixtures.report, chartPrefix: "union-state-report", charts: .fixed)
        assertSnapshot(of: rendered.document, as: .text("md"))
    }

    @Test func markdownChartFiles() {
        let rendered = ReportRenderer.markdown(Fixtures.report, chartPrefix: "union-state-report", charts: .fixed)
        #expect(rendered.charts.map(\.name) == [
            "union-state-report-timeline-union-state-2021-2023-measures.svg",
            "union-state-report-timeline-payment-systems-measures.svg",
            "union-state-report-programmes.svg",
            "union-state-report-burnup-payment-systems.svg",
        ])
        #expect(rendered.charts.map(\.svg) == [
            ChartSource.fixedSVG("timeline union-state-2021-2023 measures"),
            ChartSource.fixedSVG("timeline payment-systems measures"),
            ChartSource.fixedSVG("programmes 1"),
            ChartSource.fixedSVG("burn-up payment-systems"),
        ])
        for chart in rendered.charts {
            #expect(rendered.document.contains("](\(chart.name))"))
        }
    }

    @Test func html() {
        assertSnapshot(of: ReportRenderer.html(Fixtures.report, charts: .fixed), as: .text("html"))
    }

    @Test func json() {
        assertSnapshot(of: ReportRenderer.json(Fixtures.report), as: .text("json"))
    }

    /// Snapshotted with LF line ends so the file reads well in any tool; `csvUsesCRLF` checks the real ends.
    @Test func csv() {
        let csv = ReportRenderer.csv(Fixtures.report)
        assertSnapshot(of: csv.replacingOccurrences(of: "\r\n", with: "\n"), as: .text("csv"))
    }
}

extension Snapshotting where Value == String, Format == String {
    /// `.lines`, stored with the format's own extension so a snapshot opens in the right viewer.
    static func text(_ pathExtension: String) -> Snapshotting {
        var snapshotting = Snapshotting.lines
        snapshotting.pathExtension = pathExtension
        return snapshotting
    }
}

extension ChartSource {
    /// Stable stand-ins for the SVG charts, so page snapshots do not change with chart drawing.
    static let fixed = ChartSource(
        timeline: { timeline, _, _ in fixedSVG("timeline \(timeline.scope) \(timeline.unit)") },
        burnUp: { burnUp, _ in fixedSVG("burn-up \(burnUp.programme)") },
        programmeBars: { programmes, _ in fixedSVG("programmes \(programmes.count)") }
    )

    static func fixedSVG(_ label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><title>\(label)</title></svg>"
    }
}
