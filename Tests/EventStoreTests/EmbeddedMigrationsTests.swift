import Foundation
import Migrations
import Postgres
import TestSupport
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

/// A migration numbered below one a database already has (two branches, each adding one) is
/// applied all the same: the migrator checks each version, not only the highest.
@Test func aMigrationBelowTheHighestAppliedIsAppliedToo() throws {
    let connection = try Connection.connect(try TestDatabase.create("migration below the highest"))
    // As a database looks that got a later migration before this one existed.
    let middle = try #require(Migrator.all.first { $0.name == "reporting_events_after" })
    #expect(middle.version < Migrator.latestVersion)
    try connection.execute("DROP FUNCTION reporting.events_after(xid8, bigint, integer)")
    try connection.execute("DELETE FROM public.ustrack_schema_migrations WHERE version = $1", middle.version)
    let applied = try Migrator.migrate(connection)
    #expect(applied.map(\.version) == [middle.version])
    #expect(try Migrator.migrate(connection).isEmpty)
    #expect(try connection.execute("SELECT to_regprocedure('reporting.events_after(xid8, bigint, integer)') IS NOT NULL").bool(0, 0) == true)
}
