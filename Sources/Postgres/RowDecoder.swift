import CLibPQ
import Foundation

extension QueryResult {
    /// Every row as a `Row`, each property read from the column of its name: `lastClaimAsOf` (or a
    /// `CodingKeys` raw value) from `last_claim_as_of`. A property of a nested `Decodable` type
    /// with no column of its own reads the columns its name prefixes: `estimate: PercentInterval`
    /// from `estimate_lo`, `estimate_hi`, …
    ///
    /// Values come in text format: String, the integer types, Double, Bool, UUID, Date (from
    /// timestamptz), a `LosslessStringConvertible` value (a `date` into a calendar-date type),
    /// optionals for NULL, and json or jsonb into a nested `Decodable` or an array. A missing
    /// column, a NULL for a non-optional property, or a value of the wrong type is an error that
    /// names the column.
    public func decode<Row: Decodable>(_ type: Row.Type = Row.self) throws -> [Row] {
        let columns = ColumnIndex(self)
        return try (0..<rowCount).map { try Row(from: RowDecoder(result: self, columns: columns, row: $0, path: [])) }
    }

    /// The first row, or nil when there is none.
    public func decodeFirst<Row: Decodable>(_ type: Row.Type = Row.self) throws -> Row? {
        guard rowCount > 0 else { return nil }
        return try Row(from: RowDecoder(result: self, columns: ColumnIndex(self), row: 0, path: []))
    }
}

/// Why a row could not be decoded, naming the column.
public enum RowDecodingError: Error, Equatable, CustomStringConvertible {
    case missingColumn(String, available: [String])
    case unexpectedNull(column: String, type: String)
    case wrongType(column: String, expected: String, columnType: String, value: String)

    public var description: String {
        switch self {
        case .missingColumn(let name, let available):
            "the result has no column \"\(name)\" (it has \(available.map { "\"\($0)\"" }.joined(separator: ", ")))"
        case .unexpectedNull(let column, let type):
            "column \"\(column)\" is NULL, but a \(type) cannot be nil (make the property optional)"
        case .wrongType(let column, let expected, let columnType, let value):
            "column \"\(column)\" (\(columnType)) holds \"\(value.prefix(80))\", which is not \(expected)"
        }
    }
}

/// Column names to positions, worked out once per result.
final class ColumnIndex {
    let names: [String]
    private let positions: [String: Int]
    /// Property paths already looked up, e.g. ["estimate", "loInclusive"] -> estimate_lo_inclusive.
    private var resolved: [[String]: (name: String, position: Int?)] = [:]

    init(_ result: QueryResult) {
        names = result.columnNames
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil { positions[name] = index }
        self.positions = positions
    }

    /// The column a property reads: its own name, else its name in snake_case.
    func column(_ path: [String]) -> (name: String, position: Int?) {
        if let known = resolved[path] { return known }
        let exact = path.joined(separator: "_")
        let snake = path.map(Self.snakeCase).joined(separator: "_")
        let found = positions[exact].map { (exact, Optional($0)) } ?? (snake, positions[snake])
        resolved[path] = found
        return found
    }

    /// Whether some column's name starts with `prefix_`: a nested value's columns.
    func hasColumns(under path: [String]) -> Bool { positions(under: path) != nil }

    /// The columns whose names start with `prefix_`, nil when none does.
    func positions(under path: [String]) -> [Int]? {
        let prefix = path.map(Self.snakeCase).joined(separator: "_") + "_"
        let found = names.indices.filter { names[$0].hasPrefix(prefix) }
        return found.isEmpty ? nil : found
    }

    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                if !result.isEmpty { result += "_" }
                result += character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}

private struct RowDecoder: Decoder {
    let result: QueryResult
    let columns: ColumnIndex
    let row: Int
    /// The property names leading here, for a nested value read from prefixed columns.
    let path: [String]
    var codingPath: [any CodingKey] { path.map(PathKey.init) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw missing() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw missing() }

    /// A value type read at a path that names no column.
    func missing() -> RowDecodingError {
        .missingColumn(columns.column(path).name, available: columns.names)
    }

    func value(_ key: some CodingKey) throws -> ColumnValue {
        let column = columns.column(path + [key.stringValue])
        guard let position = column.position else {
            throw RowDecodingError.missingColumn(column.name, available: columns.names)
        }
        return ColumnValue(result: result, row: row, column: position, name: column.name)
    }

    /// A nested `Decodable` with no column of its own, read from the columns its name prefixes.
    func nested<T: Decodable>(_ type: T.Type, _ key: some CodingKey) throws -> T? {
        let path = path + [key.stringValue]
        guard columns.column(path).position == nil, columns.hasColumns(under: path) else { return nil }
        return try T(from: RowDecoder(result: result, columns: columns, row: row, path: path))
    }
}

private struct PathKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: RowDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { decoder.columns.names.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { decoder.columns.column(decoder.path + [key.stringValue]).position != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try decoder.value(key).isNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        if let nested = try decoder.nested(type, key) { return nested }
        return try decoder.value(key).decode(type)
    }

    // An optional property still needs its column: a misspelt name is an error, not a nil.
    // An optional nested value whose columns are all NULL (a LEFT JOIN that found nothing) is nil.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        if decoder.columns.column(decoder.path + [key.stringValue]).position == nil,
           let positions = decoder.columns.positions(under: decoder.path + [key.stringValue]) {
            if positions.allSatisfy({ decoder.result.isNull(decoder.row, $0) }) { return nil }
            return try decoder.nested(type, key)
        }
        let value = try decoder.value(key)
        return value.isNull ? nil : try value.decode(type)
    }

    private func optional<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        let value = try decoder.value(key)
        return value.isNull ? nil : try value.decode(type)
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optional(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try optional(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(type, key) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(type, key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(RowContainer<NestedKey>(decoder: RowDecoder(
            result: decoder.result, columns: decoder.columns, row: decoder.row, path: decoder.path + [key.stringValue])))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw RowDecoder(result: decoder.result, columns: decoder.columns, row: decoder.row,
                         path: decoder.path + [key.stringValue]).missing()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        RowDecoder(result: decoder.result, columns: decoder.columns, row: decoder.row, path: decoder.path + [key.stringValue])
    }
}

/// One cell, read as the type asked for.
struct ColumnValue {
    let result: QueryResult
    let row: Int
    let column: Int
    let name: String

    var isNull: Bool { result.isNull(row, column) }

    /// The column's PostgreSQL type, for messages.
    var typeName: String {
        let oid = PQftype(result.handle, Int32(column))
        return Self.typeNames[oid] ?? "type oid \(oid)"
    }

    static let typeNames: [Oid: String] = [
        16: "boolean", 19: "name", 20: "bigint", 21: "smallint", 23: "integer", 25: "text", 26: "oid", 114: "json",
        700: "real", 701: "double precision", 1009: "text[]", 1043: "character varying", 1082: "date", 1114: "timestamp",
        1184: "timestamptz", 1700: "numeric", 2950: "uuid", 3802: "jsonb",
    ]

    var isJSON: Bool {
        let oid = PQftype(result.handle, Int32(column))
        return oid == 114 || oid == 3802
    }

    func bytes<T>(_ type: T.Type) throws -> UnsafeRawBufferPointer {
        guard let bytes = result.bytes(row, column) else { throw RowDecodingError.unexpectedNull(column: name, type: "\(T.self)") }
        return bytes
    }

    func text<T>(_ type: T.Type) throws -> String {
        String(decoding: try bytes(type), as: UTF8.self)
    }

    func wrongType(_ expected: String) -> RowDecodingError {
        .wrongType(column: name, expected: expected, columnType: typeName, value: result.string(row, column) ?? "NULL")
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type:
            return try text(T.self) as! T
        case is Int.Type:
            guard let value = QueryResult.integer(try bytes(T.self)), let int = Int(exactly: value) else { throw wrongType("an Int") }
            return int as! T
        case is Int64.Type:
            guard let value = QueryResult.integer(try bytes(T.self)) else { throw wrongType("an Int64") }
            return value as! T
        case is Double.Type:
            guard let value = Double(try text(T.self)) else { throw wrongType("a Double") }
            return value as! T
        case is Bool.Type:
            let bytes = try bytes(T.self)
            guard bytes.count == 1, bytes[0] == UInt8(ascii: "t") || bytes[0] == UInt8(ascii: "f") else {
                throw wrongType("a Bool (t or f)")
            }
            return (bytes[0] == UInt8(ascii: "t")) as! T
        case is UUID.Type:
            guard let value = QueryResult.uuid(try bytes(T.self)) else { throw wrongType("a UUID") }
            return value as! T
        case is Date.Type:
            guard let value = Timestamps.parse(try bytes(T.self)) else { throw wrongType("a timestamptz (a Date)") }
            return value as! T
        case let lossless as any LosslessStringConvertible.Type:
            // The narrower integers, Float, or a value type with a text form (a calendar date).
            guard let value = lossless.init(try text(T.self)) else { throw wrongType("a \(T.self)") }
            return value as! T
        default:
            if isNull { throw RowDecodingError.unexpectedNull(column: name, type: "\(T.self)") }
            // A type that reads one value through its own init(from:), or a JSON document.
            do {
                return try T(from: ValueDecoder(value: self))
            } catch ValueDecoder.Structured.requested {
                guard isJSON else { throw wrongType("a \(T.self) (read from json or jsonb)") }
                do {
                    return try JSONDecoder().decode(T.self, from: Data(try bytes(T.self)))
                } catch {
                    throw wrongType("a \(T.self): \(error)")
                }
            } catch let error as RowDecodingError {
                throw error
            } catch {
                throw wrongType("a \(T.self): \(error)")
            }
        }
    }
}

/// A decoder over one cell, for a type whose `init(from:)` reads a single value.
private struct ValueDecoder: Decoder, SingleValueDecodingContainer {
    enum Structured: Error { case requested }

    let value: ColumnValue
    var codingPath: [any CodingKey] { [PathKey(value.name)] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { throw Structured.requested }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Structured.requested }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value.isNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try value.decode(type) }
}
