import Tracker

extension SVGChart {
    /// Milestones reached vs planned over time (burn-up) for one programme.
    public static func burnUp(_ burnUp: BurnUp, title: String, width: Int = 800, height: Int = 300) -> String {
        guard let series = BurnUpSeries(burnUp) else { return noData(title: title, width: width, height: height) }
        let reachedCount = series.reached.last?.count ?? 0
        let legend = Legend(entries: [
            (.reachedLine, "reached: \(reachedCount) of \(series.total)"),
            (.plannedLine, "planned, by due date"),
        ])
        let legendRows = legend.rows(width: max(Double(width), ChartLayout.minimumWidth) - 2 * ChartLayout.padding).count
        // Room for the top tick, which may round up past the total to the next digit.
        let widestLabel = TextMetrics.width(of: String(series.total * 10), fontSize: ChartLayout.labelFontSize)
        let layout = ChartLayout(width: width, height: height, legendRows: legendRows, yLabelWidth: widestLabel)
        let plot = layout.plot
        let counts = Ticks.counts(upTo: series.total, maxCount: max(Int(plot.height / 24), 2))
        let y = LinearScale(domain: 0...Double(counts.last ?? 1), range: (plot.maxY, plot.y))
        let domain = DateScale.paddedDomain(first: series.first, last: series.last)
        let x = DateScale(from: domain.start, to: domain.end, range: (plot.x, plot.maxX))
        let description = "Milestones of \(burnUp.programme) from \(series.first) to \(series.last): "
            + "\(reachedCount) of \(series.total) reached; the dashed line shows how many were due by each date."

        return document(layoutWidth: layout.width, height: layout.height, title: title, description: description) { svg in
            drawLegend(&svg, legend: legend, layout: layout)
            drawValueAxis(&svg, layout: layout, ticks: counts.map { (Double($0), String($0)) }, y: y, title: "milestones")
            drawDateAxis(&svg, layout: layout, x: x, title: "date")
            let planned = series.planned.map { "\($0.date): \($0.count) planned" }
            drawStepLine(&svg, series.planned, style: SVGMarks.plannedStyle, className: "planned",
                         title: (["Planned by due date"] + planned).joined(separator: "\n"), x: x, y: y, rightEdge: plot.maxX)
            drawStepLine(&svg, series.reached, style: SVGMarks.reachedStyle, className: "reached",
                         title: "Reached: \(reachedCount) of \(series.total)", x: x, y: y, rightEdge: plot.maxX)
            svg.group(["class": "reached-points"]) { svg in
                for (index, step) in series.reached.enumerated() where step.count > (index == 0 ? 0 : series.reached[index - 1].count) {
                    let names = burnUp.milestones.filter { $0.reachedOn == step.date }.map(\.title)
                    svg.group(["class": "reached-point"],
                              title: "\(step.date): reached \(names.joined(separator: ", ")) (\(step.count) of \(series.total))") { svg in
                        svg.element("circle", ["cx": svgNumber(x(step.date)), "cy": svgNumber(y(Double(step.count))),
                                               "r": "3.5", "fill": Palette.reached.hex,
                                               "stroke": Colour.white.hex, "stroke-width": "1.0"])
                    }
                }
            }
        }
    }

    /// A count that holds until the next date it changes, then jumps: horizontal, then vertical.
    private static func drawStepLine(_ svg: inout SVGWriter, _ steps: [BurnUpSeries.Step], style: SVGMarks.LineStyle,
                                     className: String, title: String, x: DateScale, y: LinearScale, rightEdge: Double) {
        guard let first = steps.first else { return }
        var d = "M\(svgNumber(x(first.date))) \(svgNumber(y(Double(first.count))))"
        for step in steps.dropFirst() {
            d += "H\(svgNumber(x(step.date)))V\(svgNumber(y(Double(step.count))))"
        }
        d += "H\(svgNumber(rightEdge))"
        svg.group(["class": className], title: title) { svg in
            svg.element("path", ["d": d, "fill": "none", "stroke": style.colour.hex, "stroke-width": style.width,
                                 "stroke-dasharray": style.dash])
        }
    }
}
