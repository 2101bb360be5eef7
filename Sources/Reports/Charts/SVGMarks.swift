/// The shapes claims, estimates and milestone lines are drawn with, shared by the charts and their legends.
/// Contradicted claims are red, thicker and dashed, and a contradicted point gets a dashed square
/// around it, so they stand out in grey print too.
enum SVGMarks {
    struct AreaStyle {
        var colour: Colour
        var fillOpacity: String
        var dash: String
    }

    struct LineStyle {
        var colour: Colour
        var width: String
        var dash: String
    }

    static let bandStyle = AreaStyle(colour: Palette.estimate, fillOpacity: "0.18", dash: "none")
    static let disputedBandStyle = AreaStyle(colour: Palette.contradicted, fillOpacity: "0.12", dash: "5 3")
    static let reachedStyle = LineStyle(colour: Palette.reached, width: "2.5", dash: "none")
    static let plannedStyle = LineStyle(colour: Palette.muted, width: "2.0", dash: "6 4")

    static let pointRadius = 4.5
    static let capHalfWidth = 5.0
    static let arrowLength = 8.0

    static func point(_ svg: inout SVGWriter, x: Double, y: Double, contradicted: Bool) {
        if contradicted {
            let half = 8.0
            svg.element("rect", ["class": "contradiction-halo", "x": svgNumber(x - half), "y": svgNumber(y - half),
                                 "width": svgNumber(2 * half), "height": svgNumber(2 * half), "fill": "none",
                                 "stroke": Palette.contradicted.hex, "stroke-width": "1.5", "stroke-dasharray": "3 2"])
        }
        let colour = contradicted ? Palette.contradicted : Palette.claim
        svg.element("circle", ["class": "claim-point", "cx": svgNumber(x), "cy": svgNumber(y),
                               "r": svgNumber(pointRadius), "fill": colour.hex,
                               "stroke": Colour.white.hex, "stroke-width": "1.0"])
    }

    /// A vertical bar from `top` to `bottom` (screen y, top < bottom) with a flat cap at each included
    /// end and a hollow arrowhead pointing inwards at each excluded end.
    static func bar(_ svg: inout SVGWriter, x: Double, top: Double, bottom: Double,
                    topOpen: Bool, bottomOpen: Bool, contradicted: Bool) {
        let colour = (contradicted ? Palette.contradicted : Palette.claim).hex
        let width = contradicted ? "3.5" : "2.0"
        svg.element("line", ["class": "claim-bar", "x1": svgNumber(x), "y1": svgNumber(top), "x2": svgNumber(x),
                             "y2": svgNumber(bottom), "stroke": colour, "stroke-width": width,
                             "stroke-dasharray": contradicted ? "6 3" : "none"])
        let length = bottom - top
        let arrow = min(arrowLength, max(topOpen && bottomOpen ? length / 2 : length, 4))
        for (end, open, inwards) in [(top, topOpen, 1.0), (bottom, bottomOpen, -1.0)] {
            if open {
                let tip = end + inwards * arrow
                svg.element("path", ["class": "open-end",
                                     "d": "M\(svgNumber(x - capHalfWidth)) \(svgNumber(end))H\(svgNumber(x + capHalfWidth))L\(svgNumber(x)) \(svgNumber(tip))Z",
                                     "fill": Colour.white.hex, "stroke": colour, "stroke-width": "1.5"])
            } else {
                svg.element("line", ["class": "closed-end", "x1": svgNumber(x - capHalfWidth), "y1": svgNumber(end),
                                     "x2": svgNumber(x + capHalfWidth), "y2": svgNumber(end),
                                     "stroke": colour, "stroke-width": width])
            }
        }
    }
}
