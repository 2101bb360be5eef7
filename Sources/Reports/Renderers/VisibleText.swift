/// Text from the data made safe to show: a control character in a stored title or wording (an
/// ESC that recolours or retitles a terminal, a bell, a C1 CSI) is shown instead of acting.
/// Terminal tables, Markdown, HTML and SVG all show it the same way.
public enum VisibleText {
    /// C0 controls become their Control Pictures (ESC as `␛`, BEL as `␇`), DEL `␡`, and C1 controls
    /// `\u{9B}`. With `keepingLayout`, line feeds and tabs stay (a CR before a line feed goes), for
    /// text whose layout needs them; without it they become `␊` and `␉`, for a table cell.
    public static func controls(_ text: String, keepingLayout: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) || !keepingLayout && ($0 == "\n" || $0 == "\t") }) else {
            return text
        }
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var next = scalars.next()
        while let scalar = next {
            next = scalars.next()
            switch scalar.value {
            case 0x0A where keepingLayout, 0x09 where keepingLayout: result.append(scalar)
            case 0x0D where keepingLayout && next == "\n": continue
            case 0x00...0x1F: result.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: result.append("\u{2421}")
            case 0x80...0x9F: result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 && scalar != "\n" && scalar != "\t" || (0x7F...0x9F).contains(scalar.value)
    }
}
