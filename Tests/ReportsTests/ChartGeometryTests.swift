import Reports
import Testing
import Tracker

@Suite struct ChartGeometryTests {
    private func date(_ text: String) -> CalendarDate { ChartFixtures.date(text) }

    @Test func linearScaleMapsTheEndsOfTheDomainToTheEndsOfTheRange() {
        let y = LinearScale(domain: 0...100, range: (300, 20))
        #expect(y(0) == 300)
        #expect(y(100) == 20)
        #expect(y(50) == 160)
    }

    @Test func aOneValueDomainMapsToTheMiddle() {
        let scale = LinearScale(domain: 5...5, range: (0, 10))
        #expect(scale(5) == 5)
        #expect(scale(99) == 5)
    }

    @Test func dayNumbersCountFromTheUnixEpoch() {
        #expect(DateScale.dayNumber(date("1970-01-01")) == 0)
        #expect(DateScale.dayNumber(date("2000-03-01")) == 11017)
        #expect(DateScale.dayNumber(date("2023-05-17")) == 19494)
        #expect(DateScale.dayNumber(date("0001-01-01")) == -719_162)
    }

    @Test func dayNumbersRoundTripThroughLeapDaysAndCenturies() {
        let start = DateScale.dayNumber(date("1899-12-25"))
        let end = DateScale.dayNumber(date("2101-01-05"))
        var previous: CalendarDate?
        for number in start...end {
            let day = DateScale.date(dayNumber: number)
            #expect(DateScale.dayNumber(day) == number)
            if let previous { #expect(previous < day) }
            previous = day
        }
        #expect(DateScale.adding(1, to: date("2024-02-28")) == date("2024-02-29"))
        #expect(DateScale.adding(1, to: date("1900-02-28")) == date("1900-03-01"))
    }

    @Test func dateScaleMapsFirstAndLastDayToTheRangeEnds() {
        let x = DateScale(from: date("2023-01-01"), to: date("2023-12-31"), range: (60, 760))
        #expect(x(date("2023-01-01")) == 60)
        #expect(x(date("2023-12-31")) == 760)
        // By days, not months: July 2 is the middle of 2023.
        #expect(abs(x(date("2023-07-02")) - 410) < 0.01)
    }

    @Test func paddedDomainLeavesRoomBeforeAndMoreAfter() {
        let domain = DateScale.paddedDomain(first: date("2021-01-01"), last: date("2023-01-01"))
        #expect(domain.start < date("2021-01-01"))
        #expect(domain.end > date("2023-01-01"))
        let before = DateScale.dayNumber(date("2021-01-01")) - DateScale.dayNumber(domain.start)
        let after = DateScale.dayNumber(domain.end) - DateScale.dayNumber(date("2023-01-01"))
        #expect(after == 2 * before)
        let single = DateScale.paddedDomain(first: date("2023-05-17"), last: date("2023-05-17"))
        #expect(single.start == date("2023-04-17"))
        #expect(single.end == date("2023-06-16"))
    }

    @Test func dateTicksOverTwoYearsAreQuartersInsideTheRange() {
        let ticks = Ticks.dates(from: date("2021-11-04"), to: date("2023-12-31"), maxCount: 9)
        #expect(ticks.map(\.label) == ["2022-01", "2022-04", "2022-07", "2022-10", "2023-01", "2023-04", "2023-07", "2023-10"])
        #expect(ticks.allSatisfy { $0.date.day == 1 && [1, 4, 7, 10].contains($0.date.month) })
    }

    @Test func dateTicksForAFewDaysAreDays() {
        let ticks = Ticks.dates(from: date("2023-05-15"), to: date("2023-05-19"), maxCount: 10)
        #expect(ticks.map(\.label) == ["2023-05-15", "2023-05-16", "2023-05-17", "2023-05-18", "2023-05-19"])
    }

    @Test func dateTicksOverDecadesAreRoundYears() {
        let ticks = Ticks.dates(from: date("1991-03-01"), to: date("2023-06-01"), maxCount: 8)
        #expect(ticks.map(\.label) == ["1995", "2000", "2005", "2010", "2015", "2020"])
    }

    @Test(arguments: [1, 2, 3, 5, 8, 12])
    func dateTicksStayInsideTheRangeAndUnderTheLimit(maxCount: Int) {
        let starts = ["2020-01-01", "2021-11-04", "2023-05-17", "1999-12-31"].map(date)
        for start in starts {
            for days in [0, 1, 6, 20, 45, 100, 400, 800, 3000, 20000] {
                let end = DateScale.adding(days, to: start)
                let ticks = Ticks.dates(from: start, to: end, maxCount: maxCount)
                #expect(!ticks.isEmpty)
                #expect(ticks.count <= maxCount, "\(start)…\(end)")
                #expect(ticks.allSatisfy { start <= $0.date && $0.date <= end }, "\(start)…\(end)")
                #expect(ticks.map(\.date) == ticks.map(\.date).sorted())
                #expect(Set(ticks.map(\.label)).count == ticks.count, "labels must tell ticks apart")
            }
        }
    }

    @Test func percentTicksFollowTheRoomAvailable() {
        #expect(Ticks.percent(axisLength: 300) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        #expect(Ticks.percent(axisLength: 150) == [0, 25, 50, 75, 100])
        #expect(Ticks.percent(axisLength: 40) == [0, 50, 100])
    }

    @Test func countTicksAreRoundAndReachTheMaximum() {
        #expect(Ticks.counts(upTo: 4, maxCount: 6) == [0, 1, 2, 3, 4])
        #expect(Ticks.counts(upTo: 12, maxCount: 6) == [0, 5, 10, 15])
        #expect(Ticks.counts(upTo: 310, maxCount: 8) == [0, 50, 100, 150, 200, 250, 300, 350])
        #expect(Ticks.counts(upTo: 0, maxCount: 5) == [0, 1])
        for maximum in 0...500 {
            let ticks = Ticks.counts(upTo: maximum, maxCount: 7)
            #expect(ticks.count <= 7 && ticks.last! >= maximum)
        }
    }

    @Test(arguments: [(800, 360), (320, 200), (1600, 900), (10, 10), (0, 0)])
    func layoutKeepsThePlotInsideTheCanvas(width: Int, height: Int) {
        for legendRows in 0...3 {
            let layout = ChartLayout(width: width, height: height, legendRows: legendRows, yLabelWidth: 20)
            #expect(layout.width >= ChartLayout.minimumWidth && layout.width >= Double(width))
            #expect(layout.plot.width > 0 && layout.plot.height > 0)
            #expect(layout.canvas.contains(layout.plot))
            #expect(layout.plot.y > layout.legendTop + Double(legendRows) * ChartLayout.legendRowHeight - 0.001)
            #expect(layout.xTitleBaseline <= layout.height)
        }
    }

    @Test func layoutHeightForAPlotGivesThatPlot() {
        let height = ChartLayout.height(forPlotHeight: 260, legendRows: 1)
        let layout = ChartLayout(width: 800, height: height, legendRows: 1, yLabelWidth: 100)
        #expect(abs(layout.plot.height - 260) < 1)
    }

    @Test func contrastRatioFollowsWCAG() {
        let black = Colour(hex: 0x000000)
        #expect(abs(contrastRatio(black, .white) - 21) < 0.001)
        #expect(contrastRatio(.white, .white) == 1)
        #expect(contrastRatio(black, .white) == contrastRatio(.white, black))
        // #767676 is the lightest grey that passes 4.5 on white; #777777 fails.
        #expect(contrastRatio(Colour(hex: 0x767676), .white) >= 4.5)
        #expect(contrastRatio(Colour(hex: 0x777777), .white) < 4.5)
    }

    @Test func everyPaletteColourIsReadableOnWhite() {
        #expect(Palette.all.count >= 6)
        for (name, colour) in Palette.all {
            #expect(contrastRatio(colour, .white) >= 4.5, "\(name) \(colour.hex)")
        }
        #expect(Set(Palette.all.map(\.colour)).count == Palette.all.count, "each colour means one thing")
    }

    @Test func coloursWriteAsLowerCaseHex() {
        #expect(Colour(hex: 0xB00020).hex == "#b00020")
        #expect(Colour.white.hex == "#ffffff")
    }

    @Test func xmlEscapeEscapesTheFiveAndDropsForbiddenControls() {
        #expect(xmlEscape("a < b & c > \"d\" 'e'") == "a &lt; b &amp; c &gt; &quot;d&quot; &#39;e&#39;")
        #expect(xmlEscape("Союзное государство") == "Союзное государство")
        #expect(xmlEscape("bell\u{7}line\nend\u{FFFF}") == "bell␇line\nend\u{FFFD}")
    }

    @Test func truncationEndsWithAnEllipsisOnlyWhenItCuts() {
        #expect(TextMetrics.truncate("Integration of payment systems", toCount: 12) == "Integration…")
        #expect(TextMetrics.truncate("short", toCount: 12) == "short")
        #expect(TextMetrics.truncate("abcdef", toCount: 4, ellipsis: "...") == "a...")
        #expect(TextMetrics.truncate("abcdef", toCount: 0) == "")
        let cut = TextMetrics.truncate(String(repeating: "x", count: 200), toWidth: 100, fontSize: 10)
        #expect(TextMetrics.width(of: cut, fontSize: 10) <= 100)
    }

    @Test func claimShapesTellPointsFromClosedAndOpenBars() {
        #expect(ClaimShape(.exactly(40)) == .point(40))
        #expect(ClaimShape(PercentInterval(lo: 35, hi: 45)) == .bar(lo: 35, hi: 45, loOpen: false, hiOpen: false))
        #expect(ClaimShape(.atLeast(50, inclusive: false)) == .bar(lo: 50, hi: 100, loOpen: true, hiOpen: false))
        #expect(ClaimShape(.atLeast(50, inclusive: false)).hasOpenEnd)
        #expect(!ClaimShape(PercentInterval(lo: 35, hi: 45)).hasOpenEnd)
        #expect(ClaimShape(PercentInterval(lo: -5, hi: 120)) == .bar(lo: 0, hi: 100, loOpen: false, hiOpen: false))
    }

    @Test func bandSegmentsRunToTheNextStepAndTheLastToTheEdge() {
        let segments = ChartFixtures.timeline.bandSegments
        #expect(segments.count == 5)
        #expect(segments[0].from == date("2021-12-10") && segments[0].until == date("2022-06-30"))
        #expect(segments[3].lo == 70 && segments[3].hi == 100)
        #expect(segments[4].until == nil && segments[4].disputed)
    }

    @Test func claimsOfOneDayAreRankedSoTheyCanSitSideBySide() {
        var timeline = ChartFixtures.timeline
        timeline.claims.append(ChartFixtures.claim(6, "80%", .exactly(80), "2023-01-19"))
        let ranked = timeline.claimsBySameDay.filter { $0.claim.asOf == date("2023-01-19") }
        #expect(ranked.map(\.rank) == [0, 1])
        #expect(ranked.allSatisfy { $0.ofDay == 2 })
    }

    @Test func burnUpCountsUndatedMilestonesAsPlannedFromTheStart() throws {
        let series = try #require(BurnUpSeries(ChartFixtures.burnUp))
        #expect(series.first == date("2022-02-20") && series.last == date("2023-06-01"))
        #expect(series.total == 5)
        #expect(series.planned.map(\.count) == [1, 2, 4, 5])
        #expect(series.planned.map(\.date) == ["2022-02-20", "2022-03-01", "2022-09-01", "2023-06-01"].map(date))
        #expect(series.reached.map(\.count) == [1, 3])
        #expect(series.reached.map(\.date) == ["2022-02-20", "2022-11-15"].map(date))
        #expect(BurnUpSeries(BurnUp(programme: "p", milestones: [])) == nil)
        #expect(BurnUpSeries(BurnUp(programme: "p", milestones: [.init(id: "a", title: "A", due: nil, reachedOn: nil)])) == nil)
    }
}
