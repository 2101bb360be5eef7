import Reports
import Testing
import Tracker

@Suite struct ChartTerminalTests {
    private let escape: Character = "\u{1B}"

    private func chart(width: Int, unicode: Bool, colour: Bool = false, timeline: Timeline = ChartFixtures.timeline,
                       title: String = "Union State 2021–2023 — measures") -> String {
        TerminalChart.timeline(timeline, title: title, width: width, unicode: unicode, colour: colour)
    }

    /// What a terminal shows: the text without ANSI colour sequences.
    private func visible(_ text: String) -> String {
        text.replacing(/\x{1B}\[[0-9;]*m/, with: "")
    }

    @Test(arguments: [1, 8, 20, 40, 80, 132])
    func everyLineFitsTheWidth(width: Int) {
        for unicode in [true, false] {
            for colour in [true, false] {
                for timeline in [ChartFixtures.timeline, ChartFixtures.empty] {
                    let text = visible(chart(width: width, unicode: unicode, colour: colour, timeline: timeline,
                                             title: ChartFixtures.hostile))
                    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                        #expect(line.count <= width, "\(line)")
                    }
                }
            }
        }
    }

    @Test func asciiModeIsPureASCIIEvenForCyrillicTitles() {
        let text = chart(width: 80, unicode: false, title: ChartFixtures.hostile)
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(text.hasPrefix("??????? ??????????? <&>"))
        let punctuation = chart(width: 80, unicode: false, title: "Союз – «итоги» “quoted” …")
        #expect(punctuation.hasPrefix("???? - \"?????\" \"quoted\" ...\n"))
        let unicodeText = chart(width: 80, unicode: true, title: ChartFixtures.hostile)
        #expect(unicodeText.hasPrefix("Союзное государство"))
        #expect(unicodeText.contains("░") && unicodeText.contains("●"))
    }

    @Test func colourOnlyWhenAskedFor() {
        for unicode in [true, false] {
            let plain = chart(width: 80, unicode: unicode, colour: false)
            let coloured = chart(width: 80, unicode: unicode, colour: true)
            #expect(!plain.contains(escape))
            #expect(coloured.contains(escape))
            #expect(visible(coloured) == plain, "colour changes nothing but colour")
        }
    }

    @Test func titlesCannotSmuggleEscapes() {
        let text = chart(width: 80, unicode: true, colour: false, title: "red\u{1B}[31m title")
        #expect(!text.contains(escape))
    }

    @Test func asciiChartHasRowsAxesDatesAndLegend() {
        let lines = chart(width: 80, unicode: false).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "Union State 2021-2023 - measures")
        let plotRows = Array(lines[1...11])
        #expect(plotRows[0].hasPrefix(" 100+"))
        #expect(plotRows[5].hasPrefix("  50+"))
        #expect(plotRows[10].hasPrefix("   0+"))
        #expect(plotRows.allSatisfy { ["|", "+"].contains($0.dropFirst(4).first) }, "a y axis on every row")
        #expect(lines[12].hasPrefix("    ++-"), "corner, then a tick under the first date")
        #expect(lines[13].hasPrefix("     2021-12-10") && lines[13].hasSuffix("2023-09-01"))
        let legend = lines[14...].joined(separator: " ")
        for entry in [": estimate", "~ disputed", "* exact claim", "+|+ range claim", "^v end excluded", "#! contradicted"] {
            #expect(legend.contains(entry), "\(entry)")
        }
        // "7 of 28" (25%) is an exact claim in the first column; 70%, contradicted, is a `#`.
        #expect(plotRows[8].dropFirst(5).hasPrefix("*"))
        #expect(plotRows.joined().contains("#"))
        // "more than half" ends in `^` on the 50 row, "less than 60%" in `v` on the 60 row.
        #expect(plotRows[5].contains("^") && plotRows[4].contains("v"))
        // The disputed estimate runs from the last claim to the right edge.
        #expect(plotRows[10].hasSuffix("~"))
    }

    @Test func emptyTimelineSaysNoData() {
        let text = chart(width: 40, unicode: true, timeline: ChartFixtures.empty, title: "Nothing yet")
        #expect(text == "Nothing yet\nno data")
    }

    @Test func zeroWidthDrawsNothing() {
        #expect(chart(width: 0, unicode: true).isEmpty)
    }
}
