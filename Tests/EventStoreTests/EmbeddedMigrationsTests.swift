import Foundation
import Migrations
import Postgres
import TestSupport
import Testing

private let db = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appending(path: "db")

/// SwiftPM runs the embedding plugin only when it re-plans the build, which a new file in
/// db/ alone does not cause: this catches a binary whose schema lags behind db/.
@Test func theBinaryEmbedsExactlyTheMigrationsInDb() throws {
    let folder = db.appending(path: "migrations")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path())
        .filter { $0.hasSuffix(".sql") }.sorted()
    let embedded = Migrator.all.map { String(format: "%04d_%@.sql", $0.version, $0.name) }
    #expect(embedded == files, "touch Package.swift and rebuild to embed the migrations again")
    for (file, migration) in zip(files, Migrator.all) {
        let text = try String(contentsOf: folder.appending(path: file), encoding: .utf8)
        #expect(migration.sql == text, "\(file) differs from its embedded copy")
    }
}

/// The object files, in the order db/objects.txt gives, each as it reads in db/.
@Test func theBinaryEmbedsExactlyTheObjectFilesInDb() throws {
    let manifest = try String(contentsOf: db.appending(path: "objects.txt"), encoding: .utf8)
    let listed = manifest.split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
    #expect(Migrator.objects.map(\.file) == listed, "touch Package.swift and rebuild to embed the objects again")
    var onDisk: [String] = []
    for folder in ["functions", "views"] {
        let walk = FileManager.default.enumerator(atPath: db.appending(path: folder).path())
        while let path = walk?.nextObject() as? String {
            if path.hasSuffix(".sql") { onDisk.append("\(folder)/\(path)") }
        }
    }
    #expect(onDisk.sorted() == listed.sorted())
    for object in Migrator.objects {
        let text = try String(contentsOf: db.appending(path: object.file), encoding: .utf8)
        #expect(object.sql == text, "\(object.file) differs from its embedded copy")
    }
}

/// A migration numbered below one a database already has (two branches, each adding one) is
/// applied all the same: the migrator checks each version, not only the highest.
@Test func aMigrationBelowTheHighestAppliedIsAppliedToo() throws {
    let connection = try Connection.connect(try TestDatabase.create("migration below the highest"))
    // As a database looks that got a later migration before this one existed.
    let middle = try #require(Migrator.all.first { $0.name == "catalog_in_two_times" })
    #expect(middle.version < Migrator.latestVersion)
    try connection.execute("ALTER TABLE projection.milestones DROP COLUMN reached_retracted_at")
    try connection.execute("""
        ALTER TABLE projection.programmes DROP COLUMN completed_recorded_at, DROP COLUMN completed_retracted_at
        """)
    try connection.execute("DELETE FROM public.ustrack_schema_migrations WHERE version = $1", middle.version)
    let applied = try Migrator.migrate(connection)
    #expect(applied.map(\.version) == [middle.version])
    #expect(try Migrator.migrate(connection).isEmpty)
    #expect(try connection.execute("""
        SELECT count(*) FROM information_schema.columns
        WHERE table_schema = 'projection' AND column_name IN ('reached_retracted_at', 'completed_recorded_at')
        """).int(0, 0) == 2)
}
