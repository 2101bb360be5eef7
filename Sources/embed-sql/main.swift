import Foundation

// embed-sql OUTPUT FILE.sql… — writes a Swift file holding each SQL file's name and text.
let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: embed-sql OUTPUT FILE.sql...\n".utf8))
    exit(2)
}

var swift = "// Generated from db/*.sql by the EmbedMigrations plugin. Edit the SQL files instead.\n"
swift += "let embeddedMigrations: [(file: String, sql: String)] = [\n"
for path in arguments.dropFirst() {
    let url = URL(fileURLWithPath: path)
    let text = try String(contentsOf: url, encoding: .utf8)
    // A raw string delimiter longer than any run of # in the text keeps it verbatim.
    var delimiter = "#"
    while text.contains("\"" + delimiter) || text.contains(delimiter + "\"") { delimiter += "#" }
    swift += "    (\(delimiter)\"\(url.lastPathComponent)\"\(delimiter), \(delimiter)\"\"\"\n\(text)\n\"\"\"\(delimiter)),\n"
}
swift += "]\n"
try swift.write(toFile: output, atomically: true, encoding: .utf8)
