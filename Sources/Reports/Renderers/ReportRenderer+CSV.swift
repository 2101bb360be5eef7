import Foundation
import Tracker

extension ReportRenderer {
    /// RFC 4180 (cells that would be formulas neutralised: `CSV.field`): one row per claim in date order, column names as in `reporting.claims` and
    /// `reporting.progress_timeline`, plus the estimate of the claim's scope and unit on its as-of date.
    public static func csv(_ report: Report) -> String {
        let header = [
            "claim_id", "scope", "unit", "as_of", "wording", "lo", "hi", "lo_inclusive", "hi_inclusive",
            "speaker", "source", "source_title", "source_url", "contradicted",
            "estimate_lo", "estimate_hi", "estimate_lo_inclusive", "estimate_hi_inclusive", "disputed", "quote",
        ]
        let rows = ReportText.inDateOrder(report.claims).map { claim in
            let step = ReportText.step(at: claim, in: report.timelines)
            return [
                claim.id.uuidString.lowercased(), claim.scope, claim.unit, claim.asOf.description, claim.wording,
                PercentInterval.format(claim.interval.lo), PercentInterval.format(claim.interval.hi),
                String(claim.interval.loInclusive), String(claim.interval.hiInclusive),
                claim.speaker ?? "", claim.source, claim.sourceTitle ?? "", claim.sourceURL ?? "",
                String(claim.contradicted),
                step.map { PercentInterval.format($0.estimate.lo) } ?? "",
                step.map { PercentInterval.format($0.estimate.hi) } ?? "",
                step.map { String($0.estimate.loInclusive) } ?? "",
                step.map { String($0.estimate.hiInclusive) } ?? "",
                step.map { String($0.disputed) } ?? "",
                claim.quote ?? "",
            ]
        }
        // Records end in CRLF, as RFC 4180 asks; spreadsheets and csv libraries expect it.
        return ([header] + rows).map { $0.map(CSV.field).joined(separator: ",") + "\r\n" }.joined()
    }
}

public enum CSV {
    /// Quoted when it holds a comma, a quote, a line break or edge spaces; quotes inside are doubled.
    /// A text a spreadsheet would run as a formula (one starting with `=`, `+`, `-`, `@`, a tab or a
    /// carriage return) gets a leading `'`, as OWASP advises against CSV injection; a number such as
    /// `-5` is left as it is, so numeric columns stay numeric. Nothing else is altered.
    public static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, formulaStarts.contains(first), !isNumber(value) {
            value = "'" + value
        }
        let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0.isNewline }
            || value.first == " " || value.last == " "
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// A plain decimal number, e.g. `-5`, `+3`, `-0.5`, `1e3`: what a spreadsheet reads as a value.
    static func isNumber(_ text: String) -> Bool {
        text.wholeMatch(of: /[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/) != nil
    }
}
