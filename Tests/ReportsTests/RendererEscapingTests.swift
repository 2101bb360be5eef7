import Foundation
import Reports
import Testing

/// Text from the data is shown as text in every format, whatever it holds.
struct RendererEscapingTests {
    let report = Fixtures.hostile

    /// With the real charts, since the page embeds their SVG: it must be as safe as the rest.
    @Test func htmlEscapesEveryText() {
        let html = ReportRenderer.html(report)
        #expect(html.contains("<title>Союзное государство &lt;&amp;&gt; \"quoted\"</title>"))
        #expect(html.contains("<h1>Союзное государство &lt;&amp;&gt; \"quoted\"</h1>"))
        #expect(!html.contains("<&>"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("<i>"))
        #expect(!html.contains("<script"))
        // An entity written in the data stays visible as written instead of turning into "<".
        #expect(html.contains("Decree &amp;lt;No. 6&amp;gt;"))
    }

    @Test func htmlLinksStayInsideTheirAttribute() {
        let html = ReportRenderer.html(report, charts: .constant)
        #expect(html.contains(
            "href=\"https://example.org/briefings/2022-12-15?a=1&amp;b=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
        #expect(!html.contains("href=\"javascript:"))
        #expect(html.contains(" URL: javascript:alert(1). Cited for claim 5.\n"), "shown as text, never a link")
    }

    @Test func markdownCellsKeepTheirTable() {
        let markdown = ReportRenderer.markdown(report, chartPrefix: "report", charts: .constant).document
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
        var columns: Int?
        for line in lines {
            guard line.hasPrefix("|") else {
                columns = nil
                continue
            }
            let pipes = Self.unescapedPipes(line)
            if let columns { #expect(pipes == columns, "\(line)") } else { columns = pipes }
        }
        #expect(markdown.contains("Союзное государство \\<\\&\\> \"quoted\""))
        #expect(markdown.contains("\\| \\<b\\>x\\</b\\> \\& \"q\",<br>next"))
        // The only markup left is the renderer's own: line breaks and link destinations.
        let markup = markdown.replacingOccurrences(of: "\\<", with: "")
            .replacingOccurrences(of: "<br>", with: "")
            .replacingOccurrences(of: "](<https://", with: "")
        #expect(!markup.contains("<"))
        #expect(markdown.contains("](<https://example.org/briefings/2022-12-15?a=1\\&b=\"%3E%3Cscript%3Ealert(1)%3C/script%3E>)"))
        #expect(!markdown.contains("](<javascript"))
    }

    @Test func markdownChartFilesAreSlugs() {
        let charts = ReportRenderer.markdown(report, chartPrefix: "Report <1>", charts: .constant).charts
        #expect(charts.count == 4)
        #expect(Set(charts.map(\.name)).count == charts.count)
        for chart in charts {
            #expect(chart.name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") })
            #expect(chart.name.hasPrefix("report-1-") && chart.name.hasSuffix(".svg"))
        }
    }

    @Test func csvQuotesFieldsAndRoundTrips() throws {
        let csv = ReportRenderer.csv(report)
        #expect(csv.contains(",\"40 percent | <b>x</b> & \"\"q\"\",\nnext\","))
        let records = try Self.parseCSV(csv)
        #expect(records.count == report.claims.count + 1)
        for record in records { #expect(record.count == records[0].count) }
        let wording = try #require(records[0].firstIndex(of: "wording"))
        let speaker = try #require(records[0].firstIndex(of: "speaker"))
        #expect(records.dropFirst().map { $0[wording] } == report.claims.map(\.wording))
        #expect(records.dropFirst().map { $0[speaker] } == report.claims.map { $0.speaker ?? "" })
    }

    @Test func jsonRoundTrips() throws {
        let json = ReportRenderer.json(report)
        #expect(json.contains("\"title\" : \"Союзное государство <&> \\\"quoted\\\"\""))
        let decoded = try ReportRenderer.jsonDecoder.decode(Report.self, from: Data(json.utf8))
        #expect(decoded == report)
    }

    /// `|` that split a GitHub table row: those not escaped by an odd run of backslashes.
    static func unescapedPipes(_ line: Substring) -> Int {
        var count = 0
        var backslashes = 0
        for character in line {
            if character == "|", backslashes % 2 == 0 { count += 1 }
            backslashes = character == "\\" ? backslashes + 1 : 0
        }
        return count
    }

    /// A strict RFC 4180 reader: CRLF between records, quotes doubled inside quoted fields.
    static func parseCSV(_ text: String) throws -> [[String]] {
        struct Malformed: Error {}
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.append(characters.removeFirst()) } else { quoted = false }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                guard field.isEmpty else { throw Malformed() }
                quoted = true
            } else if character == "," {
                record.append(field)
                field = ""
            } else if character == "\r\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else if character.isNewline {
                throw Malformed()
            } else {
                field.append(character)
            }
        }
        guard !quoted, record.isEmpty, field.isEmpty else { throw Malformed() }
        return records
    }
}

extension ChartSource {
    /// Charts that say nothing, so escaping tests see only what the renderers wrote.
    static let constant = ChartSource(
        timeline: { _, _, _ in "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" },
        burnUp: { _, _ in "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" },
        programmeBars: { _, _ in "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" }
    )
}
