/// Text sizes without a font engine: SVG has no way to measure text before a viewer renders it,
/// so widths are estimated on the generous side to keep labels from overlapping.
public enum TextMetrics {
    /// Average advance of a system-ui glyph as a share of the font size, rounded up.
    public static let averageAdvance = 0.6

    public static func width(of text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * averageAdvance
    }

    /// `text` cut to fit `width`, ending with `ellipsis` when cut.
    public static func truncate(_ text: String, toWidth width: Double, fontSize: Double, ellipsis: String = "…") -> String {
        let fitting = max(Int(width / (fontSize * averageAdvance)), 0)
        return truncate(text, toCount: fitting, ellipsis: ellipsis)
    }

    /// `text` cut to at most `count` characters, the last of them an ellipsis when cut.
    public static func truncate(_ text: String, toCount count: Int, ellipsis: String = "…") -> String {
        guard text.count > count else { return text }
        guard count > ellipsis.count else { return String(ellipsis.prefix(max(count, 0))) }
        return String(text.prefix(count - ellipsis.count)) + ellipsis
    }
}
