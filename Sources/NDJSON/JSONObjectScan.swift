/// One pass over the bytes of one NDJSON line: whether they are exactly one valid JSON object
/// (RFC 8259, UTF-8), and where each of its top-level members' values lies. It refuses, with
/// what a person must change, what a JSON reader would take but PostgreSQL's jsonb or a later
/// step would not: a key twice in one object (readers keep one silently), nesting deeper than
/// `maximumDepth`, a number out of a double's range, a `\u0000` escape, a lone surrogate.
/// An import reads an exported event from the members alone, without building objects.
public struct JSONObjectScan {
    /// What a top-level member's value is.
    public enum Kind: Equatable, Sendable {
        case object, array, string, number, `true`, `false`, null
    }

    public struct Member: Sendable {
        public let key: String
        /// The value's bytes in the line, as written.
        public let value: Range<Int>
        public let kind: Kind
        /// Whether a string value has escapes, so that its bytes are not its text.
        public let escaped: Bool
    }

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// Not JSON at this byte offset; `expected` says what would have been.
        case syntax(offset: Int, expected: String)
        case notAnObject
        case duplicateKey(String)
        case tooDeep(Int)
        case numberOutOfRange(String)
        case nulCharacter
        case loneSurrogate(offset: Int)
        case invalidUTF8(offset: Int)

        public var description: String {
            switch self {
            case .syntax(let offset, let expected): "not valid JSON at byte \(offset + 1): expected \(expected)"
            case .notAnObject: "not a JSON object"
            case .duplicateKey(let key): "the key \"\(key)\" twice in one object; give each key once"
            case .tooDeep(let depth):
                "nested \(depth) levels deep: too deeply nested; a line may nest objects and arrays at most \(JSONObjectScan.maximumDepth) levels"
            case .numberOutOfRange(let number): "the number \(number) is out of range: a number must be within ±1.8e308"
            case .nulCharacter: "the escape \\u0000 (a NUL character) cannot be stored; remove it from the text"
            case .loneSurrogate(let offset):
                "a \\u escape at byte \(offset + 1) is half of a surrogate pair; write the character itself, or both halves"
            case .invalidUTF8(let offset): "byte \(offset + 1) is not UTF-8; save the file as UTF-8"
            }
        }
    }

    /// JSONSerialization's own limit.
    public static let maximumDepth = 512

    public let members: [Member]

    public func member(_ key: String) -> Member? {
        members.first { $0.key == key }
    }

    /// Scans `bytes`, which must hold one object and nothing else but whitespace.
    public init(_ bytes: UnsafeRawBufferPointer) throws(Problem) {
        var scanner = Scanner(bytes: bytes)
        members = try scanner.scanLine()
    }

    /// The text of a string value: its bytes without the quotes, escapes read.
    public static func string(_ member: Member, in bytes: UnsafeRawBufferPointer) -> String {
        let inner = UnsafeRawBufferPointer(rebasing: bytes[(member.value.lowerBound + 1)..<(member.value.upperBound - 1)])
        return member.escaped ? unescape(inner) : String(decoding: inner, as: UTF8.self)
    }

    /// Reads the escapes of a string that `init` has checked.
    static func unescape(_ inner: UnsafeRawBufferPointer) -> String {
        var scalars = String.UnicodeScalarView()
        var bytes: [UInt8] = []
        var index = 0
        func flush() {
            guard !bytes.isEmpty else { return }
            scalars.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
            bytes.removeAll(keepingCapacity: true)
        }
        func hex4(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { value, offset in value << 4 | UInt32(hexValue(inner[at + offset]) ?? 0) }
        }
        while index < inner.count {
            let byte = inner[index]
            guard byte == UInt8(ascii: "\\") else { bytes.append(byte); index += 1; continue }
            let escape = inner[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0c)
            case UInt8(ascii: "n"): bytes.append(0x0a)
            case UInt8(ascii: "r"): bytes.append(0x0d)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var code = hex4(index)
                index += 4
                if (0xD800..<0xDC00).contains(code) {
                    // `init` saw the low half follow.
                    code = 0x10000 + ((code - 0xD800) << 10) + (hex4(index + 2) - 0xDC00)
                    index += 6
                }
                flush()
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: bytes.append(escape)
            }
        }
        flush()
        return String(scalars)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The scanner's state: a position and a stack of open containers, no recursion, so that depth
/// costs no stack.
private struct Scanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    /// Per open container: true for an object.
    var open: [Bool] = []
    var deepest = 0
    /// The keys of the open objects, for telling a repeat: (hash, start, end, escaped) of each,
    /// and where each open object's keys begin in that list.
    var keys: [(hash: Int, range: Range<Int>, escaped: Bool)] = []
    var keyStarts: [Int] = []

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func scanLine() throws(JSONObjectScan.Problem) -> [JSONObjectScan.Member] {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else {
            // Valid JSON of another kind is "not an object"; anything else is a syntax error.
            if index < bytes.count, (try? scanValueAlone()) != nil { throw .notAnObject }
            throw .syntax(offset: index, expected: "{ to open an object")
        }
        var members: [JSONObjectScan.Member] = []
        try scanValue(topLevel: &members)
        skipWhitespace()
        guard index == bytes.count else { throw .syntax(offset: index, expected: "nothing after the object") }
        if deepest > JSONObjectScan.maximumDepth { throw .tooDeep(deepest) }
        return members
    }

    private mutating func scanValueAlone() throws(JSONObjectScan.Problem) {
        var ignored: [JSONObjectScan.Member] = []
        try scanValue(topLevel: &ignored)
        skipWhitespace()
        guard index == bytes.count else { throw .syntax(offset: index, expected: "the end of the line") }
    }

    /// Scans one value, containers included; members of the outermost object go to `topLevel`.
    private mutating func scanValue(topLevel: inout [JSONObjectScan.Member]) throws(JSONObjectScan.Problem) {
        // Where the member of the outermost object being read began, and its key.
        var pending: (key: String, start: Int)?
        var expectValue = true
        while true {
            skipWhitespace()
            guard index < bytes.count else {
                throw .syntax(offset: index, expected: expectValue ? "a value" : (open.last == true ? ", or }" : ", or ]"))
            }
            if expectValue {
                let start = index
                var kind: JSONObjectScan.Kind
                var escaped = false
                switch bytes[index] {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    let isObject = bytes[index] == UInt8(ascii: "{")
                    open.append(isObject)
                    deepest = max(deepest, open.count)
                    index += 1
                    if isObject { keyStarts.append(keys.count) }
                    skipWhitespace()
                    let closer = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    if index < bytes.count, bytes[index] == closer {
                        index += 1
                        close()
                        kind = isObject ? .object : .array
                        break
                    }
                    if isObject {
                        try scanKey()
                        if open.count == 1 { pending = (lastKey(), index) }
                    }
                    continue
                case UInt8(ascii: "\""):
                    escaped = try scanString()
                    kind = .string
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    try scanNumber()
                    kind = .number
                case UInt8(ascii: "t"): try scanLiteral("true"); kind = .true
                case UInt8(ascii: "f"): try scanLiteral("false"); kind = .false
                case UInt8(ascii: "n"): try scanLiteral("null"); kind = .null
                default:
                    throw .syntax(offset: index, expected: "a value (a string, number, object, array, true, false or null)")
                }
                // A scalar, or an empty container, ended at `index`.
                if open.isEmpty { return }
                if open.count == 1, let member = pending, open[0] {
                    topLevel.append(.init(key: member.key, value: start..<index, kind: kind, escaped: escaped))
                    pending = nil
                }
                expectValue = false
                continue
            }
            // After a value inside a container: a comma, or the container's end.
            let isObject = open.last!
            let byte = bytes[index]
            if byte == UInt8(ascii: ",") {
                index += 1
                if isObject {
                    skipWhitespace()
                    try scanKey()
                    if open.count == 1 { pending = (lastKey(), index) }
                }
                expectValue = true
                continue
            }
            guard byte == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                throw .syntax(offset: index, expected: isObject ? ", or }" : ", or ]")
            }
            index += 1
            let closedDepth = open.count
            close()
            if open.isEmpty { return }
            // A container that was the value of a top-level member ended.
            if closedDepth == 2, open.count == 1, let member = pending {
                let start = member.start + leadingWhitespace(from: member.start)
                topLevel.append(.init(key: member.key, value: start..<index, kind: isObject ? .object : .array, escaped: false))
                pending = nil
            }
        }
    }

    private func leadingWhitespace(from start: Int) -> Int {
        var offset = 0
        while start + offset < bytes.count, Self.isWhitespace(bytes[start + offset]) { offset += 1 }
        return offset
    }

    private mutating func close() {
        if open.removeLast() { keys.removeSubrange(keyStarts.removeLast()...) }
    }

    /// A key, its colon, and the check that the object has not had it.
    private mutating func scanKey() throws(JSONObjectScan.Problem) {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            throw .syntax(offset: index, expected: "a key in double quotes")
        }
        let start = index
        let escaped = try scanString()
        let range = (start + 1)..<(index - 1)
        let text = escaped ? JSONObjectScan.unescape(UnsafeRawBufferPointer(rebasing: bytes[range])) : nil
        var hasher = Hasher()
        // The same bytes hash alike whether they were written with escapes or not.
        if let text { Array(text.utf8).withUnsafeBytes { hasher.combine(bytes: $0) } } else {
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes[range]))
        }
        let hash = hasher.finalize()
        for other in keys[keyStarts.last!...] where other.hash == hash && isSame(other, range, text) {
            throw .duplicateKey(text ?? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self))
        }
        keys.append((hash, range, escaped))
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw .syntax(offset: index, expected: ": after the key") }
        index += 1
    }

    private func isSame(_ other: (hash: Int, range: Range<Int>, escaped: Bool), _ range: Range<Int>, _ text: String?) -> Bool {
        let otherBytes = UnsafeRawBufferPointer(rebasing: bytes[other.range])
        if text == nil && !other.escaped { return otherBytes.elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[range])) }
        let otherText = other.escaped ? JSONObjectScan.unescape(otherBytes) : String(decoding: otherBytes, as: UTF8.self)
        return otherText == (text ?? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self))
    }

    private func lastKey() -> String {
        let key = keys.last!
        let inner = UnsafeRawBufferPointer(rebasing: bytes[key.range])
        return key.escaped ? JSONObjectScan.unescape(inner) : String(decoding: inner, as: UTF8.self)
    }

    /// A string from its opening quote; returns whether it has escapes.
    private mutating func scanString() throws(JSONObjectScan.Problem) -> Bool {
        index += 1
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return escaped
            case UInt8(ascii: "\\"):
                escaped = true
                try scanEscape()
            case 0..<0x20:
                throw .syntax(offset: index, expected: "a control character written as an escape, e.g. \\n")
            case 0x80...:
                try scanUTF8()
            default:
                index += 1
            }
        }
        throw .syntax(offset: index, expected: "\" to close the string")
    }

    private mutating func scanEscape() throws(JSONObjectScan.Problem) {
        let at = index
        guard index + 1 < bytes.count else { throw .syntax(offset: index, expected: "an escape") }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            let code = try hex4(at: index + 2)
            index += 6
            if code == 0 { throw .nulCharacter }
            if (0xDC00..<0xE000).contains(code) { throw .loneSurrogate(offset: at) }
            if (0xD800..<0xDC00).contains(code) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                      (0xDC00..<0xE000).contains(try hex4(at: index + 2))
                else { throw .loneSurrogate(offset: at) }
                index += 6
            }
        default:
            throw .syntax(offset: index, expected: "an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and four hex digits")
        }
    }

    private func hex4(at start: Int) throws(JSONObjectScan.Problem) -> UInt32 {
        guard start + 4 <= bytes.count else { throw .syntax(offset: start, expected: "four hex digits") }
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = JSONObjectScan.hexValue(bytes[start + offset]) else {
                throw .syntax(offset: start + offset, expected: "four hex digits")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// One multi-byte UTF-8 sequence: no overlong form, no surrogate, nothing above U+10FFFF.
    private mutating func scanUTF8() throws(JSONObjectScan.Problem) {
        let lead = bytes[index]
        let (length, low, high): (Int, UInt8, UInt8) = switch lead {
        case 0xC2...0xDF: (2, 0x80, 0xBF)
        case 0xE0: (3, 0xA0, 0xBF)
        case 0xED: (3, 0x80, 0x9F)
        case 0xE1...0xEF: (3, 0x80, 0xBF)
        case 0xF0: (4, 0x90, 0xBF)
        case 0xF1...0xF3: (4, 0x80, 0xBF)
        case 0xF4: (4, 0x80, 0x8F)
        default: throw .invalidUTF8(offset: index)
        }
        guard index + length <= bytes.count else { throw .invalidUTF8(offset: index) }
        guard (low...high).contains(bytes[index + 1]) else { throw .invalidUTF8(offset: index) }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { throw .invalidUTF8(offset: index) }
        index += length
    }

    private mutating func scanNumber() throws(JSONObjectScan.Problem) {
        let start = index
        var large = false
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax(offset: index, expected: "a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax(offset: index, expected: "a digit after the point") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            large = true
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax(offset: index, expected: "a digit in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        // Only an exponent or more than 300 digits can leave a double's range.
        if large || index - start > 300 {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if let value = Double(text), !value.isFinite { throw .numberOutOfRange(text) }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private mutating func scanLiteral(_ word: StaticString) throws(JSONObjectScan.Problem) {
        let count = word.utf8CodeUnitCount
        let expected = UnsafeRawBufferPointer(start: word.utf8Start, count: count)
        guard index + count <= bytes.count, bytes[index..<(index + count)].elementsEqual(expected)
        else { throw .syntax(offset: index, expected: "a value (a string, number, object, array, true, false or null)") }
        index += count
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09
    }
}
