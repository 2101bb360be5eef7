import EventStore
import Foundation

/// Input for a single-user server (`postgres --single`) that runs one statement `count` times,
/// the same statement and the same kind of values as the timed measurements send, for
/// scripts/bench-instructions to count instructions under callgrind. The server reads one
/// statement a line.
enum SingleUserInput {
    enum Form: String, CaseIterable {
        /// One raw single-row INSERT, as `rawSingle` sends it.
        case rawInsert = "raw-insert"
        /// EventStore.append of one event, as `ustrackSingle` sends it.
        case append
    }

    static func text(_ form: Form, count: Int) -> String {
        // Named by the count, so that a second input against the same database (the script's
        // longer run after its base run) starts a stream of its own at version 1.
        let run = "n\(count)"
        var lines: [String] = []
        lines.reserveCapacity(count + 1)
        switch form {
        case .rawInsert:
            lines.append("PREPARE counted AS \(Workload.insert)")
            for version in 1...count {
                lines.append("EXECUTE counted('raw-\(run)', \(version), '\(UUID.random())', '\(Workload.type)', '\(Workload.payload)', '{}')")
            }
        case .append:
            // Expected version any (NULL), schema version 1, no command id: NewEvent's defaults.
            lines.append("PREPARE counted AS " + EventStore.appendStatement(1).split(separator: "\n").joined(separator: " "))
            for _ in 1...count {
                lines.append("EXECUTE counted('bench-\(run)', NULL, '\(UUID.random())', '\(Workload.type)', '\(Workload.payload)', '{}', 1, NULL)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
