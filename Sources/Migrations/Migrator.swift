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
        if try currentVersion(connection) == latestVersion { return [] }
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

    /// The highest applied version, or nil when the database has never been migrated.
    public static func currentVersion(_ connection: Connection) throws -> Int? {
        let exists = try connection.execute("SELECT to_regclass('public.ustrack_schema_migrations') IS NOT NULL")
        guard exists.bool(0, 0) == true else { return nil }
        return try connection.execute("SELECT max(version) FROM public.ustrack_schema_migrations").int(0, 0)
    }
}
