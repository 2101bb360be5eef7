import Foundation
import Postgres

/// One numbered schema change from `db/`.
public struct Migration: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let sql: String
}

/// One function or view from `db/`, in a file named after it: `functions/reporting/status_at.sql`
/// holds the function reporting.status_at, `views/reporting/status.sql` the view reporting.status.
public struct SchemaObject: Sendable, Hashable {
    /// The path under `db/`, which is also its name in `public.ustrack_schema_objects`.
    public let file: String
    public let sql: String

    /// "functions" or "views"; the schema; the object's name.
    var kind: String { String(file.split(separator: "/").first ?? "") }
    var schema: String { let parts = file.split(separator: "/"); return parts.count == 3 ? String(parts[1]) : "" }
    var name: String { String((file.split(separator: "/").last ?? "").dropLast(".sql".count)) }
}

/// Brings a database to the schema in `db/`: first the numbered migrations it lacks (tables,
/// columns, indexes, data moves), each in its own transaction and recorded by version in
/// `public.ustrack_schema_migrations`; then, in one transaction, every object file (a function or
/// view) whose text differs from the one last applied (its md5 is recorded in
/// `public.ustrack_schema_objects`) or whose object is missing, in the order of `db/objects.txt`.
/// An object file that drops its object first (CASCADE) leaves its dependents missing, and so
/// they are created again after it.
public enum Migrator {
    /// The migrations compiled into this binary, in order.
    public static let all: [Migration] = embeddedMigrations.map { file, sql in
        let stem = file.replacingOccurrences(of: ".sql", with: "")
        let number = stem.prefix { $0.isNumber }
        return Migration(version: Int(number) ?? 0, name: String(stem.dropFirst(number.count + 1)), sql: sql)
    }.sorted { $0.version < $1.version }

    /// The functions and views compiled into this binary, in the order they are applied.
    public static let objects: [SchemaObject] = embeddedObjects.map { SchemaObject(file: $0.file, sql: $0.sql) }

    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// Applies the migrations and object files a database lacks and returns the migrations it
    /// applied (`applyObjects` returns the objects). Safe to run from several processes
    /// at once: an advisory lock lets one apply while the others wait and then find nothing to do.
    @discardableResult
    public static func migrate(_ connection: Connection) throws -> [Migration] {
        // The common case, checked without taking the lock.
        if try isCurrent(connection) { return [] }
        var applied: [Migration] = []
        for migration in all {
            let didApply = try connection.transaction {
                try connection.execute("SELECT pg_advisory_xact_lock(hashtext('ustrack migrate'))")
                try connection.execute("""
                    CREATE TABLE IF NOT EXISTS public.ustrack_schema_migrations (
                        version    integer PRIMARY KEY,
                        name       text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now())
                    """)
                let seen = try connection.execute(
                    "SELECT 1 FROM public.ustrack_schema_migrations WHERE version = $1", migration.version)
                guard seen.rowCount == 0 else { return false }
                try connection.executeScript(migration.sql)
                try connection.execute(
                    "INSERT INTO public.ustrack_schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version, migration.name)
                return true
            }
            if didApply { applied.append(migration) }
        }
        try applyObjects(connection)
        return applied
    }

    /// Applies, in one transaction, the object files whose text differs from the one recorded
    /// or whose object is missing, and returns them. A database some newer ustrack migrated
    /// (it has a migration this binary lacks) keeps its objects.
    @discardableResult
    public static func applyObjects(_ connection: Connection) throws -> [SchemaObject] {
        try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext('ustrack migrate'))")
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS public.ustrack_schema_objects (
                    name       text PRIMARY KEY,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let newest = try connection.execute("SELECT max(version) FROM public.ustrack_schema_migrations").int(0, 0) ?? 0
            guard newest <= latestVersion else { return [] }
            let recorded = try connection.execute("""
                SELECT f.name, o.checksum IS NOT DISTINCT FROM md5(f.sql)
                FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS f(name, sql, n)
                LEFT JOIN public.ustrack_schema_objects o ON o.name = f.name
                ORDER BY f.n
                """, objects.map(\.file), objects.map(\.sql))
            var applied: [SchemaObject] = []
            for (index, object) in objects.enumerated() {
                if recorded.bool(index, 1) == true, try exists(object, connection) { continue }
                try connection.executeScript(object.sql)
                try connection.execute("""
                    INSERT INTO public.ustrack_schema_objects (name, checksum) VALUES ($1, md5($2))
                    ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, applied_at = now()
                    """, object.file, object.sql)
                applied.append(object)
            }
            return applied
        }
    }

    /// Whether the function or view a file is named after exists.
    static func exists(_ object: SchemaObject, _ connection: Connection) throws -> Bool {
        switch object.kind {
        case "functions":
            return try connection.execute("""
                SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                               WHERE n.nspname = $1 AND p.proname = $2)
                """, object.schema, object.name).bool(0, 0) == true
        case "views":
            return try connection.execute("""
                SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                               WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('v', 'm'))
                """, object.schema, object.name).bool(0, 0) == true
        default:
            return true
        }
    }

    /// Whether every migration this binary carries is applied (each one, not only the highest,
    /// so that one added below a version a database already has is applied too) and every
    /// object file is applied as it reads now.
    static func isCurrent(_ connection: Connection) throws -> Bool {
        guard try connection.execute("""
            SELECT to_regclass('public.ustrack_schema_migrations') IS NOT NULL
               AND to_regclass('public.ustrack_schema_objects') IS NOT NULL
            """).bool(0, 0) == true else {
            return false
        }
        return try connection.execute("""
            SELECT (SELECT count(*) FROM public.ustrack_schema_migrations WHERE version = ANY ($1::text[]::integer[])) = $2
               AND (SELECT count(*) FROM unnest($3::text[], $4::text[]) AS f(name, sql)
                    JOIN public.ustrack_schema_objects o ON o.name = f.name AND o.checksum = md5(f.sql)) = $5
            """, all.map { String($0.version) }, all.count, objects.map(\.file), objects.map(\.sql),
            objects.count).bool(0, 0) == true
    }

    /// The highest applied version, or nil when the database has never been migrated. A login
    /// in ustrack_reader or ustrack_writer may not read the migrations table and asks
    /// `reporting.schema_version()` (from version 12) instead.
    public static func currentVersion(_ connection: Connection) throws -> Int? {
        let access = try connection.execute("""
            SELECT t IS NOT NULL, t IS NOT NULL AND has_table_privilege(t, 'SELECT'),
                   f IS NOT NULL AND has_function_privilege(f, 'EXECUTE')
            FROM to_regclass('public.ustrack_schema_migrations') t, to_regprocedure('reporting.schema_version()') f
            """)
        guard access.bool(0, 0) == true else { return nil }
        if access.bool(0, 1) == true {
            return try connection.execute("SELECT max(version) FROM public.ustrack_schema_migrations").int(0, 0)
        }
        guard access.bool(0, 2) == true else {
            throw SchemaVersionHidden(role: try connection.execute("SELECT current_user").string(0, 0) ?? "?")
        }
        return try connection.execute("SELECT reporting.schema_version()").int(0, 0)
    }
}

/// A role that may read neither the migrations table nor `reporting.schema_version()`: the
/// database is older than version 12, or the role is in neither ustrack role.
public struct SchemaVersionHidden: Error, CustomStringConvertible {
    public let role: String
    public var description: String {
        "the role \(role) may not read this database's schema version: it needs to be a member of ustrack_reader "
            + "(to read) or ustrack_writer (to record), and the database at schema version 12 or later "
            + "(`ustrack db migrate`, run as the database's owner)"
    }
}
