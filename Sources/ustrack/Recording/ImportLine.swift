import Foundation
import NDJSON
import Postgres
import Tracker

/// One line of an NDJSON import: a command in the CLI's own words, or an event as `export`
/// writes it.
enum ImportLine {
    /// `recordedAt` is the line's "recorded-at": when an earlier register recorded it.
    case command(any RecordingArguments, id: UUID, recordedAt: Date?)
    case event(ExportedEvent)

    /// Reads one line's bytes; `baseDirectory` resolves the relative `file` of `source add`
    /// lines, which must lie in that folder unless `allowsFilesOutside`. An event line is read
    /// from the scan alone, its data and metadata kept as written.
    static func parse(_ bytes: UnsafeRawBufferPointer, baseDirectory: URL, allowsFilesOutside: Bool = false) throws -> ImportLine {
        let scan: JSONObjectScan
        do {
            scan = try JSONObjectScan(bytes)
        } catch {
            switch error {
            case .syntax, .notAnObject:
                throw Failure.badInput("not a JSON object (\(error)); each line must be one object, e.g. {\"command\": \"programme add\", \"id\": \"…\", …}")
            case .numberOutOfRange: throw Failure.badInput("\(error) (and a count within \(Limits.count))")
            default: throw Failure.badInput("\(error)")
            }
        }
        if scan.member("command") != nil {
            // The scan has checked it: Foundation's reader builds the values the arguments read.
            guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
                throw Failure.badInput("not a JSON object; each line must be one object")
            }
            return try command(object, baseDirectory: baseDirectory, allowsFilesOutside: allowsFilesOutside)
        }
        if scan.member("type") != nil || scan.member("data") != nil { return .event(try ExportedEvent(scan, in: bytes)) }
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

    /// From a line's scan: `data` and `metadata` are kept as written, not written again.
    init(_ scan: JSONObjectScan, in bytes: UnsafeRawBufferPointer) throws {
        func string(_ key: String) -> String? {
            guard let member = scan.member(key), member.kind == .string else { return nil }
            return JSONObjectScan.string(member, in: bytes)
        }
        func written(_ member: JSONObjectScan.Member) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[member.value]), as: UTF8.self)
        }
        guard let stream = string("stream"), !stream.isEmpty else { throw Failure.badInput("\"stream\" is missing") }
        guard let type = string("type"), !type.isEmpty else { throw Failure.badInput("\"type\" is missing") }
        guard let idText = string("event_id"), let id = UUID(uuidString: idText) else {
            throw Failure.badInput("\"event_id\" must be a UUID")
        }
        guard let data = scan.member("data"), data.kind == .object || data.kind == .array else {
            throw Failure.badInput("\"data\" must be a JSON object")
        }
        let metadata = scan.member("metadata")
        guard metadata == nil || metadata?.kind == .object else { throw Failure.badInput("\"metadata\" must be a JSON object") }
        var schemaVersion = 1
        if let member = scan.member("schema_version"), member.kind != .null {
            guard member.kind == .number, let version = Int(written(member)), version >= 1 else {
                throw Failure.badInput("\"schema_version\" must be a whole number from 1, e.g. 1")
            }
            schemaVersion = version
        }
        var recordedAt: Date?
        if let text = string("recorded_at") {
            guard let date = ImportLine.time(text) else {
                throw Failure.badInput("\"recorded_at\" is not an ISO 8601 time with its zone, e.g. \"2023-05-22T09:00:00Z\"")
            }
            recordedAt = date
        }
        self.stream = stream
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.data = written(data)
        self.metadata = metadata.map(written) ?? "{}"
        self.recordedAt = recordedAt
    }
}
