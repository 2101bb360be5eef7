import Tracker

extension SVGChart {
    static let programmeRowHeight = 26.0

    /// All programmes of a portfolio as horizontal bars of their current estimate (interval as a bar from lo to hi).
    public static func programmeBars(_ programmes: [ProgrammeRow], title: String, width: Int = 800) -> String {
        guard !programmes.isEmpty else { return noData(title: title, width: width, height: Int(ChartLayout.minimumHeight)) }
        let legend = Legend(entries: [(.bar, "current estimate, lowest to highest")])
        let legendRows = legend.rows(width: max(Double(width), ChartLayout.minimumWidth) - 2 * ChartLayout.padding).count
        let canvasWidth = max(Double(width), ChartLayout.minimumWidth)
        // Titles get up to a third of the width; the rest is the bars and their values.
        let labelWidth = min(canvasWidth * 0.34, 280)
        let valueWidth = TextMetrics.width(of: "[33.33, 66.67] content", fontSize: ChartLayout.labelFontSize)
        let height = ChartLayout.height(forPlotHeight: Double(programmes.count) * programmeRowHeight, legendRows: legendRows)
        let layout = ChartLayout(width: width, height: height, legendRows: legendRows, yLabelWidth: labelWidth,
                                 yAxisTitle: false, trailingWidth: valueWidth)
        let plot = layout.plot
        let x = LinearScale(domain: 0...100, range: (plot.x, plot.maxX))
        let rowHeight = plot.height / Double(programmes.count)
        let claimed = programmes.filter { $0.estimate != nil }.count
        let description = "Current progress estimate of \(programmes.count) programme\(programmes.count == 1 ? "" : "s"), "
            + "in percent; \(claimed) with a claim, \(programmes.count - claimed) without."

        return document(layoutWidth: layout.width, height: layout.height, title: title, description: description) { svg in
            drawLegend(&svg, legend: legend, layout: layout)
            // Labels across need about twice the room of labels stacked up a y axis.
            let ticks = percentTicks(axisLength: plot.width / 2).map { (x($0.value), $0.label) }
            drawAxisAcross(&svg, layout: layout, ticks: ticks, title: "percent")
            for (index, programme) in programmes.enumerated() {
                let middle = plot.y + (Double(index) + 0.5) * rowHeight
                drawProgrammeRow(&svg, programme, middle: middle, rowHeight: rowHeight, labelWidth: labelWidth,
                                 x: x, plot: plot)
            }
        }
    }

    private static func drawProgrammeRow(_ svg: inout SVGWriter, _ programme: ProgrammeRow, middle: Double,
                                         rowHeight: Double, labelWidth: Double, x: LinearScale, plot: ChartRect) {
        let baseline = svgNumber(middle + ChartLayout.labelFontSize * 0.35)
        svg.group(["class": "programme"], title: programmeTitle(programme)) { svg in
            svg.element("text", ["class": "programme-title", "x": svgNumber(ChartLayout.padding), "y": baseline,
                                 "fill": Palette.ink.hex],
                        content: TextMetrics.truncate(programme.title, toWidth: labelWidth, fontSize: ChartLayout.labelFontSize))
            guard let estimate = programme.estimate else {
                svg.element("text", ["class": "no-claim", "x": svgNumber(plot.x + 4), "y": baseline,
                                     "font-style": "italic", "fill": Palette.muted.hex], content: "no claim")
                return
            }
            let shape = ClaimShape(estimate)
            let barHeight = min(rowHeight * 0.55, 14)
            let (lo, hi): (Double, Double) = switch shape {
            case .point(let value): (value, value)
            case .bar(let lo, let hi, _, _): (lo, hi)
            }
            if case .point = shape {
                // A zero-width bar would vanish: an exact figure gets a thin solid marker instead.
                svg.element("rect", ["class": "estimate-marker", "x": svgNumber(x(lo) - 1.5), "y": svgNumber(middle - barHeight / 2 - 2),
                                     "width": "3.0", "height": svgNumber(barHeight + 4), "fill": Palette.estimate.hex])
            } else {
                svg.element("rect", ["class": "estimate-bar", "x": svgNumber(x(lo)), "y": svgNumber(middle - barHeight / 2),
                                     "width": svgNumber(x(hi) - x(lo)), "height": svgNumber(barHeight),
                                     "fill": SVGMarks.bandStyle.colour.hex, "fill-opacity": "0.35",
                                     "stroke": Palette.estimate.hex, "stroke-width": "1.5"])
            }
            let unit = programme.estimateUnit.map { $0 == "measures" ? "" : " \($0)" } ?? ""
            svg.element("text", ["class": "estimate-value", "x": svgNumber(plot.maxX + 8), "y": baseline,
                                 "fill": Palette.ink.hex], content: "\(valueLabel(estimate))\(unit)")
        }
    }

    /// "40" for an exact figure, interval notation otherwise.
    private static func valueLabel(_ estimate: PercentInterval) -> String {
        estimate.isPoint ? PercentInterval.format(estimate.lo) : estimate.description
    }

    private static func programmeTitle(_ programme: ProgrammeRow) -> String {
        var lines = ["\(programme.title) (\(programme.id))", "status: \(programme.status)"]
        if let estimate = programme.estimate {
            lines.append("estimate: \(valueLabel(estimate))\(programme.estimateUnit.map { " \($0)" } ?? "")")
        } else {
            lines.append("estimate: no claim")
        }
        if let lastClaim = programme.lastClaim { lines.append("last claim: \(lastClaim)") }
        if programme.milestonesPlanned > 0 {
            lines.append("milestones: \(programme.milestonesReached) of \(programme.milestonesPlanned) reached")
        }
        return lines.joined(separator: "\n")
    }
}
