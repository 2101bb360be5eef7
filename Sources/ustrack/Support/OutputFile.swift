import Foundation

/// A file ustrack writes (`export --out`, `report --out`, `chart --svg`, a Markdown report's chart
/// files), written to what its path names:
/// - a regular file, or none yet: replaced atomically, through a temporary file in the same folder
///   renamed over it when complete, so a reader never sees half a report; an existing file keeps
///   its permissions (and, for root, its owner);
/// - a symbolic link: followed, and its target written as above; the link stays;
/// - a device or FIFO (`/dev/null`, `/dev/stdout`, a named pipe): written in place, never replaced;
/// - a directory, or anything else: refused as bad input.
/// A failed write (`/dev/full`: no space left) names the path and exits 1; a temporary file left
/// by a failure is removed.
final class OutputFile {
    /// The path as given, for messages.
    let path: String
    let option: String
    /// What the path names once symbolic links are followed.
    private let target: String
    private var descriptor: Int32
    /// Set when writing a temporary file to rename over `target`.
    private let temporary: String?
    private var finished = false

    /// Opens `path` for writing; `option` (`--out`, `--svg`) names it in messages.
    init(_ path: String, option: String) throws {
        self.path = path
        self.option = option
        target = try Self.following(path, option: option)
        var info = stat()
        if stat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw Failure.badInput("cannot write \(option) \(path): it is a directory; give a file name, e.g. \(URL(fileURLWithPath: path).appending(path: "report.html").path)")
            case S_IFCHR, S_IFIFO, S_IFBLK:
                descriptor = open(target, O_WRONLY | O_CLOEXEC | O_NOCTTY)
                guard descriptor >= 0 else { throw Self.unusable(option, path) }
                temporary = nil
                return
            case S_IFREG:
                (descriptor, temporary) = try Self.temporaryFile(beside: target, option: option, path: path)
                // The new file takes the old one's place: same permissions, and for root the same owner.
                fchmod(descriptor, info.st_mode & 0o7777)
                if geteuid() == 0 { _ = fchown(descriptor, info.st_uid, info.st_gid) }
            default:
                throw Failure.badInput("cannot write \(option) \(path): it is not a file (a socket?); give a file name")
            }
        } else if errno == ENOENT {
            (descriptor, temporary) = try Self.temporaryFile(beside: target, option: option, path: path)
            let mask = umask(0)
            umask(mask)
            fchmod(descriptor, 0o666 & ~mask)
        } else {
            throw Self.unusable(option, path)
        }
    }

    deinit {
        guard !finished else { return }
        close(descriptor)
        if let temporary { unlink(temporary) }
    }

    /// True when `path` names a device or FIFO (after symbolic links): written in place, so a
    /// Markdown report there gets no chart files beside it.
    static func isStream(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let kind = info.st_mode & S_IFMT
        return kind == S_IFCHR || kind == S_IFIFO || kind == S_IFBLK
    }

    /// Writes `text` whole to `path`.
    static func write(_ text: String, to path: String, option: String) throws {
        let file = try OutputFile(path, option: option)
        try file.write(Data(text.utf8))
        try file.commit()
    }

    func write(_ data: Data) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw writeFailed()
                }
                offset += written
            }
        }
    }

    /// Completes the file: a temporary file is synced and renamed over the target.
    func commit() throws {
        finished = true
        if let temporary {
            guard fsync(descriptor) == 0 else {
                let failure = writeFailed()
                close(descriptor)
                unlink(temporary)
                throw failure
            }
            close(descriptor)
            guard rename(temporary, target) == 0 else {
                let failure = writeFailed()
                unlink(temporary)
                throw failure
            }
        } else if close(descriptor) != 0 {
            throw writeFailed()
        }
    }

    private func writeFailed() -> Failure {
        Failure.other("cannot write \(option) \(path): \(String(cString: strerror(errno)))")
    }

    private static func unusable(_ option: String, _ path: String) -> Failure {
        Failure.badInput("cannot write \(option) \(path): \(String(cString: strerror(errno))); give a path in a writable folder")
    }

    /// `path` with its symbolic links followed, as far as they lead (a link to a file not yet
    /// there names the file to create).
    private static func following(_ path: String, option: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else {
                throw unusable(option, path)
            }
            current = destination.hasPrefix("/") ? destination
                : URL(fileURLWithPath: current).deletingLastPathComponent().appending(path: destination).path
        }
        throw Failure.badInput("cannot write \(option) \(path): too many symbolic links; give a path that leads to a file")
    }

    /// A new file beside `target`, in the same folder so that the rename is atomic.
    private static func temporaryFile(beside target: String, option: String, path: String) throws -> (Int32, String) {
        let url = URL(fileURLWithPath: target)
        var template = Array(url.deletingLastPathComponent().appending(path: ".\(url.lastPathComponent).XXXXXX").path.utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw unusable(option, path) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        return (descriptor, template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }
}
