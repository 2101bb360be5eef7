import Foundation
import Migrations
import Testing

/// SwiftPM runs the embedding plugin only when it re-plans the build, which a new file in
/// db/ alone does not cause: this catches a binary whose schema lags behind db/.
@Test func theBinaryEmbedsExactlyTheMigrationsInDb() throws {
    let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "db")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path())
        .filter { $0.hasSuffix(".sql") }.sorted()
    let embedded = Migrator.all.map { String(format: "%04d_%@.sql", $0.version, $0.name) }
    #expect(embedded == files, "touch Package.swift and rebuild to embed the migrations again")
    for (file, migration) in zip(files, Migrator.all) {
        let text = try String(contentsOf: folder.appending(path: file), encoding: .utf8)
        #expect(migration.sql == text, "\(file) differs from its embedded copy")
    }
}
