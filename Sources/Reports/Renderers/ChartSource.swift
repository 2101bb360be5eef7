import Foundation

/// Where the renderers get their SVG charts. The standard source draws them with `SVGChart`;
/// tests pass fixed strings so a snapshot of the page does not change with the chart drawing.
public struct ChartSource: Sendable {
    /// `numbers` labels each claim's mark with its number in the report.
    public var timeline: @Sendable (_ timeline: Timeline, _ title: String, _ numbers: [UUID: Int]) -> String
    public var burnUp: @Sendable (_ burnUp: BurnUp, _ title: String) -> String
    public var programmeBars: @Sendable (_ programmes: [ProgrammeRow], _ title: String) -> String

    public init(timeline: @escaping @Sendable (Timeline, String, [UUID: Int]) -> String,
                burnUp: @escaping @Sendable (BurnUp, String) -> String,
                programmeBars: @escaping @Sendable ([ProgrammeRow], String) -> String) {
        self.timeline = timeline
        self.burnUp = burnUp
        self.programmeBars = programmeBars
    }

    public static let standard = ChartSource(
        timeline: { SVGChart.timeline($0, title: $1, numbers: $2) },
        burnUp: { SVGChart.burnUp($0, title: $1) },
        programmeBars: { SVGChart.programmeBars($0, title: $1) }
    )
}
