import Foundation
import NDJSON
import Testing

/// The scanner must take what a JSON reader takes and refuse what it refuses: checked against
/// Foundation's reader on lines of every kind, then on what only the scanner refuses.
struct JSONObjectScanTests {
    static func scan(_ line: String) -> Result<JSONObjectScan, JSONObjectScan.Problem> {
        var line = line
        return line.withUTF8 { utf8 in Result { () throws(JSONObjectScan.Problem) in try JSONObjectScan(UnsafeRawBufferPointer(utf8)) } }
    }

    static let valid = [
        #"{}"#, #"  { }  "#, #"{"a":1}"#, #"{"a": -0.5e-3, "b": [1, 2, {"c": null}], "d": true, "e": false}"#,
        #"{"text": "Более половины \"мероприятий\" \\ \/ \b\f\n\r\t \u0041\u00e9\ud83d\ude00"}"#,
        #"{"a": {"a": {"a": 1}}, "b": [[], {}, [[]]]}"#, "{\"a\":1}\r", #"{"emoji": "😀", "e": 1E+2, "z": 0}"#,
        #"{"x": {"a": 1, "b": {"a": 2}}}"#,
    ]
    static let invalid = [
        "", " ", "{", "}", #"{"a"}"#, #"{"a":}"#, #"{"a":1 "b":2}"#, #"{a:1}"#, #"{'a':1}"#,
        #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":+1}"#, #"{"a":1e}"#, #"{"a":tru}"#, #"{"a":nul}"#,
        #"{"a":"\x"}"#, #"{"a":"\u12"}"#, "{\"a\":\"tab\tinside\"}", #"{"a":[1,2}"#, #"{"a":{"b":1]}"#,
        #"{"a":1}{"b":2}"#, #"{"a":1} x"#, #"[1,2]"#, #""text""#, "42", "null", #"{"a":NaN}"#,
    ]

    @Test(arguments: valid)
    func takesWhatAJSONReaderTakes(_ line: String) throws {
        #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any])
        #expect((try? Self.scan(line).get()) != nil)
    }

    @Test(arguments: invalid)
    func refusesWhatAJSONReaderRefuses(_ line: String) {
        #expect(!((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any]))
        #expect((try? Self.scan(line).get()) == nil)
    }

    /// Foundation's reader takes a trailing comma; PostgreSQL's jsonb and RFC 8259 do not.
    @Test func aTrailingCommaIsRefused() {
        #expect(throws: JSONObjectScan.Problem.syntax(offset: 7, expected: "a key in double quotes")) { try Self.scan(#"{"a":1,}"#).get() }
        #expect(throws: JSONObjectScan.Problem.syntax(offset: 11, expected: "a value (a string, number, object, array, true, false or null)")) {
            try Self.scan(#"{"a":[1, 2,]}"#).get()
        }
    }

    @Test func aTopLevelValueThatIsNotAnObjectIsSaidSo() {
        #expect(throws: JSONObjectScan.Problem.notAnObject) { try Self.scan("[1, 2]").get() }
        #expect(throws: JSONObjectScan.Problem.notAnObject) { try Self.scan(#""text""#).get() }
    }

    @Test func membersAreTheTopLevelValuesAsWritten() throws {
        let line = #"{ "stream" : "programme-x", "data": {"id": "x", "n": [1, {"k": "}"}]}, "n": -1.5e2, "e": [] , "t": "a\"b" }"#
        var copy = line
        try copy.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            let scan = try JSONObjectScan(bytes)
            #expect(scan.members.map(\.key) == ["stream", "data", "n", "e", "t"])
            func text(_ key: String) -> String { String(decoding: bytes[scan.member(key)!.value], as: UTF8.self) }
            #expect(text("stream") == #""programme-x""#)
            #expect(text("data") == #"{"id": "x", "n": [1, {"k": "}"}]}"#)
            #expect(text("n") == "-1.5e2")
            #expect(text("e") == "[]")
            #expect(scan.member("data")?.kind == .object)
            #expect(scan.member("e")?.kind == .array)
            #expect(scan.member("n")?.kind == .number)
            #expect(JSONObjectScan.string(scan.member("stream")!, in: bytes) == "programme-x")
            #expect(scan.member("t")?.escaped == true)
            #expect(JSONObjectScan.string(scan.member("t")!, in: bytes) == "a\"b")
        }
    }

    @Test func escapesReadAsAJSONReaderReadsThem() throws {
        let line = #"{"s": "Т\u0435кст \"q\" \\ \/ \n\t \ud83d\ude00 \u00e9"}"#
        let expected = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["s"] as! String
        var copy = line
        try copy.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            let scan = try JSONObjectScan(bytes)
            #expect(JSONObjectScan.string(scan.member("s")!, in: bytes) == expected)
        }
    }

    @Test func aKeyTwiceInOneObjectIsRefusedAndInTwoObjectsIsNot() {
        #expect(throws: JSONObjectScan.Problem.duplicateKey("title")) { try Self.scan(#"{"title": "P", "id": 1, "title": "Q"}"#).get() }
        #expect(throws: JSONObjectScan.Problem.duplicateKey("a")) { try Self.scan(#"{"x": {"a": 1, "\u0061": 2}}"#).get() }
        #expect((try? Self.scan(#"{"a": 1, "x": {"a": 2, "y": {"a": 3}}, "y": [{"a": 1}, {"a": 2}]}"#).get()) != nil)
    }

    @Test func whatPostgreSQLOrAReaderWouldRefuseLaterIsNamed() {
        let deep = String(repeating: #"{"a":"#, count: 600) + "1" + String(repeating: "}", count: 600)
        #expect(throws: JSONObjectScan.Problem.tooDeep(600)) { try Self.scan(deep).get() }
        let deepest = String(repeating: #"{"a":"#, count: 512) + "1" + String(repeating: "}", count: 512)
        #expect((try? Self.scan(deepest).get()) != nil)
        #expect(throws: JSONObjectScan.Problem.numberOutOfRange("1e400")) { try Self.scan(#"{"n": 1e400}"#).get() }
        #expect(throws: JSONObjectScan.Problem.nulCharacter) { try Self.scan(#"{"s": "a\u0000b"}"#).get() }
        #expect(throws: JSONObjectScan.Problem.loneSurrogate(offset: 7)) { try Self.scan(#"{"s": "\ud83d x"}"#).get() }
        #expect(throws: JSONObjectScan.Problem.loneSurrogate(offset: 7)) { try Self.scan(#"{"s": "\ude00"}"#).get() }
        var bad: [UInt8] = Array(#"{"s": "ab"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let invalid = bad.withUnsafeMutableBytes { bytes in Result { () throws(JSONObjectScan.Problem) in try JSONObjectScan(UnsafeRawBufferPointer(bytes)) } }
        #expect(throws: JSONObjectScan.Problem.invalidUTF8(offset: 9)) { try invalid.get() }
        bad = Array(#"{"s": ""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8)   // an encoded surrogate
        let surrogate = bad.withUnsafeMutableBytes { bytes in Result { () throws(JSONObjectScan.Problem) in try JSONObjectScan(UnsafeRawBufferPointer(bytes)) } }
        #expect(throws: JSONObjectScan.Problem.invalidUTF8(offset: 7)) { try surrogate.get() }
    }

    @Test func aSyntaxErrorSaysWhereAndWhatWouldBeRight() {
        #expect(throws: JSONObjectScan.Problem.syntax(offset: 8, expected: ", or }")) { try Self.scan(#"{"a": 1 "b": 2}"#).get() }
        #expect("\(JSONObjectScan.Problem.syntax(offset: 8, expected: ", or }"))" == "not valid JSON at byte 9: expected , or }")
    }
}

struct LineReaderTests {
    func lines(of text: String, chunkSize: Int) throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appending(path: "ndjson-\(UUID().uuidString)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        var lines: [String] = []
        try LineReader.forEachLine(fileDescriptor: descriptor, chunkSize: chunkSize) { number, bytes in
            #expect(number == lines.count + 1)
            lines.append(String(decoding: bytes, as: UTF8.self))
        }
        let counted = open(path, O_RDONLY)
        defer { close(counted) }
        #expect(try LineReader.count(fileDescriptor: counted, chunkSize: chunkSize) == lines.count)
        return lines
    }

    @Test(arguments: [1, 2, 3, 7, 64, 1 << 20])
    func linesAreTheSameWhateverTheChunk(_ chunkSize: Int) throws {
        let long = String(repeating: "ж", count: 100)
        #expect(try lines(of: "a\nbc\n\n\(long)\nlast", chunkSize: chunkSize) == ["a", "bc", "", long, "last"])
        #expect(try lines(of: "a\nb\n", chunkSize: chunkSize) == ["a", "b"])
        #expect(try lines(of: "", chunkSize: chunkSize) == [])
    }

    @Test func textInMemoryGivesTheSameLines() throws {
        var lines: [String] = []
        try LineReader.forEachLine(in: "a\nbc\n\nlast\n") { _, bytes in lines.append(String(decoding: bytes, as: UTF8.self)) }
        #expect(lines == ["a", "bc", "", "last"])
    }
}
