import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension UUID {
    /// A random (version 4) UUID from a buffer of the kernel's random bytes, refilled 4 KB at
    /// a time from /dev/urandom. Foundation's `UUID()` opens, reads and closes /dev/urandom for
    /// each one (3.8 µs here, against about 0.1 µs), which a bulk load of a million events felt.
    public static func random() -> UUID {
        var uuid = RandomBytes.shared.sixteen()
        uuid.6 = (uuid.6 & 0x0f) | 0x40    // version 4
        uuid.8 = (uuid.8 & 0x3f) | 0x80    // RFC 4122 variant
        return UUID(uuid: uuid)
    }
}

/// The kernel's random bytes, fetched in blocks and handed out sixteen at a time, by any thread.
private final class RandomBytes: Sendable {
    static let shared = RandomBytes()
    private static let blockSize = 4096
    private let state = Mutex<(block: [UInt8], next: Int)>(([UInt8](repeating: 0, count: blockSize), blockSize))

    func sixteen() -> uuid_t {
        state.withLock { state in
            if state.next + 16 > state.block.count {
                state.block.withUnsafeMutableBytes { Self.fill($0) }
                state.next = 0
            }
            defer { state.next += 16 }
            return state.block.withUnsafeBytes { bytes in
                bytes.loadUnaligned(fromByteOffset: state.next, as: uuid_t.self)
            }
        }
    }

    /// /dev/urandom, opened once: a short read or an interrupted one asks again for the rest.
    private static let urandom: Int32 = open("/dev/urandom", O_RDONLY | O_CLOEXEC)

    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var filled = 0
        while filled < buffer.count {
            let got = read(urandom, buffer.baseAddress! + filled, buffer.count - filled)
            if got > 0 {
                filled += got
            } else if got == 0 || errno != EINTR {
                fatalError("cannot read /dev/urandom: \(String(cString: strerror(errno)))")
            }
        }
    }
}
