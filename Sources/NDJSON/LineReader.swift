#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lines of an NDJSON file, read in chunks so that memory stays flat however long the file,
/// and handed out as bytes without copying or decoding them. A line ends at "\n"; the last one
/// may lack it.
public enum LineReader {
    public struct ReadError: Error, CustomStringConvertible {
        public let errno: Int32
        public var description: String { String(cString: strerror(errno)) }
    }

    /// Calls `body` with each line's number (from 1) and bytes, "\n" left out; the bytes are
    /// valid only during the call.
    public static func forEachLine(
        fileDescriptor: Int32, chunkSize: Int = 1 << 20, _ body: (Int, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var filled = 0
        var number = 0
        while true {
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(errno: errno)
            }
            let end = filled + count
            // Every whole line in the buffer; what follows the last newline waits for more.
            let consumed = try buffer.withUnsafeBytes { all -> Int in
                var start = 0
                while start < end, let newline = memchr(all.baseAddress! + start, 0x0A, end - start) {
                    let stop = all.baseAddress!.distance(to: UnsafeRawPointer(newline))
                    number += 1
                    try body(number, UnsafeRawBufferPointer(rebasing: all[start..<stop]))
                    start = stop + 1
                }
                if count == 0, start < end {
                    number += 1
                    try body(number, UnsafeRawBufferPointer(rebasing: all[start..<end]))
                    start = end
                }
                return start
            }
            if count == 0 { return }
            // Move the unfinished line to the front.
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { all in
                    _ = memmove(all.baseAddress!, all.baseAddress! + consumed, end - consumed)
                }
            }
            filled = end - consumed
        }
    }

    /// How many lines `forEachLine` would give, counting newlines only.
    public static func count(fileDescriptor: Int32, chunkSize: Int = 1 << 20) throws -> Int {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var lines = 0
        var last: UInt8 = 0x0A
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(errno: errno)
            }
            if count == 0 { return last == 0x0A ? lines : lines + 1 }
            buffer.withUnsafeBytes { all in
                var start = all.baseAddress!
                let end = all.baseAddress! + count
                while start < end, let newline = memchr(start, 0x0A, end - start) {
                    lines += 1
                    start = UnsafeRawPointer(newline) + 1
                }
            }
            last = buffer[count - 1]
        }
    }

    /// The lines of text in memory, as `forEachLine` gives a file's.
    public static func forEachLine(in text: String, _ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        var text = text
        try text.withUTF8 { utf8 in
            let all = UnsafeRawBufferPointer(utf8)
            var start = 0, number = 0
            while start <= all.count {
                let stop = all[start...].firstIndex(of: 0x0A) ?? all.count
                if stop == all.count && start == stop && number > 0 { return }
                number += 1
                try body(number, UnsafeRawBufferPointer(rebasing: all[start..<stop]))
                start = stop + 1
            }
        }
    }
}
