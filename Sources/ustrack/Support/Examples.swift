/// The "Examples:" block of a command's help: lines a person can paste as they are.
enum Examples {
    static func text(_ lines: String) -> String {
        "Examples:\n" + lines.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    }
}
