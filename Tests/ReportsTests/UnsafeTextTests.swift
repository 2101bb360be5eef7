import Foundation
import Reports
import Testing
import Tracker

/// Text from the data cannot act on whatever reads a report: no spreadsheet formulas in CSV, no
/// terminal control sequences in Markdown or HTML.
struct UnsafeTextTests {
    static let controls = "A \u{1B}[31mred\u{1B}]0;title\u{7} \u{9B}2J \u{7F}end\r"

    static let report: Report = {
        var report = Fixtures.report
        report.title = "Title " + controls
        report.portfolio?.title = report.title
        report.claims = report.claims.enumerated().map { index, claim in
            var claim = claim
            claim.speaker = ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"][index % 6]
            claim.sourceTitle = "Source " + controls
            return claim
        }
        report.sources = report.sources.map { source in
            var source = source
            source.title = "Source " + controls
            return source
        }
        return report
    }()

    @Test func csvCellsThatStartAFormulaGetAQuote() {
        #expect(CSV.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSV.field("+1+2") == "'+1+2")
        #expect(CSV.field("-2+3") == "'-2+3")
        #expect(CSV.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSV.field("\tx") == "'\tx")
        #expect(CSV.field("\rx") == "\"'\rx\"")
        #expect(CSV.field("more than half") == "more than half")
    }

    @Test func numbersStayNumbers() {
        for number in ["-5", "-5.25", "+3", "0", "-0.5", "1e3", "-1E-3"] {
            #expect(CSV.field(number) == number)
        }
        #expect(CSV.field("-") == "'-")
        #expect(CSV.field("-5 percent") == "'-5 percent")
    }

    @Test func theReportsCSVHasNoFormula() {
        let csv = ReportRenderer.csv(Self.report)
        for line in csv.split(separator: "\r\n") {
            for start in ["=", "+", "@", "\"=", "\"+", "\"@", "\"-2", "-2"] {
                #expect(!line.hasPrefix(start) && !line.contains("," + start), "\(line)")
            }
        }
        #expect(csv.contains(",\"'=HYPERLINK("))
        #expect(csv.contains(",'-2+3,"))
    }

    @Test func controlCharactersAreVisibleInMarkdown() {
        let markdown = ReportRenderer.markdown(Self.report, chartPrefix: "report")
        let texts = [markdown.document] + markdown.charts.map(\.svg)
        for text in texts {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || (0x7F...0x9F).contains($0.value) },
                    "\(text.debugDescription.prefix(400))")
        }
        #expect(markdown.document.contains("␛[31mred␛]0;title␇ \\\\u{9B}2J ␡end"), "the backslash itself is escaped for Markdown")
    }

    @Test func controlCharactersAreVisibleInHTML() {
        for html in [ReportRenderer.html(Self.report), ReportRenderer.html(Self.report, charts: .constant)] {
            #expect(!html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || (0x7F...0x9F).contains($0.value) })
        }
        #expect(ReportRenderer.html(Self.report, charts: .constant).contains("␛[31mred"))
    }

    @Test func visibleControlsKeepsLineBreaksOnlyWhenAsked() {
        #expect(VisibleText.controls("a\u{1B}b\nc\td") == "a␛b\nc\td")
        #expect(VisibleText.controls("a\nb\tc\r", keepingLayout: false) == "a␊b␉c␍")
        #expect(VisibleText.controls("\u{9B}x\u{7F}") == "\\u{9B}x␡")
        #expect(VisibleText.controls("Союз — «итоги»") == "Союз — «итоги»")
    }
}
