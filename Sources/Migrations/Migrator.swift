import Foundation
import Postgres

/// One numbered schema change from `db/`.
public struct Migration: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let sql: String
}

/// Applies the migrations from `db/` that a database lacks, each in its own transaction.
public enum Migrator {
    /// The migrations compiled into this binary, in order.
    public static let all: [Migration] = embeddedMigrations.map { file, sql in
        let stem = file.replacingOccurrences(of: ".sql", with: "")
        let number = stem.prefix { $0.isNumber }
        return Migration(version: Int(number) ?? 0, name: String(stem.dropFirst(number.count + 1)), sql: sql)
    }.sorted { $0.version < $1.version }

    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// Applies what is missing and returns what it applied. Safe to run from several processes
    /// at once: an advisory lock lets one apply while the others wait and then find nothing to do.
    @discardableResult
    public static func migrate(_ connection: Connection) throws -> [Migration] {
        // The common case, checked without taking the lock.
        if try hasAll(connection) { return [] }
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
        return applied
    }

    /// Whether every migration this binary carries is applied: each one, not only the highest,
    /// so that one added below a version a database already has is applied too.
    static func hasAll(_ connection: Connection) throws -> Bool {
        guard try connection.execute("SELECT to_regclass('public.ustrack_schema_migrations') IS NOT NULL").bool(0, 0) == true else {
            return false
        }
        return try connection.execute("""
            SELECT count(*) FROM public.ustrack_schema_migrations WHERE version = ANY ($1::text[]::integer[])
            """, [all.map { String($0.version) }]).int(0, 0) == all.count
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
