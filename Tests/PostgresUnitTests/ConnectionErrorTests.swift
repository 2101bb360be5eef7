import Postgres
import Testing

/// What a failed connection says: where it tried, never the password. No server is reached.
@Test func anUnreachableServerNamesWhereItTriedAndNeverThePassword() throws {
    let refused = try #require(throws: PostgresError.self) {
        try Connection.connect("postgresql://alice:s3cr3t-pw@127.0.0.1:1/db?connect_timeout=2")
    }
    guard case .connectionFailed(let target) = refused.kind else {
        Issue.record("\(refused.kind)")
        return
    }
    #expect(target.contains("127.0.0.1"), "\(target)")
    #expect(target.contains("port 1"), "\(target)")
    #expect(!"\(refused) \(target)".contains("s3cr3t-pw"))

    let missing = try #require(throws: PostgresError.self) {
        try Connection.connect("host=/nonexistent/dir dbname=x password=s3cr3t-pw")
    }
    #expect("\(missing)".contains("/nonexistent/dir") || "\(missing.kind)".contains("/nonexistent/dir"))
    #expect(!"\(missing)".contains("s3cr3t-pw"))
}

@Test func redactionHidesPasswordsInURLsAndConninfo() {
    #expect(Redaction.redact("postgresql://bob:pa55@db:5432/x") == "postgresql://bob:***@db:5432/x")
    #expect(Redaction.redact("host=db password='a b' user=x") == "host=db password=*** user=x")
    #expect(Redaction.redact("password=abc") == "password=***")
}
