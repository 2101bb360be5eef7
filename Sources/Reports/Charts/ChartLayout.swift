/// An axis-aligned rectangle in SVG user units (y grows downwards).
public struct ChartRect: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }

    public func contains(_ other: ChartRect) -> Bool {
        other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY
    }
}

/// Where the title, legend, axes and plot go on a canvas. The canvas never shrinks below a size
/// where the plot would vanish, so every chart stays drawable whatever width a caller asks for.
public struct ChartLayout: Hashable, Sendable {
    public static let minimumWidth = 240.0
    public static let minimumHeight = 160.0
    public static let padding = 12.0
    public static let titleFontSize = 16.0
    public static let labelFontSize = 11.0
    public static let legendRowHeight = 18.0
    public static let tickLength = 5.0

    public var width: Double
    public var height: Double
    /// Where the title's baseline sits.
    public var titleBaseline: Double
    /// The legend's first row (top edge).
    public var legendTop: Double
    public var plot: ChartRect
    public var canvas: ChartRect { ChartRect(x: 0, y: 0, width: width, height: height) }

    /// - Parameters:
    ///   - legendRows: rows the legend needs at this width (see `Legend.rows`).
    ///   - yLabelWidth: the widest y tick label, in user units.
    ///   - yAxisTitle: whether a rotated axis title sits left of the y tick labels.
    ///   - trailingWidth: room right of the plot for value labels.
    public init(width: Int, height: Int, legendRows: Int, yLabelWidth: Double, yAxisTitle: Bool = true,
                trailingWidth: Double = 0) {
        self.width = max(Double(width), Self.minimumWidth)
        let padding = Self.padding
        titleBaseline = padding + Self.titleFontSize
        legendTop = titleBaseline + 8
        let top = Self.plotTop(legendRows: legendRows)
        let left = padding + (yAxisTitle ? Self.labelFontSize + 8 : 0) + yLabelWidth + Self.tickLength + 4
        let right = padding + 8 + trailingWidth
        let bottom = Self.bottomMargin
        let minimumPlotHeight = 60.0
        self.height = max(Double(height), Self.minimumHeight, top + minimumPlotHeight + bottom)
        let plotWidth = max(self.width - left - right, 40)
        self.width = max(self.width, left + plotWidth + right)
        plot = ChartRect(x: left, y: top, width: plotWidth, height: self.height - top - bottom)
    }

    /// The canvas height that gives a plot `plotHeight` tall: for charts whose height follows their rows.
    public static func height(forPlotHeight plotHeight: Double, legendRows: Int) -> Int {
        Int((plotTop(legendRows: legendRows) + plotHeight + bottomMargin).rounded(.up))
    }

    private static func plotTop(legendRows: Int) -> Double {
        padding + titleFontSize + 8 + Double(max(legendRows, 0)) * legendRowHeight + 8
    }

    /// Tick labels, then the axis title, under the plot.
    private static let bottomMargin = tickLength + 4 + labelFontSize + 6 + labelFontSize + padding

    /// Baseline of the x tick labels.
    public var xLabelBaseline: Double { plot.maxY + Self.tickLength + 4 + Self.labelFontSize }
    /// Baseline of the x axis title.
    public var xTitleBaseline: Double { xLabelBaseline + 6 + Self.labelFontSize }
    /// Centre of the rotated y axis title.
    public var yTitleX: Double { Self.padding + Self.labelFontSize - 2 }
}
