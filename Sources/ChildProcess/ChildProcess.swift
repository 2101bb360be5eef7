import Foundation

/// Runs a program to completion and returns its exit status and output.
/// posix_spawn and waitpid rather than Foundation's Process, whose waitUntilExit was seen to
/// hang on Linux after a child started a daemon (pg_ctl start).
public enum ChildProcess {
    public struct Outcome: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `environment` nil inherits ours; `input` is written to the child's stdin.
    /// With `mergeOutput`, stderr goes to the same pipe as stdout.
    public static func run(
        _ program: String, _ arguments: [String], environment: [String: String]? = nil,
        input: Data = Data(), mergeOutput: Bool = false
    ) throws -> Outcome {
        try spawn(program, arguments, environment: environment, input: input, mergeOutput: mergeOutput).wait()
    }

    /// A child still running: signal it, then wait for its outcome.
    public final class Running: @unchecked Sendable {
        // @unchecked: the fields are set once, before the object is shared.
        public let pid: pid_t
        fileprivate let errors: Drain
        fileprivate let output: Drain

        fileprivate init(pid: pid_t, output: Drain, errors: Drain) {
            self.pid = pid
            self.output = output
            self.errors = errors
        }

        public func signal(_ signal: Int32) { kill(pid, signal) }

        public func wait() -> Outcome {
            let stdout = output.wait()
            let stderr = errors.wait()
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
            let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return Outcome(status: exitStatus, stdout: stdout, stderr: stderr)
        }
    }

    public static func spawn(
        _ program: String, _ arguments: [String], environment: [String: String]? = nil,
        input: Data = Data(), mergeOutput: Bool = false
    ) throws -> Running {
        let stdin = try makePipe(), stdout = try makePipe(), stderr = try makePipe()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin.read, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout.write, 1)
        posix_spawn_file_actions_adddup2(&actions, mergeOutput ? stdout.write : stderr.write, 2)
        for descriptor in [stdin.read, stdin.write, stdout.read, stdout.write, stderr.read, stderr.write] {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }

        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }
        var pid = pid_t()
        let spawned = envp.map { posix_spawnp(&pid, program, &actions, nil, argv, $0) }
            ?? posix_spawnp(&pid, program, &actions, nil, argv, environ)
        [stdin.read, stdout.write, stderr.write].forEach { _ = close($0) }
        guard spawned == 0 else {
            [stdin.write, stdout.read, stderr.read].forEach { _ = close($0) }
            throw Failure(description: "cannot run \(program): \(String(cString: strerror(spawned)))")
        }

        // Feed stdin and drain both outputs on their own threads, so no pipe fills and blocks.
        let writer = Thread {
            input.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(stdin.write, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { if errno == EINTR { continue }; break }
                    offset += written
                }
            }
            close(stdin.write)
        }
        writer.start()
        return Running(pid: pid, output: Drain(stdout.read), errors: Drain(stderr.read))
    }

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw Failure(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        return (fds[0], fds[1])
    }
}

/// Reads a descriptor to its end on a thread of its own.
fileprivate final class Drain: @unchecked Sendable {
    // @unchecked: `text` is written once by the thread before `done` is signalled.
    private var text = ""
    private let done = DispatchSemaphore(value: 0)

    init(_ descriptor: Int32) {
        Thread { [self] in
            text = Drain.readAll(descriptor)
            done.signal()
        }.start()
    }

    func wait() -> String {
        done.wait()
        return text
    }

    static func readAll(_ descriptor: Int32) -> String {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count > 0 { data.append(contentsOf: buffer[0..<count]); continue }
            if count < 0 && errno == EINTR { continue }
            break
        }
        close(descriptor)
        return String(decoding: data, as: UTF8.self)
    }
}
