import Tracker

/// Charts as self-contained SVG text: no scripts, fonts, files or ids, so several can sit inline
/// in one HTML page, and each can be opened or printed on its own.
public enum SVGChart {
    static let fontFamily = "system-ui, sans-serif"
    static let noDataMessage = "no data"

    /// The root element with its accessible name and description, a white page (dark text on white,
    /// also in a dark-themed HTML page) and the visible title; `body` draws the rest.
    static func document(layoutWidth width: Double, height: Double, title: String, description: String,
                         body: (inout SVGWriter) -> Void) -> String {
        var svg = SVGWriter()
        svg.open("svg", [
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": "0 0 \(svgNumber(width)) \(svgNumber(height))",
            "width": svgNumber(width), "height": svgNumber(height),
            "role": "img", "font-family": fontFamily, "font-size": svgNumber(ChartLayout.labelFontSize),
        ])
        svg.element("title", content: title)
        svg.element("desc", content: description)
        svg.element("rect", ["class": "background", "x": "0.0", "y": "0.0", "width": svgNumber(width),
                             "height": svgNumber(height), "fill": Colour.white.hex])
        let visibleTitle = TextMetrics.truncate(title, toWidth: width - 2 * ChartLayout.padding,
                                                fontSize: ChartLayout.titleFontSize)
        svg.element("text", ["class": "chart-title", "x": svgNumber(ChartLayout.padding),
                             "y": svgNumber(ChartLayout.padding + ChartLayout.titleFontSize),
                             "font-size": svgNumber(ChartLayout.titleFontSize), "font-weight": "700",
                             "fill": Palette.ink.hex], content: visibleTitle)
        body(&svg)
        svg.close("svg")
        return svg.text
    }

    /// A chart with nothing to plot still renders, saying so, so a report never has a hole in it.
    static func noData(title: String, width: Int, height: Int) -> String {
        let width = max(Double(width), ChartLayout.minimumWidth)
        let height = max(Double(height), ChartLayout.minimumHeight)
        return document(layoutWidth: width, height: height, title: title, description: "\(title): \(noDataMessage).") { svg in
            svg.element("text", ["class": "no-data", "x": svgNumber(width / 2), "y": svgNumber(height / 2),
                                 "text-anchor": "middle", "font-size": "14", "fill": Palette.muted.hex],
                        content: noDataMessage)
        }
    }

    /// Horizontal gridlines with labels on the left, and the rotated axis title.
    static func drawValueAxis(_ svg: inout SVGWriter, layout: ChartLayout, ticks: [(value: Double, label: String)],
                              y: LinearScale, title: String) {
        let plot = layout.plot
        svg.group(["class": "axis y-axis"]) { svg in
            for tick in ticks {
                let position = svgNumber(y(tick.value))
                svg.element("line", ["class": "gridline", "x1": svgNumber(plot.x), "y1": position,
                                     "x2": svgNumber(plot.maxX), "y2": position,
                                     "stroke": Palette.ink.hex, "stroke-opacity": "0.15"])
                svg.element("line", ["x1": svgNumber(plot.x - ChartLayout.tickLength), "y1": position,
                                     "x2": svgNumber(plot.x), "y2": position, "stroke": Palette.ink.hex])
                svg.element("text", ["x": svgNumber(plot.x - ChartLayout.tickLength - 3),
                                     "y": svgNumber(y(tick.value) + ChartLayout.labelFontSize * 0.35),
                                     "text-anchor": "end", "fill": Palette.muted.hex], content: tick.label)
            }
            svg.element("line", ["x1": svgNumber(plot.x), "y1": svgNumber(plot.y), "x2": svgNumber(plot.x),
                                 "y2": svgNumber(plot.maxY), "stroke": Palette.ink.hex])
            let middle = svgNumber(plot.y + plot.height / 2)
            svg.element("text", ["class": "axis-title", "x": svgNumber(layout.yTitleX), "y": middle,
                                 "transform": "rotate(-90 \(svgNumber(layout.yTitleX)) \(middle))",
                                 "text-anchor": "middle", "fill": Palette.ink.hex],
                        content: TextMetrics.truncate(title, toWidth: plot.height, fontSize: ChartLayout.labelFontSize))
        }
    }

    /// Vertical gridlines at the date ticks, labels under the plot, and the axis title.
    static func drawDateAxis(_ svg: inout SVGWriter, layout: ChartLayout, x: DateScale, title: String) {
        let ticks = Ticks.dates(from: x.start, to: x.end, maxCount: max(Int(layout.plot.width / 90), 2))
        drawAxisAcross(&svg, layout: layout, ticks: ticks.map { (x($0.date), $0.label) }, title: title)
    }

    /// Vertical gridlines at `ticks` (x positions), labels under the plot, and the axis title.
    static func drawAxisAcross(_ svg: inout SVGWriter, layout: ChartLayout, ticks: [(x: Double, label: String)], title: String) {
        let plot = layout.plot
        svg.group(["class": "axis x-axis"]) { svg in
            for tick in ticks {
                let position = svgNumber(tick.x)
                svg.element("line", ["class": "gridline", "x1": position, "y1": svgNumber(plot.y),
                                     "x2": position, "y2": svgNumber(plot.maxY),
                                     "stroke": Palette.ink.hex, "stroke-opacity": "0.15"])
                svg.element("line", ["x1": position, "y1": svgNumber(plot.maxY), "x2": position,
                                     "y2": svgNumber(plot.maxY + ChartLayout.tickLength), "stroke": Palette.ink.hex])
                svg.element("text", ["x": position, "y": svgNumber(layout.xLabelBaseline), "text-anchor": "middle",
                                     "fill": Palette.muted.hex], content: tick.label)
            }
            svg.element("line", ["x1": svgNumber(plot.x), "y1": svgNumber(plot.maxY), "x2": svgNumber(plot.maxX),
                                 "y2": svgNumber(plot.maxY), "stroke": Palette.ink.hex])
            svg.element("text", ["class": "axis-title", "x": svgNumber(plot.x + plot.width / 2),
                                 "y": svgNumber(layout.xTitleBaseline), "text-anchor": "middle",
                                 "fill": Palette.ink.hex], content: title)
        }
    }

    static func percentTicks(axisLength: Double) -> [(value: Double, label: String)] {
        Ticks.percent(axisLength: axisLength).map { ($0, PercentInterval.format($0)) }
    }

    static func drawLegend(_ svg: inout SVGWriter, legend: Legend, layout: ChartLayout) {
        let rows = legend.rows(width: layout.width - 2 * ChartLayout.padding)
        svg.group(["class": "legend"]) { svg in
            for (rowIndex, row) in rows.enumerated() {
                let middle = layout.legendTop + (Double(rowIndex) + 0.5) * ChartLayout.legendRowHeight
                var x = ChartLayout.padding
                for index in row {
                    drawSwatch(&svg, legend.entries[index].swatch, x: x, middle: middle)
                    svg.element("text", ["x": svgNumber(x + Legend.swatchWidth + 5),
                                         "y": svgNumber(middle + ChartLayout.labelFontSize * 0.35),
                                         "fill": Palette.ink.hex], content: legend.entries[index].label)
                    x += legend.entryWidth(index) + Legend.gap
                }
            }
        }
    }

    private static func drawSwatch(_ svg: inout SVGWriter, _ swatch: Legend.Swatch, x: Double, middle: Double) {
        let centre = x + Legend.swatchWidth / 2
        let top = middle - 7, bottom = middle + 7
        switch swatch {
        case .point:
            SVGMarks.point(&svg, x: centre, y: middle, contradicted: false)
        case .interval:
            SVGMarks.bar(&svg, x: centre, top: top, bottom: bottom, topOpen: false, bottomOpen: false, contradicted: false)
        case .openEnd:
            SVGMarks.bar(&svg, x: centre, top: top, bottom: bottom, topOpen: false, bottomOpen: true, contradicted: false)
        case .contradicted:
            SVGMarks.bar(&svg, x: centre, top: top, bottom: bottom, topOpen: false, bottomOpen: false, contradicted: true)
        case .band, .disputedBand, .bar:
            let style = swatch == .disputedBand ? SVGMarks.disputedBandStyle : SVGMarks.bandStyle
            svg.element("rect", ["x": svgNumber(x), "y": svgNumber(middle - 5), "width": svgNumber(Legend.swatchWidth),
                                 "height": "10.0", "fill": style.colour.hex, "fill-opacity": style.fillOpacity,
                                 "stroke": style.colour.hex, "stroke-width": "1.5", "stroke-dasharray": style.dash])
        case .reachedLine, .plannedLine:
            let style = swatch == .reachedLine ? SVGMarks.reachedStyle : SVGMarks.plannedStyle
            svg.element("line", ["x1": svgNumber(x), "y1": svgNumber(middle), "x2": svgNumber(x + Legend.swatchWidth),
                                 "y2": svgNumber(middle), "stroke": style.colour.hex, "stroke-width": style.width,
                                 "stroke-dasharray": style.dash])
        }
    }
}
