import Foundation
import Migrations
import Postgres
import TestSupport
import Testing

/// db/ at schema version 17, before the functions and views moved to object files: what the
/// databases of existing users were built from.
private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/schema-17")

/// A database built as the migrator before object files built it: each fixture file up to
/// `version` in a transaction of its own, recorded in ustrack_schema_migrations.
private func databaseAtOldSchema(_ version: Int) throws -> Connection {
    let connection = try Connection.connect(try TestDatabase.create("schema \(version)", migrate: false))
    try connection.execute("""
        CREATE TABLE public.ustrack_schema_migrations (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())
        """)
    let files = try FileManager.default.contentsOfDirectory(atPath: fixtures.path()).filter { $0.hasSuffix(".sql") }.sorted()
    #expect(files.count == 17)
    for file in files {
        let number = Int(file.prefix(4))!
        guard number <= version else { break }
        let sql = try String(contentsOf: fixtures.appending(path: file), encoding: .utf8)
        try connection.transaction {
            try connection.executeScript(sql)
            try connection.execute("INSERT INTO public.ustrack_schema_migrations (version, name) VALUES ($1, $2)",
                                   number, String(file.dropFirst(5).dropLast(4)))
        }
    }
    return connection
}

/// Everything a client or a role can tell of the schemas store, projection and reporting, one
/// line per fact: definitions, columns, indexes, constraints, triggers, owners, grants, comments.
/// Grants are compared as sets: the order of an ACL's items grants nothing (a view made before
/// 0005's default privileges lists the reader first, one made after them the writer).
private func schemaFacts(_ connection: Connection) throws -> [String] {
    let ours = "n.nspname IN ('store', 'projection', 'reporting')"
    func acl(_ column: String) -> String { "array(SELECT x::text FROM unnest(\(column)) x ORDER BY 1)::text" }
    let queries = [
        """
        SELECT n.nspname, pg_get_userbyid(n.nspowner), \(acl("n.nspacl")), obj_description(n.oid, 'pg_namespace')
        FROM pg_namespace n WHERE \(ours) ORDER BY 1
        """,
        """
        SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid), pg_get_userbyid(p.proowner), \(acl("p.proacl")),
               obj_description(p.oid, 'pg_proc')
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE \(ours) ORDER BY 1
        """,
        """
        SELECT c.oid::regclass::text, c.relkind, pg_get_userbyid(c.relowner), \(acl("c.relacl")),
               obj_description(c.oid, 'pg_class'), CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE \(ours) ORDER BY 1
        """,
        """
        SELECT c.oid::regclass::text, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
               a.attgenerated, pg_get_expr(d.adbin, d.adrelid), \(acl("a.attacl")), col_description(c.oid, a.attnum)
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE \(ours) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, a.attnum
        """,
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE \(ours) ORDER BY 1
        """,
        """
        SELECT k.conrelid::regclass::text, k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE \(ours) ORDER BY 1, 2
        """,
        """
        SELECT t.tgrelid::regclass::text, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE \(ours) AND NOT t.tgisinternal ORDER BY 1, 2
        """,
        """
        SELECT coalesce(d.defaclnamespace::regnamespace::text, '-'), d.defaclobjtype, \(acl("d.defaclacl"))
        FROM pg_default_acl d ORDER BY 1, 2
        """,
        // Roles are the cluster's: only what the schema makes of them, not logins other tests add.
        """
        SELECT r.rolname, r.rolcanlogin, r.rolinherit, array(
                   SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                   WHERE m.member = r.oid AND g.rolname LIKE 'ustrack\\_%' ORDER BY 1)::text
        FROM pg_roles r WHERE r.rolname IN ('ustrack_reader', 'ustrack_writer') ORDER BY 1
        """,
    ]
    var facts: [String] = []
    for query in queries {
        let rows = try connection.execute(query)
        for row in 0..<rows.rowCount {
            facts.append((0..<rows.columnCount).map { rows.string(row, $0) ?? "NULL" }.joined(separator: " | "))
        }
    }
    return facts
}

/// When each of our functions' catalog rows was last written: CREATE OR REPLACE writes it again.
private func functionVersions(_ connection: Connection) throws -> [String: String] {
    let rows = try connection.execute("""
        SELECT p.oid::regprocedure::text, p.xmin::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('store', 'projection', 'reporting')
        """)
    return Dictionary(uniqueKeysWithValues: (0..<rows.rowCount).map { (rows.string($0, 0)!, rows.string($0, 1)!) })
}

private func expectSame(_ fresh: [String], _ other: [String], _ label: String) {
    #expect(fresh.filter { !other.contains($0) } == [], "only in a fresh install, not \(label)")
    #expect(other.filter { !fresh.contains($0) } == [], "only in \(label), not a fresh install")
    #expect(fresh == other)
}

/// Databases at schema 12 and 17 (what users have) upgrade to exactly the objects of a fresh
/// install, running only the migrations they lack, and the data moves of those run.
@Test(arguments: [12, 17])
func anOldDatabaseUpgradesToTheObjectsOfAFreshInstall(version: Int) throws {
    let fresh = try Connection.connect(try TestDatabase.create("fresh install"))
    let old = try databaseAtOldSchema(version)
    // A stream head with no events, which migration 13 removes.
    try old.execute("INSERT INTO store.streams (name, version) VALUES ('portfolio-empty', 0)")
    let applied = try Migrator.migrate(old)
    #expect(applied.map(\.version) == Array(stride(from: version + 1, through: Migrator.latestVersion, by: 1)))
    #expect(try old.execute("SELECT count(*) FROM store.streams WHERE name = 'portfolio-empty'").int(0, 0) == (version < 13 ? 0 : 1))
    expectSame(try schemaFacts(fresh), try schemaFacts(old), "a database upgraded from schema \(version)")
    #expect(try Migrator.currentVersion(old) == Migrator.latestVersion)
    #expect(try old.execute("SELECT reporting.schema_version()").int(0, 0) == Migrator.latestVersion)
    #expect(try Migrator.applyObjects(old).isEmpty)
}

/// Migrating a current database again applies nothing: no migration, no object file.
@Test func migratingACurrentDatabaseAgainChangesNothing() throws {
    let connection = try Connection.connect(try TestDatabase.create("migrate again"))
    let facts = try schemaFacts(connection)
    let versions = try functionVersions(connection)
    let record = "SELECT name, checksum, applied_at::text FROM public.ustrack_schema_objects ORDER BY name"
    let recorded = try connection.execute(record).column(0)
    let appliedAt = try connection.execute(record).column(2)
    #expect(recorded.count == Migrator.objects.count)
    #expect(try Migrator.migrate(connection).isEmpty)
    // Under the lock, as a migrate that found something else to do would.
    #expect(try Migrator.applyObjects(connection).isEmpty)
    #expect(try functionVersions(connection) == versions)
    #expect(try connection.execute(record).column(2) == appliedAt)
    expectSame(facts, try schemaFacts(connection), "the database migrated again")
}

/// An object file whose text differs from the one recorded is applied again, and only it.
@Test func anObjectFileThatChangedIsAppliedAgain() throws {
    let connection = try Connection.connect(try TestDatabase.create("object changed"))
    let facts = try schemaFacts(connection)
    let before = try functionVersions(connection)
    let changed = "functions/reporting/status_at.sql"
    try connection.execute("UPDATE public.ustrack_schema_objects SET checksum = 'edited' WHERE name = $1", changed)
    #expect(try Migrator.migrate(connection).isEmpty)
    let after = try functionVersions(connection)
    #expect(after.filter { before[$0.key] != $0.value }.keys.sorted() == ["reporting.status_at(date,timestamp with time zone)"])
    #expect(try connection.execute("SELECT checksum = md5($2) FROM public.ustrack_schema_objects WHERE name = $1",
                                   changed, Migrator.objects.first { $0.file == changed }!.sql).bool(0, 0) == true)
    expectSame(facts, try schemaFacts(connection), "the database with status_at applied again")
}

/// An object file that drops its object first (CASCADE) takes the views on it along; they are
/// missing, and so applied again after it, in one transaction.
@Test func objectsDroppedAlongAreCreatedAgain() throws {
    let connection = try Connection.connect(try TestDatabase.create("objects dropped along"))
    let facts = try schemaFacts(connection)
    try connection.execute("DROP FUNCTION reporting.status_at(date, timestamptz) CASCADE")
    #expect(try connection.execute("SELECT to_regclass('reporting.status') IS NULL").bool(0, 0) == true)
    let applied = try Migrator.applyObjects(connection)
    #expect(applied.map(\.file) == ["functions/reporting/status_at.sql", "views/reporting/status.sql"])
    expectSame(facts, try schemaFacts(connection), "the database whose status_at was dropped")
}

/// A database a newer ustrack migrated (it has a migration this binary lacks) keeps its objects.
@Test func aNewerDatabaseKeepsItsObjects() throws {
    let connection = try Connection.connect(try TestDatabase.create("newer database"))
    try connection.execute("INSERT INTO public.ustrack_schema_migrations (version, name) VALUES ($1, 'later')",
                           Migrator.latestVersion + 1)
    try connection.execute("UPDATE public.ustrack_schema_objects SET checksum = 'newer' WHERE name = 'functions/store/append.sql'")
    #expect(try Migrator.applyObjects(connection).isEmpty)
}
