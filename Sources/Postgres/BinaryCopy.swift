import CivilDays
import Foundation

/// The type of a column, by its PostgreSQL type OID: what a binary COPY field must be encoded as.
public struct PostgresType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let bool = PostgresType(rawValue: 16)
    public static let bytea = PostgresType(rawValue: 17)
    public static let int8 = PostgresType(rawValue: 20)
    public static let int2 = PostgresType(rawValue: 21)
    public static let int4 = PostgresType(rawValue: 23)
    public static let text = PostgresType(rawValue: 25)
    public static let json = PostgresType(rawValue: 114)
    public static let float4 = PostgresType(rawValue: 700)
    public static let float8 = PostgresType(rawValue: 701)
    public static let bpchar = PostgresType(rawValue: 1042)
    public static let varchar = PostgresType(rawValue: 1043)
    public static let date = PostgresType(rawValue: 1082)
    public static let timestamp = PostgresType(rawValue: 1114)
    public static let timestamptz = PostgresType(rawValue: 1184)
    public static let uuid = PostgresType(rawValue: 2950)
    public static let jsonb = PostgresType(rawValue: 3802)

    public var description: String {
        let names: [PostgresType: String] = [
            .bool: "boolean", .bytea: "bytea", .int8: "bigint", .int2: "smallint", .int4: "integer", .text: "text",
            .json: "json", .float4: "real", .float8: "double precision", .bpchar: "character", .varchar: "character varying",
            .date: "date", .timestamp: "timestamp", .timestamptz: "timestamptz", .uuid: "uuid", .jsonb: "jsonb",
        ]
        return names[self] ?? "type oid \(rawValue)"
    }

    /// Types whose binary form is their text in UTF-8.
    var isText: Bool { self == .text || self == .varchar || self == .bpchar || self == .json }
}

/// Helpers for `PostgresParameter.appendBinaryField`: each appends one field of a binary COPY
/// row, its byte length first (PostgreSQL's binary formats are big-endian).
public enum BinaryField {
    /// PostgreSQL counts dates and timestamps from 2000-01-01, 10,957 days after 1970-01-01.
    static let epochDays = 10_957

    public static func appendNull(to buffer: inout [UInt8]) { append(Int32(-1), to: &buffer) }

    /// A `date` column's field.
    public static func appendDate(year: Int, month: Int, day: Int, to buffer: inout [UInt8]) {
        appendFixed(Int32(CivilDays.days(year: year, month: month, day: day) - epochDays), to: &buffer)
    }

    /// Into any integer column the value fits.
    static func appendInteger<Value: BinaryInteger>(_ value: Value, as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        switch type {
        case .int2: guard let value = Int16(exactly: value) else { return false }; appendFixed(value, to: &buffer)
        case .int4: guard let value = Int32(exactly: value) else { return false }; appendFixed(value, to: &buffer)
        case .int8: guard let value = Int64(exactly: value) else { return false }; appendFixed(value, to: &buffer)
        default: return false
        }
        return true
    }

    static func appendFixed<Value: FixedWidthInteger>(_ value: Value, to buffer: inout [UInt8]) {
        append(Int32(MemoryLayout<Value>.size), to: &buffer)
        append(value, to: &buffer)
    }

    static func appendBytes<Bytes: Collection>(_ bytes: Bytes, prefix: UInt8? = nil, to buffer: inout [UInt8])
    where Bytes.Element == UInt8 {
        append(Int32(bytes.count + (prefix == nil ? 0 : 1)), to: &buffer)
        if let prefix { buffer.append(prefix) }
        buffer.append(contentsOf: bytes)
    }

    static func append<Value: FixedWidthInteger>(_ value: Value, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }
}

extension String {
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        if type.isText {
            BinaryField.appendBytes(utf8, to: &buffer)
        } else if type == .jsonb {
            // jsonb's binary form is a version byte, 1, and the JSON text.
            BinaryField.appendBytes(utf8, prefix: 1, to: &buffer)
        } else {
            return false
        }
        return true
    }
}

extension Substring {
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        String(self).appendBinaryField(as: type, to: &buffer)
    }
}

extension Int {
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        BinaryField.appendInteger(self, as: type, to: &buffer)
    }
}

extension Int32 {
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        BinaryField.appendInteger(self, as: type, to: &buffer)
    }
}

extension Int64 {
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        BinaryField.appendInteger(self, as: type, to: &buffer)
    }
}

extension Double {
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        switch type {
        case .float8: BinaryField.appendFixed(bitPattern, to: &buffer)
        case .float4: BinaryField.appendFixed(Float(self).bitPattern, to: &buffer)
        default: return false
        }
        return true
    }
}

extension Bool {
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        guard type == .bool else { return false }
        BinaryField.appendFixed(UInt8(self ? 1 : 0), to: &buffer)
        return true
    }
}

extension UUID {
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        guard type == .uuid else { return false }
        BinaryField.append(Int32(16), to: &buffer)
        withUnsafeBytes(of: uuid) { buffer.append(contentsOf: $0) }
        return true
    }
}

extension Date {
    /// Microseconds since 2000-01-01 UTC, rounded as `Timestamps.format` rounds them, so either
    /// format stores the same value.
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        guard type == .timestamptz || type == .timestamp else { return false }
        let micros = Int64((timeIntervalSince1970 * 1_000_000).rounded()) - Int64(BinaryField.epochDays) * 86_400_000_000
        BinaryField.appendFixed(micros, to: &buffer)
        return true
    }
}

extension Data {
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        guard type == .bytea else { return false }
        BinaryField.appendBytes(self, to: &buffer)
        return true
    }
}

extension Optional where Wrapped: PostgresParameter {
    /// NULL fits a column of any type.
    public func appendBinaryField(as type: PostgresType, to buffer: inout [UInt8]) -> Bool {
        guard let self else {
            BinaryField.appendNull(to: &buffer)
            return true
        }
        return self.appendBinaryField(as: type, to: &buffer)
    }
}

/// Writes the rows of `COPY … FROM STDIN (FORMAT binary)`, each value encoded for its column's
/// type: the server then parses no text (dates, timestamps, numbers and uuids cost it most).
public struct BinaryCopyWriter {
    var writer: CopyWriter
    let table: String
    let columns: [String]
    let types: [PostgresType]

    /// One value per column, in the columns' order; `nil` optionals are NULL.
    public mutating func writeRow(_ values: [any PostgresParameter]) throws {
        guard values.count == columns.count else {
            throw PostgresError(kind: .client, message: "a row for \(table) needs \(columns.count) values, one per column; it has \(values.count)")
        }
        BinaryField.append(Int16(values.count), to: &writer.buffer)
        for (index, value) in values.enumerated() where !value.appendBinaryField(as: types[index], to: &writer.buffer) {
            throw PostgresError(kind: .client, message: "cannot write the \(Swift.type(of: value)) value (\(value.postgresText ?? "NULL")) "
                + "into column \(columns[index]) of \(table), of type \(types[index]), in a binary COPY")
        }
        try writer.flushIfFull()
    }

    /// The fixed header of the binary COPY format: signature, flags, header extension length.
    static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    /// The file trailer: a field count of -1.
    static let trailer: [UInt8] = [0xFF, 0xFF]
}

extension Connection {
    /// Runs `COPY table (columns) FROM STDIN (FORMAT binary)`; `body` writes the rows. The
    /// columns' types are read from the catalog once per table and connection, and again after
    /// `executeScript` (a migration). As `copyIn`: aborted, nothing stored, when `body` throws;
    /// returns the number of rows stored.
    @discardableResult
    public func copyInBinary(into table: String, columns: [String], _ body: (inout BinaryCopyWriter) throws -> Void) throws -> Int {
        let types = try columnTypes(of: table, columns)
        return try copyIn("COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN (FORMAT binary)") { writer in
            try writer.write(BinaryCopyWriter.header)
            var rows = BinaryCopyWriter(writer: writer, table: table, columns: columns, types: types)
            try body(&rows)
            try rows.writer.write(BinaryCopyWriter.trailer)
            writer = rows.writer
        }
    }

    /// The types of `columns` of `table` (as `schema.table`, or a name the search path finds).
    public func columnTypes(of table: String, _ columns: [String]) throws -> [PostgresType] {
        let known: [String: PostgresType]
        if let cached = columnTypesByTable[table] {
            known = cached
        } else {
            let rows = try execute("""
                SELECT attname, atttypid::int8 FROM pg_attribute
                WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped
                """, table)
            known = Dictionary(uniqueKeysWithValues: (0..<rows.rowCount).map {
                (rows.string($0, 0)!, PostgresType(rawValue: UInt32(rows.int64($0, 1)!)))
            })
            columnTypesByTable[table] = known
        }
        return try columns.map { column in
            guard let type = known[column] else {
                throw PostgresError(kind: .client, message: "\(table) has no column \(column)")
            }
            return type
        }
    }
}
