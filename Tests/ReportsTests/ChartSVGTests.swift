import Foundation
import Reports
import Testing
import Tracker
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct ChartSVGTests {
    private let title = "Union State 2021–2023 — measures"

    private func timelineSVG(_ timeline: Timeline = ChartFixtures.timeline, title: String? = nil) throws -> ParsedSVG {
        try ParsedSVG(SVGChart.timeline(timeline, title: title ?? self.title))
    }

    @Test func timelineIsXMLWithAnAccessibleRoot() throws {
        let svg = try timelineSVG()
        let root = svg.elements[0]
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["role"] == "img")
        #expect(root.attributes["viewBox"] == "0 0 800.0 360.0")
        #expect(root.attributes["width"] == "800.0" && root.attributes["height"] == "360.0")
        #expect(root.attributes["font-family"] == "system-ui, sans-serif")
        let children = svg.children(of: 0)
        #expect(children.first?.name == "title" && children.first?.text == title)
        #expect(children.dropFirst().first?.name == "desc")
        #expect(children.dropFirst().first?.text.contains("5 claims, 2 contradicted") == true)
    }

    @Test func exactClaimsAreCircles() throws {
        let svg = try timelineSVG()
        let claims = try #require(svg.all("g", class: "claims").first)
        let marks = svg.descendants(of: claims.index)
        #expect(marks.filter { $0.name == "g" && $0.hasClass("claim-point") }.count == 2)
        #expect(marks.filter { $0.name == "circle" }.count == 2, "only exact figures are drawn as circles")
        #expect(svg.outsideLegend(svg.all("circle")).count == 2)
    }

    @Test func intervalsAreVerticalBars() throws {
        let svg = try timelineSVG()
        let groups = svg.all("g", class: "claim-interval")
        #expect(groups.count == 3)
        for group in groups {
            let bars = svg.descendants(of: group.index).filter { $0.hasClass("claim-bar") }
            #expect(bars.count == 1)
            #expect(bars.first?.attributes["x1"] == bars.first?.attributes["x2"], "vertical")
            #expect(bars.first?.attributes["y1"] != bars.first?.attributes["y2"])
        }
    }

    @Test func openBoundsEndInAnArrowheadAndClosedBoundsInACap() throws {
        let svg = try timelineSVG()
        #expect(svg.outsideLegend(svg.all("path", class: "open-end")).count == 2)
        #expect(svg.all("g", class: "claim-open").count == 2)
        let moreThanHalf = try #require(svg.claimGroup(containing: "more than half"))
        #expect(svg.descendants(of: moreThanHalf.index).filter { $0.hasClass("open-end") }.count == 1)
        #expect(svg.descendants(of: moreThanHalf.index).filter { $0.hasClass("closed-end") }.count == 1)
        let about = try #require(svg.claimGroup(containing: "about 40%"))
        #expect(svg.descendants(of: about.index).filter { $0.hasClass("open-end") }.isEmpty)
        #expect(svg.descendants(of: about.index).filter { $0.hasClass("closed-end") }.count == 2)
        #expect(svg.texts.contains("end excluded (more/less than)"), "the convention is in the legend")
    }

    @Test func estimateIsAStepBandThatRunsToTheRightEdge() throws {
        let svg = try timelineSVG()
        let bands = svg.all("g", class: "estimate-band")
        #expect(bands.count == 2, "one undisputed run, one disputed")
        let paths = bands.map { svg.descendants(of: $0.index).first { $0.name == "path" }! }
        let undisputed = try pathXs(paths[0].attributes["d"]!)
        let disputed = try pathXs(paths[1].attributes["d"]!)
        #expect(paths[0].attributes["d"]!.hasPrefix("M") && paths[0].attributes["d"]!.hasSuffix("Z"))
        #expect(bands[1].hasClass("disputed") && !bands[0].hasClass("disputed"))
        // Stepping: one x per step boundary, the runs meet, and the last runs past the last claim.
        #expect(Set(undisputed).count == 5)
        #expect(undisputed.max() == disputed.min())
        let lastClaimX = try #require(svg.claimGroup(containing: "less than 60%")
            .flatMap { svg.descendants(of: $0.index).first { $0.hasClass("claim-bar") }?.attributes["x1"] }
            .flatMap(Double.init))
        let axisEnd = svg.all("line").compactMap { $0.attributes["x2"].flatMap(Double.init) }.max()!
        #expect(disputed.max()! > lastClaimX)
        #expect(disputed.max() == axisEnd)
        #expect(svg.titles(of: bands[1].index).first?.contains("Disputed") == true)
    }

    @Test func contradictedClaimsAreRedAndThickAndOnlyThey() throws {
        let svg = try timelineSVG()
        let red = Palette.contradicted.hex
        let contradicted = svg.all("g", class: "contradicted")
        #expect(contradicted.count == 2)
        for group in contradicted {
            let shapes = svg.descendants(of: group.index).filter { $0.name != "title" }
            #expect(shapes.allSatisfy { $0.attributes["stroke"] == red || $0.attributes["fill"] == red })
        }
        let redBar = try #require(svg.descendants(of: contradicted[1].index).first { $0.hasClass("claim-bar") })
        #expect(redBar.attributes["stroke-width"] == "3.5" && redBar.attributes["stroke-dasharray"] != "none")
        #expect(svg.descendants(of: contradicted[0].index).contains { $0.hasClass("contradiction-halo") })
        let calm = svg.all("g", class: "claim").filter { !$0.hasClass("contradicted") }
        #expect(calm.count == 3)
        for group in calm {
            #expect(!svg.descendants(of: group.index).contains { $0.attributes["stroke"] == red || $0.attributes["fill"] == red })
        }
    }

    @Test func everyClaimHasHoverTextWithWordingDateSpeakerAndSource() throws {
        let svg = try timelineSVG()
        for claim in ChartFixtures.claims {
            let group = try #require(svg.claimGroup(containing: claim.wording))
            let text = try #require(svg.titles(of: group.index).first)
            #expect(svg.children(of: group.index).first?.name == "title", "title first, for screen readers")
            #expect(text.contains("“\(claim.wording)”"))
            #expect(text.contains("as of \(claim.asOf)"))
            #expect(text.contains(claim.source))
            if let speaker = claim.speaker { #expect(text.contains("speaker: \(speaker)")) } else { #expect(!text.contains("speaker:")) }
            if let sourceTitle = claim.sourceTitle { #expect(text.contains(sourceTitle)) }
        }
        let seventy = try #require(svg.claimGroup(containing: "implemented by 70 percent"))
        #expect(svg.titles(of: seventy.index).first?.contains("contradicted") == true)
    }

    @Test func timelineHasAxesTicksAndGridlines() throws {
        let svg = try timelineSVG()
        #expect(svg.texts.contains("percent of measures"))
        #expect(svg.texts.contains("as-of date"))
        #expect(svg.texts.contains(title))
        for label in ["0", "50", "100", "2022-01", "2023-01"] { #expect(svg.texts.contains(label), "\(label)") }
        #expect(svg.all("line", class: "gridline").count >= 11 + 4)
    }

    @Test func svgIsSelfContained() {
        let outputs = [
            SVGChart.timeline(ChartFixtures.timeline, title: title),
            SVGChart.burnUp(ChartFixtures.burnUp, title: title),
            SVGChart.programmeBars(ChartFixtures.programmes, title: title),
            SVGChart.timeline(ChartFixtures.empty, title: title),
        ]
        for svg in outputs {
            #expect(!svg.lowercased().contains("<script"))
            #expect(svg.components(separatedBy: "http").count == 2, "only the SVG namespace")
            #expect(!svg.contains("href") && !svg.contains("url(") && !svg.contains("@import") && !svg.contains("<image"))
            #expect(!svg.contains(" id="), "no ids, so charts can share a page")
        }
    }

    @Test func outputIsDeterministicWithOneDecimal() throws {
        let first = SVGChart.timeline(ChartFixtures.timeline, title: title)
        #expect(first == SVGChart.timeline(ChartFixtures.timeline, title: title))
        let svg = try ParsedSVG(first)
        let numeric = ["x", "y", "cx", "cy", "r", "x1", "y1", "x2", "y2", "width", "height"]
        let values = svg.elements.flatMap { element in numeric.compactMap { element.attributes[$0] } }
        #expect(values.count > 50)
        #expect(values.allSatisfy { $0.wholeMatch(of: /-?\d+\.\d/) != nil })
    }

    @Test func textFullOfMarkupAndCyrillicIsEscaped() throws {
        let hostile = ChartFixtures.hostile
        var timeline = ChartFixtures.timeline
        timeline.claims[0].wording = hostile
        timeline.claims[0].speaker = hostile
        timeline.claims[0].sourceTitle = hostile
        let text = SVGChart.timeline(timeline, title: hostile)
        #expect(!text.contains("<&>"))
        #expect(!text.contains("<script>"))
        #expect(!text.contains("\"quoted\""))
        #expect(text.contains("Союзное государство &lt;&amp;&gt; &quot;quoted&quot; &#39;single&#39;"))
        let svg = try ParsedSVG(text)
        #expect(svg.children(of: 0).first?.text == hostile, "the parsed title is the original text")
        let group = try #require(svg.claimGroup(containing: hostile))
        #expect(svg.titles(of: group.index).first?.contains("speaker: \(hostile)") == true)
        #expect(svg.all("script").isEmpty)
    }

    @Test func controlCharactersDoNotBreakTheXML() throws {
        var timeline = ChartFixtures.timeline
        timeline.claims[0].wording = "seventy\u{1}\u{1B}[31m percent"
        _ = try ParsedSVG(SVGChart.timeline(timeline, title: "bell\u{7}"))
    }

    @Test func emptyTimelineSaysNoData() throws {
        let svg = try ParsedSVG(SVGChart.timeline(ChartFixtures.empty, title: title))
        #expect(svg.elements[0].name == "svg")
        #expect(svg.children(of: 0).first?.text == title)
        #expect(svg.texts.contains("no data"))
        #expect(svg.all("g", class: "claim").isEmpty)
    }

    @Test func oneDayOfClaimsStillDrawsABand() throws {
        let claim = ChartFixtures.claims[3]
        let timeline = Timeline(scope: "s", unit: "content",
                                steps: [.init(date: claim.asOf, estimate: claim.interval, disputed: false)], claims: [claim])
        let svg = try timelineSVG(timeline)
        let path = try #require(svg.all("g", class: "estimate-band").first.flatMap { band in
            svg.descendants(of: band.index).first { $0.name == "path" }
        })
        let xs = try pathXs(path.attributes["d"]!)
        #expect(xs.max()! - xs.min()! > 100)
        #expect(svg.texts.contains("percent of content"))
    }

    @Test func burnUpDrawsReachedAgainstPlanned() throws {
        let svg = try ParsedSVG(SVGChart.burnUp(ChartFixtures.burnUp, title: "Payment systems"))
        let planned = try #require(svg.all("g", class: "planned").first)
        let reached = try #require(svg.all("g", class: "reached").first)
        let plannedPath = try #require(svg.descendants(of: planned.index).first { $0.name == "path" })
        let reachedPath = try #require(svg.descendants(of: reached.index).first { $0.name == "path" })
        #expect(plannedPath.attributes["stroke-dasharray"] != "none", "planned is dashed")
        #expect(reachedPath.attributes["stroke-dasharray"] == "none", "reached is solid")
        // Three rises planned after the start, one reached: a step line has one V per rise.
        #expect(plannedPath.attributes["d"]!.filter { $0 == "V" }.count == 3)
        #expect(reachedPath.attributes["d"]!.filter { $0 == "V" }.count == 1)
        #expect(svg.all("g", class: "reached-point").count == 2)
        #expect(svg.texts.contains("milestones"))
        #expect(svg.texts.contains("reached: 3 of 5"))
        let reachedTitles = svg.all("g", class: "reached-point").flatMap { svg.titles(of: $0.index) }
        #expect(reachedTitles.contains { $0.contains("Law harmonised") && $0.contains("Second agreement") })
    }

    @Test func burnUpWithoutDatedMilestonesSaysNoData() throws {
        for burnUp in [BurnUp(programme: "p", milestones: []),
                       BurnUp(programme: "p", milestones: [.init(id: "a", title: "A", due: nil, reachedOn: nil)])] {
            let svg = try ParsedSVG(SVGChart.burnUp(burnUp, title: "P"))
            #expect(svg.texts.contains("no data"))
            #expect(svg.all("path").isEmpty)
        }
    }

    @Test func programmeBarsShowOneRowEach() throws {
        let long = String(repeating: "Harmonisation of the customs & tax law <and> ", count: 4)
        var programmes = ChartFixtures.programmes
        programmes[1].title = long
        let svg = try ParsedSVG(SVGChart.programmeBars(programmes, title: "Programmes"))
        let rows = svg.all("g", class: "programme")
        #expect(rows.count == 3)
        let label = try #require(svg.descendants(of: rows[1].index).first { $0.hasClass("programme-title") })
        #expect(label.text.hasSuffix("…") && label.text.count < long.count)
        #expect(svg.titles(of: rows[1].index).first?.contains(long) == true, "the full title on hover")
        #expect(svg.descendants(of: rows[1].index).contains { $0.hasClass("estimate-marker") }, "lo == hi: a marker")
        #expect(svg.descendants(of: rows[2].index).contains { $0.hasClass("no-claim") && $0.text == "no claim" })
        #expect(svg.texts.contains("40 content"))

        // The [70, 100] bar starts 70% of the way from the 0 tick to the 100 tick and ends on it.
        let bar = try #require(svg.descendants(of: rows[0].index).first { $0.hasClass("estimate-bar") })
        let tick = { (label: String) in svg.elements.first { $0.name == "text" && $0.text == label }.flatMap { $0.attributes["x"] }.flatMap(Double.init)! }
        let (zero, hundred) = (tick("0"), tick("100"))
        let left = Double(bar.attributes["x"]!)!, width = Double(bar.attributes["width"]!)!
        #expect(abs(left - (zero + 0.7 * (hundred - zero))) < 0.2)
        #expect(abs(left + width - hundred) < 0.2)
        #expect(svg.texts.contains("percent"))
    }

    @Test func noProgrammesSaysNoData() throws {
        let svg = try ParsedSVG(SVGChart.programmeBars([], title: "Programmes"))
        #expect(svg.texts.contains("no data"))
    }

    @Test(arguments: [0, 120, 300, 1400])
    func anyWidthGivesAValidChart(width: Int) throws {
        for text in [SVGChart.timeline(ChartFixtures.timeline, title: title, width: width, height: width / 2),
                     SVGChart.burnUp(ChartFixtures.burnUp, title: title, width: width, height: width / 3),
                     SVGChart.programmeBars(ChartFixtures.programmes, title: title, width: width)] {
            let svg = try ParsedSVG(text)
            let drawnWidth = try #require(svg.elements[0].attributes["width"].flatMap(Double.init))
            #expect(drawnWidth >= max(Double(width), ChartLayout.minimumWidth))
        }
    }

    /// The x coordinates a path visits (after M, L and H).
    private func pathXs(_ d: String) throws -> [Double] {
        var xs: [Double] = []
        for match in d.matches(of: /([MLH])(-?\d+\.\d)/) {
            xs.append(try #require(Double(String(match.output.2))))
        }
        return xs
    }
}

/// An SVG parsed by Foundation's XMLParser, as a flat list of elements with parent links.
struct ParsedSVG {
    struct Element {
        var index: Int
        var name: String
        var attributes: [String: String]
        var parent: Int?
        var text = ""

        func hasClass(_ name: String) -> Bool {
            (attributes["class"] ?? "").split(separator: " ").contains { $0 == name }
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    var elements: [Element]

    init(_ text: String) throws {
        let collector = Collector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = collector
        guard parser.parse() else {
            throw ParseError(description: "not XML: \(parser.parserError.map { "\($0)" } ?? "unknown error")\n\(text)")
        }
        elements = collector.elements
    }

    func all(_ name: String, class className: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (className.map($0.hasClass) ?? true) }
    }

    func children(of index: Int) -> [Element] {
        elements.filter { $0.parent == index }
    }

    func descendants(of index: Int) -> [Element] {
        elements.filter { element in
            var parent = element.parent
            while let current = parent {
                if current == index { return true }
                parent = elements[current].parent
            }
            return false
        }
    }

    /// Texts of the `<title>` children of an element.
    func titles(of index: Int) -> [String] {
        children(of: index).filter { $0.name == "title" }.map(\.text)
    }

    var texts: [String] { all("text").map(\.text) }

    /// The legend draws one sample of each mark; counts of what a chart shows leave those out.
    func outsideLegend(_ found: [Element]) -> [Element] {
        let legend = Set(all("g", class: "legend").flatMap { descendants(of: $0.index).map(\.index) })
        return found.filter { !legend.contains($0.index) }
    }

    func claimGroup(containing wording: String) -> Element? {
        all("g", class: "claim").first { group in titles(of: group.index).contains { $0.contains("“\(wording)”") } }
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var stack: [Int] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            elements.append(Element(index: elements.count, name: elementName, attributes: attributeDict, parent: stack.last))
            stack.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let top = stack.last { elements[top].text += string }
        }
    }
}
