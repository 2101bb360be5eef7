import Foundation
import Postgres
import Tracker

/// One line of an NDJSON import: a command in the CLI's own words, or an event as `export`
/// writes it.
enum ImportLine {
    /// `recordedAt` is the line's "recorded-at": when an earlier register recorded it.
    case command(any RecordingArguments, id: UUID, recordedAt: Date?)
    case event(ExportedEvent)

    /// Reads one line; `baseDirectory` resolves the relative `file` of `source add` lines, which
    /// must lie in that folder unless `allowsFilesOutside`.
    static func parse(_ text: Substring, baseDirectory: URL, allowsFilesOutside: Bool = false) throws -> ImportLine {
        let data = Data(text.utf8)
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            if let problem = JSONLineScan.problem(in: data) { throw Failure.badInput(problem) }
            throw Failure.badInput("not a JSON object; each line must be one object, e.g. {\"command\": \"programme add\", \"id\": \"…\", …}")
        }
        // JSONSerialization keeps the last of two equal keys without a word.
        if let problem = JSONLineScan.problem(in: data) { throw Failure.badInput(problem) }
        if object["command"] != nil {
            return try command(object, baseDirectory: baseDirectory, allowsFilesOutside: allowsFilesOutside)
        }
        if object["type"] != nil || object["data"] != nil { return .event(try ExportedEvent(object, line: data)) }
        throw Failure.badInput("neither a command (needs \"command\") nor an exported event (needs \"stream\", \"type\", \"data\")")
    }

    private static func command(_ object: [String: Any], baseDirectory: URL, allowsFilesOutside: Bool) throws -> ImportLine {
        guard let words = object["command"] as? String, let type = RecordingArgumentTypes.type(named: words) else {
            throw Failure.badInput("\"command\" must be one of: \(RecordingArgumentTypes.names)")
        }
        var fields = object
        fields["command"] = nil
        let id = try commandId(object)
        fields["command-id"] = nil
        let recordedAt = try recordedAt(fields.removeValue(forKey: "recorded-at"))
        for reserved in ["format", "database-url"] where fields[reserved] != nil {
            throw Failure.badInput("\"\(reserved)\" applies to the whole import, not to one line")
        }
        if type is SourceAddArguments.Type, let file = fields["file"] as? String {
            fields["file"] = try confined(file, to: baseDirectory, allowsFilesOutside: allowsFilesOutside)
        }
        // The command's arguments read the keys as the command line reads its arguments.
        var arguments = ImportFields(fields)
        let command = try type.init(from: &arguments)
        try arguments.finish()
        return .command(command, id: id, recordedAt: recordedAt)
    }

    /// The path of a line's `file`, relative to the import file's folder. It must lie in that folder
    /// or below, symbolic links and `..` resolved: an import file from elsewhere must not store, say,
    /// /etc/passwd as a source's text for every reader login to read. `--allow-files-outside` lifts it.
    static func confined(_ file: String, to baseDirectory: URL, allowsFilesOutside: Bool) throws -> String {
        let path = URL(fileURLWithPath: file, relativeTo: baseDirectory).path
        guard !allowsFilesOutside else { return path }
        let folder = resolved(baseDirectory.path)
        let resolvedPath = resolved(path)
        guard resolvedPath.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
            throw Failure.badInput("""
                "file" \(file) is outside the import file's folder \(folder) (it leads to \(resolvedPath)): an import \
                line may name only files in that folder or below, symbolic links and ".." resolved; move the file \
                there, or give --allow-files-outside to import a file you trust
                """)
        }
        return path
    }

    /// The real path (symbolic links and `..` resolved); for a file not there yet, its folder's.
    private static func resolved(_ path: String) -> String {
        func real(_ path: String) -> String? {
            guard let pointer = realpath(path, nil) else { return nil }
            defer { free(pointer) }
            return String(cString: pointer)
        }
        if let real = real(path) { return real }
        let url = URL(fileURLWithPath: path).standardized
        if let folder = real(url.deletingLastPathComponent().path) { return folder + "/" + url.lastPathComponent }
        return url.path
    }

    /// Given, or derived from the line's content, so the same line imported twice is one command.
    /// When it was recorded is not part of what was recorded: a line whose "recorded-at" alone
    /// changed is the same command, and is not recorded twice.
    static func commandId(_ object: [String: Any]) throws -> UUID {
        if let given = object["command-id"] {
            guard let text = given as? String, let id = UUID(uuidString: text) else {
                throw Failure.badInput("\"command-id\" must be a UUID")
            }
            return id
        }
        var content = object
        content["recorded-at"] = nil
        return UUID(naming: try SortedKeysJSON.data(content) ?? JSONSerialization.data(withJSONObject: content, options: [.sortedKeys]))
    }

    /// A register kept before ustrack (a secretariat's ledger) keeps its own dates: an ISO 8601
    /// time with its zone, not in the future. The time the line was entered goes into metadata.
    private static func recordedAt(_ value: Any?) throws -> Date? {
        guard let value, !(value is NSNull) else { return nil }
        let wanted = "\"recorded-at\" must be an ISO 8601 time with its zone, e.g. \"2023-05-22T09:00:00Z\""
        guard let text = value as? String else { throw Failure.badInput(wanted) }
        guard let date = time(text) else { throw Failure.badInput("\(wanted); got \"\(text)\"") }
        guard date <= Date() else {
            throw Failure.badInput("\"recorded-at\" \(text) is in the future: give when the line was recorded, at the latest now")
        }
        return date
    }

    /// An ISO 8601 time with its zone, with or without fractions of a second, as `export`
    /// writes it or as a person types it.
    static func time(_ text: String) -> Date? {
        if let exported = Timestamps.parse(text) { return exported }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions.insert(.withFractionalSeconds)
        return formatter.date(from: text)
    }
}

/// The bytes `JSONSerialization` writes with `.sortedKeys` for the common line (keys of
/// lowercase letters and dashes, every value a string), written directly: a command's id is
/// named by those bytes, so they must stay exactly the same, and serializing through Foundation
/// was a third of an import's own time. Nil for any other line, which goes through Foundation.
enum SortedKeysJSON {
    static func data(_ object: [String: Any]) -> Data? {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(256)
        for (index, (key, value)) in object.sorted(by: { $0.key < $1.key }).enumerated() {
            // Foundation sorts keys case-insensitively and numerically: the same order only for these.
            guard let text = value as? String, key.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (97...122).contains($0) })
            else { return nil }
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append(key, to: &out)
            out.append(UInt8(ascii: ":"))
            append(text, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    /// Escaped as Foundation escapes: quote, backslash, slash, and control characters.
    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out += [UInt8(ascii: "\\"), byte]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0c: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0a: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0d: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// An event as `export` writes it and `import` reads it back.
struct ExportedEvent {
    let stream: String
    let id: UUID
    let type: String
    let schemaVersion: Int
    /// JSON text.
    let data: String
    let metadata: String
    let recordedAt: Date?

    /// `line`, the line's bytes, gives `data` and `metadata` as written, without writing them again.
    init(_ object: [String: Any], line: Data? = nil) throws {
        guard let stream = object["stream"] as? String, !stream.isEmpty else { throw Failure.badInput("\"stream\" is missing") }
        guard let type = object["type"] as? String, !type.isEmpty else { throw Failure.badInput("\"type\" is missing") }
        guard let idText = object["event_id"] as? String, let id = UUID(uuidString: idText) else {
            throw Failure.badInput("\"event_id\" must be a UUID")
        }
        guard let data = object["data"], data is [String: Any] || data is [Any] else {
            throw Failure.badInput("\"data\" must be a JSON object")
        }
        let metadata = object["metadata"] ?? [String: Any]()
        guard metadata is [String: Any] else { throw Failure.badInput("\"metadata\" must be a JSON object") }
        var recordedAt: Date?
        if let text = object["recorded_at"] as? String {
            guard let date = ImportLine.time(text) else {
                throw Failure.badInput("\"recorded_at\" is not an ISO 8601 time with its zone, e.g. \"2023-05-22T09:00:00Z\"")
            }
            recordedAt = date
        }
        self.stream = stream
        self.id = id
        self.type = type
        self.schemaVersion = (object["schema_version"] as? Int) ?? 1
        let written = line.map { JSONLineScan.topLevelValues(in: $0, named: ["data", "metadata"]) } ?? [:]
        self.data = try written["data"].map { String(decoding: $0, as: UTF8.self) }
            ?? String(decoding: try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys]), as: UTF8.self)
        self.metadata = try written["metadata"].map { String(decoding: $0, as: UTF8.self) }
            ?? String(decoding: try JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys]), as: UTF8.self)
        self.recordedAt = recordedAt
    }
}

/// What JSONSerialization does not say about a line: a key given twice in one object (it keeps
/// the last silently), nesting deeper than it reads, a number out of range. One pass over the bytes.
enum JSONLineScan {
    /// JSONSerialization's own limit.
    static let maximumDepth = 512

    /// The text of the top-level members `names` of a valid JSON object, as written (a key
    /// written with escapes is not found). Saves writing an event's data again on a restore.
    static func topLevelValues(in data: Data, named names: Set<String>) -> [String: Data] {
        var found: [String: Data] = [:]
        var depth = 0, expectingKey = false
        var member: (name: String, start: Data.Index)?
        var index = data.startIndex
        func close(at end: Data.Index) {
            if let (name, start) = member { found[name] = data[start..<end] }
            member = nil
        }
        while index < data.endIndex {
            let byte = data[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = depth == 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { close(at: index) }
            case UInt8(ascii: ","):
                if depth == 1 { close(at: index); expectingKey = true }
            case UInt8(ascii: "\""):
                var end = data.index(after: index)
                var escaped = false
                while end < data.endIndex, data[end] != UInt8(ascii: "\"") {
                    if data[end] == UInt8(ascii: "\\") { escaped = true; end += 1 }
                    end += 1
                }
                if depth == 1 && expectingKey {
                    expectingKey = false
                    let name = String(decoding: data[data.index(after: index)..<min(end, data.endIndex)], as: UTF8.self)
                    if !escaped, names.contains(name), let colon = data[min(end + 1, data.endIndex)...].firstIndex(of: UInt8(ascii: ":")) {
                        member = (name, data.index(after: colon))
                        index = colon
                    }
                }
                if index < end { index = end }
            default: break
            }
            index += 1
        }
        return found
    }

    static func problem(in data: Data) -> String? {
        var keys: [Set<String>?] = []   // one per open container; nil for an array
        var expectingKey = false
        var depth = 0, deepest = 0
        var index = data.startIndex
        while index < data.endIndex {
            let byte = data[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                keys.append(byte == UInt8(ascii: "{") ? [] : nil)
                expectingKey = byte == UInt8(ascii: "{")
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !keys.isEmpty { keys.removeLast() }
                depth -= 1
                expectingKey = false
            case UInt8(ascii: ","):
                expectingKey = keys.last.map { $0 != nil } ?? false
            case UInt8(ascii: "\""):
                var end = data.index(after: index)
                var escaped = false
                while end < data.endIndex {
                    if data[end] == UInt8(ascii: "\\") { escaped = true; end += 2; continue }
                    if data[end] == UInt8(ascii: "\"") { break }
                    end += 1
                }
                guard end < data.endIndex else { return nil }
                if expectingKey, let last = keys.indices.last, keys[last] != nil {
                    let raw = data[index...end]
                    let key = escaped ? (try? JSONSerialization.jsonObject(with: Data(raw), options: .fragmentsAllowed)) as? String
                        : String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
                    if let key, !keys[last]!.insert(key).inserted {
                        return "the key \"\(key)\" twice in one object; give each key once"
                    }
                    expectingKey = false
                }
                index = end
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                var end = index
                while end < data.endIndex, "+-.eE0123456789".utf8.contains(data[end]) { end += 1 }
                let number = String(decoding: data[index..<end], as: UTF8.self)
                if let value = Double(number), !value.isFinite {
                    return "the number \(number) is out of range: a number must be within ±1.8e308 (and a count within \(Limits.count))"
                }
                index = end - 1
            default: break
            }
            index += 1
        }
        if deepest > maximumDepth {
            return "nested \(deepest) levels deep: too deeply nested; a line may nest objects and arrays at most \(maximumDepth) levels"
        }
        return nil
    }
}
