import CLibPQ
import Foundation

extension Connection {
    /// Runs `COPY … FROM STDIN` and lets `body` write rows through the `CopyWriter`;
    /// the copy is ended when `body` returns and aborted (nothing stored) when it throws.
    /// Returns the number of rows the server stored.
    @discardableResult
    public func copyIn(_ sql: String, _ body: (inout CopyWriter) throws -> Void) throws -> Int {
        try check(PQexec(handle, sql))
        var writer = CopyWriter(connection: self)
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            _ = PQputCopyEnd(handle, "aborted by ustrack")
            while let result = PQgetResult(handle) { PQclear(result) }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw PostgresError(kind: .connectionLost, message: Self.errorText(handle))
        }
        var stored = 0
        var failure: PostgresError?
        while let result = PQgetResult(handle) {
            switch checked(result) {
            case .success(let done): stored = done.affectedRows
            case .failure(let error): failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return stored
    }

    /// Runs `COPY … TO STDOUT`, handing each row (one text line, or one binary tuple) to `body`
    /// as it arrives, so memory stays flat however large the output.
    @discardableResult
    public func copyOut(_ sql: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try check(PQexec(handle, sql))
        var rows = 0
        var buffer: UnsafeMutablePointer<CChar>?
        while true {
            let length = PQgetCopyData(handle, &buffer, 0)
            if length == -1 { break }
            if length == -2 {
                throw PostgresError(kind: .connectionLost, message: Self.errorText(handle))
            }
            defer { PQfreemem(buffer) }
            rows += 1
            try body(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
        }
        var failure: PostgresError?
        while let result = PQgetResult(handle) {
            if case .failure(let error) = checked(result) { failure = failure ?? error }
        }
        if let failure { throw failure }
        return rows
    }
}

/// Buffers COPY data and hands it to libpq in large chunks; one row per `writeRow`.
public struct CopyWriter {
    let connection: Connection
    var buffer: [UInt8] = []
    private static let chunkSize = 256 * 1024

    init(connection: Connection) {
        self.connection = connection
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    /// Appends raw bytes (binary COPY data, or preformatted text lines).
    public mutating func write<Bytes: Sequence>(_ bytes: Bytes) throws where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Appends one row in COPY text format: fields escaped, tab-separated, `\N` for NULL.
    public mutating func writeRow(_ fields: [String?]) throws {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            guard var field else { buffer.append(contentsOf: [92, 78]); continue }
            // Bytes that need no escape, nearly all of them, are copied in runs.
            field.withUTF8 { bytes in
                var run = 0
                for (offset, byte) in bytes.enumerated() where byte == 92 || byte == 9 || byte == 10 || byte == 13 {
                    buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<offset]))
                    switch byte {
                    case 92: buffer.append(contentsOf: [92, 92])           // backslash
                    case 9: buffer.append(contentsOf: [92, 116])           // \t
                    case 10: buffer.append(contentsOf: [92, 110])          // \n
                    default: buffer.append(contentsOf: [92, 114])          // \r
                    }
                    run = offset + 1
                }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
            }
        }
        buffer.append(10)
        try flushIfFull()
    }

    mutating func flushIfFull() throws {
        if buffer.count >= Self.chunkSize { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        let status = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                PQputCopyData(connection.handle, $0.baseAddress, Int32($0.count))
            }
        }
        guard status == 1 else {
            throw PostgresError(kind: .connectionLost, message: Connection.errorText(connection.handle))
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
