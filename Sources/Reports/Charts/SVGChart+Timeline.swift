import Foundation
import Tracker

extension SVGChart {
    /// Progress over time for one scope and unit, self-contained SVG text. A claim with a number in
    /// `numbers` shows it beside its mark, so a key under the chart can say what each claim is.
    public static func timeline(_ timeline: Timeline, title: String, numbers: [UUID: Int] = [:], width: Int = 800,
                                height: Int = 360) -> String {
        guard let extent = timeline.dateExtent else { return noData(title: title, width: width, height: height) }
        let segments = timeline.bandSegments
        let claims = timeline.claimsBySameDay
        let legend = timelineLegend(segments: segments, claims: timeline.claims)
        let legendRows = legend.rows(width: max(Double(width), ChartLayout.minimumWidth) - 2 * ChartLayout.padding).count
        let layout = ChartLayout(width: width, height: height, legendRows: legendRows,
                                 yLabelWidth: TextMetrics.width(of: "100", fontSize: ChartLayout.labelFontSize))
        let plot = layout.plot
        let domain = DateScale.paddedDomain(first: extent.first, last: extent.last)
        let x = DateScale(from: domain.start, to: domain.end, range: (plot.x, plot.maxX))
        let y = LinearScale(domain: 0...100, range: (plot.maxY, plot.y))

        return document(layoutWidth: layout.width, height: layout.height, title: title,
                        description: timelineDescription(timeline, extent: extent)) { svg in
            drawLegend(&svg, legend: legend, layout: layout)
            drawValueAxis(&svg, layout: layout, ticks: percentTicks(axisLength: plot.height), y: y,
                          title: "percent of \(timeline.unit)")
            drawDateAxis(&svg, layout: layout, x: x, title: "as-of date")
            svg.group(["class": "estimate"]) { svg in
                for run in runs(of: segments) {
                    drawBand(&svg, run, x: x, y: y, rightEdge: plot.maxX)
                }
            }
            svg.group(["class": "claims"]) { svg in
                for (claim, rank, ofDay) in claims {
                    // Claims of one day sit side by side, centred on the day.
                    let offset = (Double(rank) - Double(ofDay - 1) / 2) * 8
                    drawClaim(&svg, claim, number: numbers[claim.id], x: x(claim.asOf) + offset, y: y)
                }
            }
        }
    }

    private static func timelineLegend(segments: [BandSegment], claims: [ClaimMark]) -> Legend {
        let shapes = claims.map { ClaimShape($0.interval) }
        var entries: [(Legend.Swatch, String)] = []
        if shapes.contains(where: { if case .point = $0 { true } else { false } }) {
            entries.append((.point, "exact figure"))
        }
        if shapes.contains(where: { if case .bar = $0 { true } else { false } }) {
            entries.append((.interval, "range, ends included"))
        }
        if shapes.contains(where: \.hasOpenEnd) { entries.append((.openEnd, "end excluded (more/less than)")) }
        if claims.contains(where: \.contradicted) { entries.append((.contradicted, "contradicted claim")) }
        if segments.contains(where: { !$0.disputed }) { entries.append((.band, "estimate")) }
        if segments.contains(where: \.disputed) { entries.append((.disputedBand, "disputed estimate")) }
        return Legend(entries: entries)
    }

    private static func timelineDescription(_ timeline: Timeline, extent: (first: CalendarDate, last: CalendarDate)) -> String {
        var text = "Progress of \(timeline.scope) in \(timeline.unit), \(extent.first) to \(extent.last): "
        text += "\(timeline.claims.count) claim\(timeline.claims.count == 1 ? "" : "s")"
        let contradicted = timeline.claims.filter(\.contradicted).count
        if contradicted > 0 { text += ", \(contradicted) contradicted" }
        if let last = timeline.steps.max(by: { $0.date < $1.date }) {
            text += "; estimate from \(last.date): \(last.estimate)\(last.disputed ? " (disputed)" : "")"
        }
        return text + "."
    }

    /// Consecutive segments with the same disputed flag, drawn as one stepped area each.
    private static func runs(of segments: [BandSegment]) -> [[BandSegment]] {
        var runs: [[BandSegment]] = []
        for segment in segments {
            if let last = runs.last?.last, last.disputed == segment.disputed {
                runs[runs.count - 1].append(segment)
            } else {
                runs.append([segment])
            }
        }
        return runs
    }

    /// The estimate as a step area: along the upper bounds left to right, back along the lower bounds.
    private static func drawBand(_ svg: inout SVGWriter, _ run: [BandSegment], x: DateScale, y: LinearScale, rightEdge: Double) {
        let spans = run.map { segment in
            (left: x(segment.from), right: segment.until.map { x($0) } ?? rightEdge, segment: segment)
        }
        var d = "M\(svgNumber(spans[0].left)) \(svgNumber(y(spans[0].segment.hi)))"
        for span in spans {
            d += "V\(svgNumber(y(span.segment.hi)))H\(svgNumber(span.right))"
        }
        for span in spans.reversed() {
            d += "V\(svgNumber(y(span.segment.lo)))H\(svgNumber(span.left))"
        }
        d += "Z"
        let disputed = run[0].disputed
        let style = disputed ? SVGMarks.disputedBandStyle : SVGMarks.bandStyle
        let heading = disputed ? "Disputed estimate: the claims contradict each other" : "Estimate"
        let lines = run.map { "from \($0.from): \($0.estimate)" }
        svg.group(["class": disputed ? "estimate-band disputed" : "estimate-band"],
                  title: ([heading] + lines).joined(separator: "\n")) { svg in
            svg.element("path", ["d": d, "fill": style.colour.hex, "fill-opacity": style.fillOpacity,
                                 "stroke": style.colour.hex, "stroke-width": "1.5", "stroke-dasharray": style.dash])
        }
    }

    private static func drawClaim(_ svg: inout SVGWriter, _ claim: ClaimMark, number: Int?, x: Double, y: LinearScale) {
        let shape = ClaimShape(claim.interval)
        var classes = ["claim"]
        switch shape {
        case .point: classes.append("claim-point")
        case .bar(_, _, let loOpen, let hiOpen): classes.append(loOpen || hiOpen ? "claim-interval claim-open" : "claim-interval")
        }
        if claim.contradicted { classes.append("contradicted") }
        svg.group(["class": classes.joined(separator: " ")], title: claimTitle(claim)) { svg in
            switch shape {
            case .point(let value):
                SVGMarks.point(&svg, x: x, y: y(value), contradicted: claim.contradicted)
            case .bar(let lo, let hi, let loOpen, let hiOpen):
                SVGMarks.bar(&svg, x: x, top: y(hi), bottom: y(lo), topOpen: hiOpen, bottomOpen: loOpen,
                             contradicted: claim.contradicted)
            }
            if let number {
                // Beside the mark's upper end, haloed in white so it reads over the band and gridlines.
                let top = switch shape {
                case .point(let value): y(value)
                case .bar(_, let hi, _, _): y(hi) + 5
                }
                svg.element("text", ["class": "claim-number", "x": svgNumber(x + SVGMarks.capHalfWidth + 3),
                                     "y": svgNumber(top + ChartLayout.labelFontSize * 0.35), "font-weight": "700",
                                     "fill": Palette.ink.hex, "stroke": Colour.white.hex, "stroke-width": "3",
                                     "paint-order": "stroke"], content: String(number))
            }
        }
    }

    /// Hover text: what was said, what it means, when, by whom and where. The URL stays in the
    /// report's source list: a tooltip cannot be clicked.
    private static func claimTitle(_ claim: ClaimMark) -> String {
        var lines = ["“\(claim.wording)”", "\(claim.interval) \(claim.unit), as of \(claim.asOf)"]
        if let speaker = claim.speaker { lines.append("speaker: \(speaker)") }
        if let sourceTitle = claim.sourceTitle {
            lines.append("source: \(sourceTitle) (\(claim.source))")
        } else {
            lines.append("source: \(claim.source)")
        }
        if claim.contradicted { lines.append("contradicted by another claim") }
        return lines.joined(separator: "\n")
    }
}
