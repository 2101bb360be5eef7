import Foundation

/// The results table. A missed target is marked, never fatal: this is a measurement, not a test.
struct Report {
    let environment: String
    let rows: [Bench.Row]
    let notes: [String]

    var text: String {
        let width = max(30, rows.map(\.name.count).max() ?? 0) + 2
        func line(_ name: String, _ ustrack: String, _ baseline: String, _ ratio: String, _ target: String,
                  _ verdict: String) -> String {
            let cells = name.padding(toLength: width, withPad: " ", startingAt: 0)
                + leftPad(ustrack, 10) + leftPad(baseline, 13) + leftPad(ratio, 7) + leftPad(target, 8)
            return (verdict.isEmpty ? cells : cells + "  " + verdict) + "\n"
        }
        var text = environment + "\n\n"
        text += line("measure", "ustrack/s", "baseline/s", "ratio", "target", "")
        for row in rows {
            let target = row.target.map { "≥ " + String(format: "%.2f", $0) } ?? "—"
            let verdict = row.target.map { row.ratio >= $0 ? "ok" : "MISSED" } ?? ""
            text += line(row.name, grouped(row.ustrack), grouped(row.baseline),
                         String(format: "%.2f", row.ratio), target, verdict)
        }
        if !notes.isEmpty { text += "\n" + notes.map { $0 + "\n" }.joined() }
        return text
    }

    private func leftPad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
