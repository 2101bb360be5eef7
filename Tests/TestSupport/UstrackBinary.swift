import ChildProcess
import Foundation

/// Runs the built `ustrack` binary, as a user would, against a database of the test's.
public struct UstrackBinary: Sendable {
    public let path: String
    public var environment: [String: String]

    /// `database`: a conninfo string, passed as DATABASE_URL; nil leaves the target to ustrack.
    public init(database: String?, home: String? = nil) {
        path = ProcessInfo.processInfo.environment["USTRACK_BIN"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appending(path: "../../.build/debug/ustrack").standardized.path
        var environment = ProcessInfo.processInfo.environment
        // libpq's own variables: the database under test is given explicitly.
        if let database {
            environment["DATABASE_URL"] = database.hasPrefix("postgres") ? database : Self.url(database)
        }
        if let home { environment["USTRACK_HOME"] = home }
        environment["NO_COLOR"] = "1"
        self.environment = environment
    }

    @discardableResult
    public func run(_ arguments: String..., input: String = "") throws -> ChildProcess.Outcome {
        try run(arguments, input: input)
    }

    @discardableResult
    public func run(_ arguments: [String], input: String = "") throws -> ChildProcess.Outcome {
        try ChildProcess.run(path, arguments, environment: environment, input: Data(input.utf8))
    }

    /// Starts the binary and returns at once, for commands that run until stopped.
    public func start(_ arguments: String...) throws -> ChildProcess.Running {
        try ChildProcess.spawn(path, arguments, environment: environment)
    }

    /// `dbname=x` with the PGHOST/PGPORT/PGUSER of the test server, as a URL.
    static func url(_ conninfo: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        let name = conninfo.replacingOccurrences(of: "dbname=", with: "")
        let host = (environment["PGHOST"] ?? "/var/run/postgresql")
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let user = environment["PGUSER"] ?? NSUserName()
        return "postgresql://\(user)@/\(name)?host=\(host)&port=\(environment["PGPORT"] ?? "5432")"
    }
}
