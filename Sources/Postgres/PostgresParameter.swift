import Foundation

/// A value sent as a statement parameter, in PostgreSQL's text format, or written into a
/// binary COPY. Values always travel as parameters or COPY data, never pasted into SQL.
public protocol PostgresParameter {
    var postgresText: String? { get }
    /// Appends the value as one field of a binary COPY row for a column of `type` (see
    /// `BinaryField`); false, appending nothing, when it has no binary form for that type.
    func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool
}

extension PostgresParameter {
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool { false }
}

extension String: PostgresParameter { public var postgresText: String? { self } }
extension Substring: PostgresParameter { public var postgresText: String? { String(self) } }
extension Int: PostgresParameter { public var postgresText: String? { String(self) } }
extension Int32: PostgresParameter { public var postgresText: String? { String(self) } }
extension Int64: PostgresParameter { public var postgresText: String? { String(self) } }
extension Double: PostgresParameter { public var postgresText: String? { String(self) } }
extension Bool: PostgresParameter { public var postgresText: String? { self ? "t" : "f" } }
extension UUID: PostgresParameter {
    /// Lowercase, as PostgreSQL prints it; by hand, as every event carries one or two.
    public var postgresText: String? {
        withUnsafeBytes(of: uuid) { bytes in
            let hex = Array("0123456789abcdef".utf8)
            var text = [UInt8]()
            text.reserveCapacity(36)
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
                text.append(hex[Int(byte >> 4)])
                text.append(hex[Int(byte & 0x0f)])
            }
            return String(decoding: text, as: UTF8.self)
        }
    }
}

extension Date: PostgresParameter {
    /// ISO 8601 in UTC with microseconds, the precision of timestamptz, so a value read
    /// back compares equal to the stored one.
    public var postgresText: String? { Timestamps.format(self) }
}

extension Data: PostgresParameter {
    /// bytea in hex format.
    public var postgresText: String? {
        "\\x" + map { String(format: "%02x", $0) }.joined()
    }
}

extension Optional: PostgresParameter where Wrapped: PostgresParameter {
    public var postgresText: String? { self.flatMap { $0.postgresText } }
}

extension Array: PostgresParameter where Element: PostgresParameter {
    /// A one-dimensional array literal, every element quoted, NULL for nil.
    public var postgresText: String? {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        for (index, element) in enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard let text = element.postgresText else { bytes.append(contentsOf: "NULL".utf8); continue }
            bytes.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
