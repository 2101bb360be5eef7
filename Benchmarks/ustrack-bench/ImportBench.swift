import Foundation
import Postgres

/// `ustrack import` as a user runs it: the release binary, an NDJSON file of progress lines
/// over 200 programmes, against a raw COPY of the rows it stored into a clone of store.events;
/// the restore of that log's export; and the peak memory of the ustrack process at two sizes.
extension Bench {
    static let programmes = 200

    func imports() throws {
        let binary = try ustrackBinary()
        let folder = FileManager.default.temporaryDirectory.appending(path: "ustrack-bench-import-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (small, large) = options.quick ? (10_000, 100_000) : (100_000, 1_000_000)
        let commandLines = 50_000

        let commands = folder.appending(path: "commands.ndjson")
        try Self.writeCommands(commandLines, to: commands)
        var restoreRate = 0.0, restoreBaseline = 0.0
        let (importRate, importBaseline) = try withDatabase { database in
            let run = try runUstrack(binary, ["import", commands.path, "--database-url", "dbname=\(database.name)"],
                                     holdingProjections: database)
            let connection = try database.connect()
            let events = Int(try connection.execute("SELECT count(*) FROM store.events").int64(0, 0) ?? 0)
            log("ustrack import, \(grouped(Double(commandLines))) command lines → \(grouped(Double(events))) events", Double(events) / run.seconds)
            let baseline = try rawCopyOfStoredRows(connection, events: events)
            // The catch-up the import leaves to its next command, against a rebuild of the same log.
            let catchUp = try runUstrack(binary, ["status", "--format", "json", "--database-url", "dbname=\(database.name)"])
            let rebuild = try runUstrack(binary, ["projections", "rebuild", "--database-url", "dbname=\(database.name)"])
            notes.append("import: the projections' catch-up after importing \(grouped(Double(events))) events "
                + "took \(String(format: "%.1f", catchUp.seconds)) s (`status`, which catches up first); "
                + "`projections rebuild` of the same log \(String(format: "%.1f", rebuild.seconds)) s.")
            // Restore: the export of this log into a fresh database.
            let exported = folder.appending(path: "export.ndjson")
            _ = try runUstrack(binary, ["export", "--out", exported.path, "--database-url", "dbname=\(database.name)"])
            try withDatabase { restored in
                let run = try runUstrack(binary, ["import", exported.path, "--database-url", "dbname=\(restored.name)"],
                                         holdingProjections: restored)
                restoreRate = Double(events) / run.seconds
                log("ustrack import of an export (restore), \(grouped(Double(events))) events", restoreRate)
                restoreBaseline = try rawCopyOfStoredRows(try restored.connect(), events: events)
            }
            return (Double(events) / run.seconds, baseline)
        }
        rows.append(Row(name: "import, \(grouped(Double(commandLines))) command lines", ustrack: importRate,
                        baseline: importBaseline, target: 0.25))
        rows.append(Row(name: "restore of an export", ustrack: restoreRate, baseline: restoreBaseline, target: 0.5))

        // Peak memory: the same kind of file at two sizes.
        var peaks: [Int] = []
        for count in [small, large] {
            let file = folder.appending(path: "memory-\(count).ndjson")
            try Self.writeCommands(count, to: file)
            let run = try withDatabase { database in
                try runUstrack(binary, ["import", file.path, "--database-url", "dbname=\(database.name)"],
                               holdingProjections: database)
            }
            try? FileManager.default.removeItem(at: file)
            peaks.append(run.maxRSSKB)
            log("ustrack import, \(grouped(Double(count))) lines: peak RSS \(megabytes(run.maxRSSKB))", Double(count) / run.seconds)
        }
        // As a ratio that must stay above its target: small / large peak ≥ 0.5.
        rows.append(Row(name: "import peak memory, \(grouped(Double(small))) ÷ \(grouped(Double(large))) lines",
                        ustrack: Double(peaks[0]), baseline: Double(peaks[1]), target: 0.5))
        notes.append("import: command lines are `progress` claims over \(Self.programmes) programmes; the baseline COPYs the "
            + "rows the import stored, as they are, into a clone of store.events (its indexes too). Peak RSS of the ustrack "
            + "process: \(megabytes(peaks[0])) for \(grouped(Double(small))) lines, \(megabytes(peaks[1])) for \(grouped(Double(large))).")
    }

    /// The release `ustrack` binary: $USTRACK_BIN (scripts/bench builds and sets it), else next to this one.
    private func ustrackBinary() throws -> String {
        let path = ProcessInfo.processInfo.environment["USTRACK_BIN"]
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "ustrack").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw UsageError("no ustrack binary at \(path): build it (swift build -c release --product ustrack) or set USTRACK_BIN")
        }
        return path
    }

    /// A portfolio, a source, `programmes` programmes, then `count` progress claims spread over
    /// them, each a distinct claim.
    static func writeCommands(_ count: Int, to file: URL) throws {
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var buffer = ""
        func line(_ text: String) throws {
            buffer += text + "\n"
            if buffer.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer = ""
            }
        }
        try line(#"{"command": "portfolio define", "id": "bench", "title": "Bench portfolio", "programmes": 200}"#)
        try line(#"{"command": "source add", "id": "bench-source", "title": "Bench source", "published-on": "2024-12-31"}"#)
        for programme in 0..<programmes {
            try line(#"{"command": "programme add", "id": "p\#(programme)", "portfolio": "bench", "title": "Programme \#(programme)", "measures": 100}"#)
        }
        let start = CalendarDay(year: 2021, month: 1, day: 1)
        let days = (0..<1400).map { start.adding($0).description }
        for claim in 0..<count {
            let day = days[claim / programmes % days.count]
            try line(#"{"command": "progress", "scope": "p\#(claim % programmes)", "wording": "\#(claim % 97 + 1) percent", "as-of": "\#(day)", "source": "bench-source", "note": "claim \#(claim)"}"#)
        }
        try handle.write(contentsOf: Data(buffer.utf8))
    }

    /// COPY of the rows the log holds, as they are, into a clone of store.events with its
    /// indexes; events per second.
    private func rawCopyOfStoredRows(_ connection: Connection, events: Int) throws -> Double {
        let columns = "position, stream, version, event_id, type, schema_version, data, metadata, recorded_at, tx"
        var rows: [Data] = []
        try connection.copyOut("COPY (SELECT \(columns) FROM store.events ORDER BY position) TO STDOUT") { row in
            rows.append(Data(row))
        }
        try connection.execute("CREATE TABLE store.events_clone (LIKE store.events INCLUDING ALL)")
        let started = ContinuousClock.now
        try connection.copyIn("COPY store.events_clone (\(columns)) FROM STDIN") { writer in
            for row in rows { try writer.write(row) }
        }
        let seconds = (ContinuousClock.now - started).seconds
        let rate = Double(events) / seconds
        log("raw COPY of the same \(grouped(Double(events))) rows into a clone of store.events", rate)
        return rate
    }

    struct ChildRun {
        var seconds: Double
        var maxRSSKB: Int
    }

    /// Runs ustrack and waits for it, timing it and taking its peak RSS from wait4. With
    /// `holdingProjections`, the projections' checkpoints are held locked meanwhile, so the
    /// command's catch-up gives up at once and the time is the import's alone.
    private func runUstrack(_ binary: String, _ arguments: [String], holdingProjections database: BenchDatabase? = nil) throws -> ChildRun {
        var holder: Connection?
        if let database {
            holder = try database.connect()
            try holder?.execute("BEGIN")
            for name in ["projection.catalog", "projection.progress"] {
                try holder?.execute("SELECT pg_advisory_xact_lock(hashtext('ustrack checkpoint:' || $1))", name)
            }
        }
        defer { _ = try? holder?.execute("ROLLBACK") }
        var environment = ProcessInfo.processInfo.environment
        environment["USTRACK_LOCK_TIMEOUT"] = "0.001"
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let started = ContinuousClock.now
        var pid = pid_t()
        guard posix_spawn(&pid, binary, &actions, nil, argv, envp) == 0 else { throw UsageError("cannot run \(binary)") }
        // The peak is read from the child's own /proc while it runs: wait4's ru_maxrss counts the
        // memory a posix_spawn child shared with this process until its exec, that is, this
        // harness's own peak (after the read stage, about 100 MB), whatever ustrack used.
        let watcher = PeakWatcher(pid: pid)
        watcher.start()
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, 0, &usage) == pid else { throw UsageError("lost \(binary)") }
        let seconds = (ContinuousClock.now - started).seconds
        let peak = watcher.stop()
        guard status == 0 else { throw UsageError("ustrack \(arguments.joined(separator: " ")) failed with status \(status)") }
        return ChildRun(seconds: seconds, maxRSSKB: peak)
    }
}

/// Polls a running process's high-water RSS (VmHWM in /proc/PID/status, which starts afresh at
/// its exec and only grows) every 10 ms; the last value read is its peak to within those 10 ms.
final class PeakWatcher: @unchecked Sendable {
    private let pid: pid_t
    private let lock = NSLock()
    private var peakKB = 0
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init(pid: pid_t) { self.pid = pid }

    func start() {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                if let kb = Self.highWaterKB(of: pid) { lock.withLock { peakKB = max(peakKB, kb) } }
                usleep(10_000)
            }
            done.signal()
        }
    }

    /// Stops polling; the highest VmHWM read.
    func stop() -> Int {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { peakKB }
    }

    static func highWaterKB(of pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
}

/// A calendar day for the generated claims' as-of dates.
struct CalendarDay: CustomStringConvertible {
    var date: Date

    init(year: Int, month: Int, day: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        date = calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    private init(date: Date) { self.date = date }

    func adding(_ days: Int) -> CalendarDay { CalendarDay(date: date.addingTimeInterval(Double(days) * 86_400)) }

    var description: String { String(ISO8601DateFormatter().string(from: date).prefix(10)) }
}
