import Foundation
import Postgres

/// Keeps passwords given on the command line out of `ps` and /proc/PID/cmdline for as long as
/// a long-running command runs: the password's bytes in the process's own argument vector are
/// overwritten in place with `*`, so each argument keeps its length. Run it after the arguments
/// are parsed (ArgumentParser reads a copy of them).
enum ArgumentScrub {
    static func hidePasswords() {
        let argv = CommandLine.unsafeArgv
        for index in 1..<Int(CommandLine.argc) {
            guard let argument = argv[index] else { continue }
            let text = String(cString: argument)
            for range in Redaction.passwordRanges(in: text) {
                let start = text.utf8.distance(from: text.utf8.startIndex, to: range.lowerBound)
                let count = text.utf8.distance(from: range.lowerBound, to: range.upperBound)
                for offset in start..<(start + count) { argument[offset] = CChar(UInt8(ascii: "*")) }
            }
        }
    }
}
