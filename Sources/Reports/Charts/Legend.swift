/// The small key to the marks a chart uses, wrapped into as many rows as the width needs.
struct Legend {
    enum Swatch {
        case point, interval, openEnd, band, disputedBand, contradicted, reachedLine, plannedLine, bar
    }

    static let swatchWidth = 16.0
    static let gap = 14.0

    var entries: [(swatch: Swatch, label: String)]

    func entryWidth(_ index: Int) -> Double {
        Self.swatchWidth + 5 + TextMetrics.width(of: entries[index].label, fontSize: ChartLayout.labelFontSize)
    }

    /// Entry indexes per row, filled greedily left to right; an entry wider than a row gets a row of its own.
    func rows(width: Double) -> [[Int]] {
        var rows: [[Int]] = []
        var used = 0.0
        for index in entries.indices {
            let needed = entryWidth(index)
            if rows.isEmpty || used + Self.gap + needed > width {
                rows.append([index])
                used = needed
            } else {
                rows[rows.count - 1].append(index)
                used += Self.gap + needed
            }
        }
        return rows
    }
}
