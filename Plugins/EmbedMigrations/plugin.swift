import Foundation
import PackagePlugin

/// Compiles the schema in `db/` into the Migrations module, so the installed binary carries it
/// and `db/` stays the only copy: the migrations (`db/migrations/*.sql`), the object files
/// (every other `.sql` under `db/`) and `db/objects.txt`, the order the objects are applied in.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "db")
        var files: [URL] = []
        if let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) {
            for case let url as URL in walk where url.pathExtension == "sql" { files.append(url) }
        }
        files.sort { $0.path() < $1.path() }
        let manifest = folder.appending(path: "objects.txt")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding the schema from db/ (\(files.count) files)",
                executable: try context.tool(named: "embed-sql").url,
                arguments: [output.path(), folder.path()] + files.map { $0.path() },
                inputFiles: files + [manifest],
                outputFiles: [output])
        ]
    }
}
