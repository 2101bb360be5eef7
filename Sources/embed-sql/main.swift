import Foundation

// embed-sql OUTPUT DB FILE.sql… — writes a Swift file holding the migrations (DB/migrations/*.sql)
// and the object files (every other FILE), the latter in the order DB/objects.txt lists them.
// A file missing from objects.txt, or listed but absent, fails the build.
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: embed-sql OUTPUT DB FILE.sql...\n".utf8))
    exit(2)
}
let output = arguments[0]
let root = URL(fileURLWithPath: arguments[1]).standardizedFileURL.path + "/"

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: embed-sql: \(message)\n".utf8))
    exit(1)
}

/// Paths relative to DB, e.g. "migrations/0001_event_store.sql".
var texts: [String: String] = [:]
for path in arguments.dropFirst(2) {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    guard absolute.hasPrefix(root) else { fail("\(path) is not under \(root)") }
    texts[String(absolute.dropFirst(root.count))] = try String(contentsOfFile: absolute, encoding: .utf8)
}
let migrations = texts.keys.filter { $0.hasPrefix("migrations/") }.sorted()
let objectFiles = Set(texts.keys).subtracting(migrations)

let manifest = try String(contentsOfFile: root + "objects.txt", encoding: .utf8)
let listed = manifest.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    .filter { !$0.isEmpty && !$0.hasPrefix("#") }
for (index, file) in listed.enumerated() {
    if !objectFiles.contains(file) { fail("db/objects.txt lists \(file), which is not a file under db/") }
    if listed[..<index].contains(file) { fail("db/objects.txt lists \(file) twice") }
}
for file in objectFiles.sorted() where !listed.contains(file) {
    fail("db/\(file) is not listed in db/objects.txt: add it after the objects it uses")
}

func literal(_ text: String) -> String {
    // A raw string delimiter longer than any run of # in the text keeps it verbatim.
    var delimiter = "#"
    while text.contains("\"" + delimiter) || text.contains(delimiter + "\"") { delimiter += "#" }
    return "\(delimiter)\"\"\"\n\(text)\n\"\"\"\(delimiter)"
}

var swift = "// Generated from db/ by the EmbedMigrations plugin. Edit the SQL files instead.\n"
swift += "let embeddedMigrations: [(file: String, sql: String)] = [\n"
for file in migrations {
    swift += "    (\(literal(String(file.dropFirst("migrations/".count)))), \(literal(texts[file]!))),\n"
}
swift += "]\n\n// In the order of db/objects.txt.\n"
swift += "let embeddedObjects: [(file: String, sql: String)] = [\n"
for file in listed {
    swift += "    (\(literal(file)), \(literal(texts[file]!))),\n"
}
swift += "]\n"
try swift.write(toFile: output, atomically: true, encoding: .utf8)
