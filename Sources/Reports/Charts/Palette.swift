import Foundation

/// An sRGB colour.
public struct Colour: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public init(hex: UInt32) {
        self.init(red: UInt8(hex >> 16 & 0xFF), green: UInt8(hex >> 8 & 0xFF), blue: UInt8(hex & 0xFF))
    }

    public static let white = Colour(hex: 0xFFFFFF)

    /// `#rrggbb`, lower case, for SVG attributes.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        return "#" + [red, green, blue].map { "\(digits[Int($0 >> 4)])\(digits[Int($0 & 0xF)])" }.joined()
    }

    /// WCAG 2 relative luminance: linearised sRGB channels weighted by how bright the eye finds them.
    public var relativeLuminance: Double {
        func linear(_ channel: UInt8) -> Double {
            let value = Double(channel) / 255
            return value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }
}

/// WCAG 2 contrast ratio, from 1 (none) to 21 (black on white); text needs at least 4.5.
public func contrastRatio(_ first: Colour, _ second: Colour) -> Double {
    let (a, b) = (first.relativeLuminance, second.relativeLuminance)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)
}

/// The colours charts draw meaning with. Every one is readable as text on white (contrast ≥ 4.5),
/// so the charts survive print and low vision; lighter tints (band fill, gridlines) are made from
/// these with opacity, and meaning never rests on colour alone: shapes and dashes carry it too.
public enum Palette {
    /// Text, axes.
    public static let ink = Colour(hex: 0x1F1F1F)
    /// Tick labels, the planned line of a burn-up.
    public static let muted = Colour(hex: 0x595959)
    /// The estimate band and programme bars.
    public static let estimate = Colour(hex: 0x1F5FA8)
    /// Claims.
    public static let claim = Colour(hex: 0x7A4B00)
    /// Contradicted claims and disputed estimates.
    public static let contradicted = Colour(hex: 0xB00020)
    /// Milestones reached.
    public static let reached = Colour(hex: 0x1A6B3C)

    public static let all: [(name: String, colour: Colour)] = [
        ("ink", ink), ("muted", muted), ("estimate", estimate),
        ("claim", claim), ("contradicted", contradicted), ("reached", reached),
    ]
}
