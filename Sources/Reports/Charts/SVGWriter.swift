/// Text made safe for XML content and attribute values. Control characters (which XML 1.0 mostly
/// forbids: one stray control byte in a wording would make the whole SVG unreadable) are shown as
/// `VisibleText` shows them; the noncharacters U+FFFE and U+FFFF become U+FFFD.
public func xmlEscape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&#39;"
        case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
        case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}": escaped += VisibleText.controls(String(scalar), keepingLayout: false)
        case "\u{FFFE}", "\u{FFFF}": escaped += "\u{FFFD}"
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    return escaped
}

/// A coordinate with one decimal, written the same way on every machine and locale, so the same
/// report gives the same bytes.
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0.0" }
    let tenths = Int((min(max(value, -1e9), 1e9) * 10).rounded())
    let magnitude = abs(tenths)
    return "\(tenths < 0 ? "-" : "")\(magnitude / 10).\(magnitude % 10)"
}

/// Builds SVG text one element a line; every attribute value and text node goes through `xmlEscape`.
struct SVGWriter {
    private(set) var text = ""
    private var depth = 0

    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        line("<\(name)\(Self.render(attributes))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    /// An element with text content, or empty (`<name/>`) when `content` is nil.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], content: String? = nil) {
        if let content {
            line("<\(name)\(Self.render(attributes))>\(xmlEscape(content))</\(name)>")
        } else {
            line("<\(name)\(Self.render(attributes))/>")
        }
    }

    /// `<g>` around `body`, with a `<title>` first so viewers show it as the hover text of everything inside.
    mutating func group(_ attributes: KeyValuePairs<String, String>, title: String? = nil, _ body: (inout SVGWriter) -> Void) {
        open("g", attributes)
        if let title { element("title", content: title) }
        body(&self)
        close("g")
    }

    private mutating func line(_ content: String) {
        text += String(repeating: "  ", count: depth) + content + "\n"
    }

    private static func render(_ attributes: KeyValuePairs<String, String>) -> String {
        attributes.map { " \($0.key)=\"\(xmlEscape($0.value))\"" }.joined()
    }
}
