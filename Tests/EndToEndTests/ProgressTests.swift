import ChildProcess
import Foundation
import Migrations
import Postgres
import TestSupport
import XCTest

final class ProgressTests: XCTestCase {
    private var conninfo: String!
    private var ustrack: UstrackBinary!
    private var connection: Connection!

    override func setUpWithError() throws {
        conninfo = try TestDatabase.create(name)
        ustrack = UstrackBinary(database: conninfo)
        connection = try Connection.connect(conninfo)
        try run("portfolio", "define", "p", "--title", "Portfolio", "--approved-on", "2021-11-04")
        try run("programme", "add", "prog", "--portfolio", "p", "--title", "Programme")
        try run("source", "add", "s", "--title", "Source", "--published-on", "2023-12-31", "--speaker", "Official")
    }

    @discardableResult
    private func run(_ arguments: String...) throws -> String {
        try run(arguments)
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> String {
        let outcome = try ustrack.run(arguments)
        XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
        return outcome.stdout
    }

    private func claim(_ scope: String, _ wording: String, _ asOf: String, unit: String = "measures") throws -> String {
        let json = try run("progress", scope, wording, "--as-of", asOf, "--source", "s", "--unit", unit, "--format", "json")
        return (try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any])["event_id"] as! String
    }

    private func status(_ extra: String...) throws -> [[String: Any]] {
        try status(extra: extra)
    }

    private func status(extra: [String]) throws -> [[String: Any]] {
        let json = try run(["status", "--format", "json"] + extra)
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
    }

    private func estimate(_ scope: String, _ unit: String, _ extra: String...) throws -> String? {
        guard let row = try status(extra: extra).first(where: { $0["scope"] as? String == scope && $0["unit"] as? String == unit })
        else { return nil }
        let lo = row["estimate_lo"] as! Double, hi = row["estimate_hi"] as! Double
        let open = (row["estimate_lo_inclusive"] as! Bool ? "[" : "("), close = (row["estimate_hi_inclusive"] as! Bool ? "]" : ")")
        return "\(open)\(lo), \(hi)\(close)" + (row["disputed"] as! Bool ? " disputed" : "")
    }

    private func contradictions(_ extra: String...) throws -> [[String: Any]] {
        let json = try run(["contradictions", "--format", "json"] + extra)
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
    }

    func testEstimateFollowsTheLatestClaimBoundedByEarlierLowerBounds() throws {
        _ = try claim("p", "implemented by 70 percent", "2023-01-19")
        XCTAssertEqual(try estimate("p", "measures"), "[70.0, 70.0]")
        _ = try claim("p", "more than half of the measures", "2023-05-17")
        XCTAssertEqual(try estimate("p", "measures"), "[70.0, 100.0]")

        let row = try status("p")[0]
        XCTAssertEqual(row["claims"] as? Int, 2)
        let last = row["last_claim"] as! [String: Any]
        XCTAssertEqual(last["wording"] as? String, "more than half of the measures")
        XCTAssertEqual(last["as_of"] as? String, "2023-05-17")
        XCTAssertEqual(last["speaker"] as? String, "Official", "falls back to the source's speaker")
        XCTAssertEqual(last["source"] as? String, "s")
        XCTAssertTrue(try contradictions().isEmpty)
        XCTAssertEqual(try run("contradictions", "--format", "json"), "[]\n", "an empty list prints as []")
    }

    func testUnitsAreKeptApart() throws {
        _ = try claim("p", "70%", "2023-01-19")
        _ = try claim("p", "7 of 28", "2023-03-01", unit: "programmes")
        XCTAssertEqual(try estimate("p", "measures"), "[70.0, 70.0]")
        XCTAssertEqual(try estimate("p", "programmes"), "[25.0, 25.0]")
        XCTAssertTrue(try contradictions().isEmpty, "25% of programmes does not contradict 70% of measures")
    }

    func testBackwardsClaimIsAContradictionUntilRetracted() throws {
        _ = try claim("p", "70%", "2023-01-19")
        let backwards = try claim("p", "40 percent", "2023-06-01")
        XCTAssertEqual(try estimate("p", "measures"), "[40.0, 40.0] disputed")
        let found = try contradictions("p")
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found[0]["kind"] as? String, "backwards")
        XCTAssertEqual((found[0]["earlier"] as! [String: Any])["wording"] as? String, "70%")
        XCTAssertEqual((found[0]["later"] as! [String: Any])["wording"] as? String, "40 percent")
        XCTAssertEqual((found[0]["later"] as! [String: Any])["lo"] as? Double, 40)

        try run("retract", backwards, "--reason", "misquoted")
        XCTAssertEqual(try estimate("p", "measures"), "[70.0, 70.0]")
        XCTAssertTrue(try contradictions().isEmpty)
        let live = try connection.execute("SELECT count(*) FROM reporting.claims").int(0, 0)
        XCTAssertEqual(live, 1, "the retracted claim is gone from the views")
        XCTAssertEqual(try connection.execute("SELECT count(*) FROM store.events WHERE type = 'ProgressClaimed'").int(0, 0), 2,
                       "while the log keeps it")
    }

    func testOpenAndClosedBounds() throws {
        _ = try claim("prog", "more than half", "2023-01-01", unit: "content")
        _ = try claim("prog", "50%", "2023-02-01", unit: "content")
        XCTAssertEqual(try contradictions("prog").count, 1, "50 is not more than half")

        _ = try claim("prog", "at least half", "2023-01-01")
        _ = try claim("prog", "50 percent", "2023-02-01")
        XCTAssertEqual(try estimate("prog", "measures"), "[50.0, 50.0]", "50 is at least half")
        XCTAssertEqual(try contradictions("prog").filter { $0["unit"] as? String == "measures" }.count, 0)
    }

    func testSameDayClaimsThatDoNotOverlapContradict() throws {
        _ = try claim("p", "30%", "2023-03-01")
        _ = try claim("p", "about 60 percent", "2023-03-01")
        let found = try contradictions()
        XCTAssertEqual(found.map { $0["kind"] as? String }, ["same_day"])
        XCTAssertEqual(try estimate("p", "measures"), "[55.0, 65.0] disputed")
    }

    func testAPlanRevisionStartsANewBaseline() throws {
        _ = try claim("p", "70%", "2023-01-19")
        try run("portfolio", "revise", "p", "--on", "2023-07-01", "--measures", "400", "--source", "s")
        _ = try claim("p", "20%", "2023-08-01")
        XCTAssertEqual(try estimate("p", "measures"), "[20.0, 20.0]")
        XCTAssertTrue(try contradictions().isEmpty, "claims before the revision no longer bound those after it")
        XCTAssertEqual(try estimate("p", "measures", "--as-of", "2023-06-30"), "[70.0, 70.0]")
    }

    func testKnownAtHidesWhatWasRecordedLaterAndAsOfHidesWhatHappenedLater() throws {
        _ = try claim("p", "40 percent", "2022-06-30")
        let before = try connection.execute("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')").string(0, 0)!
        Thread.sleep(forTimeInterval: 0.05)
        let later = try claim("p", "implemented by 70 percent", "2023-01-19")
        XCTAssertEqual(try estimate("p", "measures"), "[70.0, 70.0]")
        XCTAssertEqual(try estimate("p", "measures", "--known-at", before), "[40.0, 40.0]")
        XCTAssertEqual(try status("--known-at", before)[0]["claims"] as? Int, 1)
        XCTAssertEqual(try estimate("p", "measures", "--as-of", "2022-12-31"), "[40.0, 40.0]")
        XCTAssertNil(try estimate("p", "measures", "--as-of", "2022-01-01"))

        Thread.sleep(forTimeInterval: 0.05)
        let beforeRetraction = try connection.execute("SELECT now()::text").string(0, 0)!
        Thread.sleep(forTimeInterval: 0.05)
        try run("retract", later, "--reason", "wrong")
        XCTAssertEqual(try estimate("p", "measures"), "[40.0, 40.0]")
        XCTAssertEqual(try estimate("p", "measures", "--known-at", beforeRetraction), "[70.0, 70.0]",
                       "before the retraction was recorded the claim stood")

        let history = try JSONSerialization.jsonObject(with: Data(try run("history", "p", "--format", "json", "--known-at", beforeRetraction).utf8)) as! [[String: Any]]
        XCTAssertEqual(history.map { $0["date"] as? String }, ["2022-06-30", "2023-01-19"])

        let bad = try ustrack.run("status", "--known-at", "yesterday-ish")
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--known-at"), bad.stderr)
        XCTAssertEqual(try ustrack.run("status", "--as-of", "2023-13-01").status, 2)
        XCTAssertEqual(try ustrack.run("history", "nowhere").status, 2)
    }

    /// A reading command's SCOPE is checked at its known-at: a programme whose definition was
    /// retracted can still be read as it was before, and one not yet recorded is unknown then.
    /// Its claims outlive the retraction, so what `status` lists can be asked for by name.
    func testScopeIsCheckedAtTheKnownAtTime() throws {
        let beforeAdded = try connection.execute("SELECT now()::text").string(0, 0)!
        Thread.sleep(forTimeInterval: 0.05)
        let added = try JSONSerialization.jsonObject(with: Data(try run(
            "programme", "add", "gone", "--portfolio", "p", "--title", "Gone", "--format", "json").utf8)) as! [String: Any]
        _ = try claim("gone", "40 percent", "2023-05-17")
        let beforeRetraction = try connection.execute("SELECT now()::text").string(0, 0)!
        Thread.sleep(forTimeInterval: 0.05)
        try run("retract", added["event_id"] as! String, "--reason", "added by mistake")

        XCTAssertTrue(try run("status", "gone", "--known-at", beforeRetraction).contains("[40, 40]"))
        XCTAssertTrue(try run("history", "gone", "--known-at", beforeRetraction).contains("40 percent"))
        XCTAssertEqual(try estimate("gone", "measures"), "[40.0, 40.0]", "the claim was not retracted")
        XCTAssertTrue(try run("status", "gone").contains("[40, 40]"), "status lists it, so status names it")
        let report = try JSONSerialization.jsonObject(with: Data(try run("report", "gone", "--format", "json").utf8)) as! [String: Any]
        XCTAssertEqual((report["claims"] as! [[String: Any]]).map { $0["wording"] as? String }, ["40 percent"])
        XCTAssertEqual(try ustrack.run("status", "prog", "--known-at", beforeAdded).status, 0, "recorded before, in setUp")
        let early = try ustrack.run("status", "gone", "--known-at", beforeAdded)
        XCTAssertEqual(early.status, 2, early.stderr)
        XCTAssertTrue(early.stderr.contains("unknown scope \"gone\" as known at"), early.stderr)
        // A typo is answered with the nearest ids known then.
        let typo = try ustrack.run("status", "progg")
        XCTAssertEqual(typo.status, 2, typo.stderr)
        XCTAssertTrue(typo.stderr.contains("unknown scope \"progg\": give a portfolio or programme id, such as \"prog\""), typo.stderr)
    }

    /// A report lists the sources its claims cite as they stood at known-at.
    func testAReportListsItsSourcesAsTheyStoodAtKnownAt() throws {
        let added = try JSONSerialization.jsonObject(with: Data(try run(
            "source", "add", "s2", "--title", "Second", "--published-on", "2023-06-01", "--format", "json").utf8)) as! [String: Any]
        try run("progress", "p", "40 percent", "--as-of", "2023-06-01", "--source", "s2")
        let beforeRetraction = try connection.execute("SELECT now()::text").string(0, 0)!
        Thread.sleep(forTimeInterval: 0.05)
        try run("retract", added["event_id"] as! String, "--reason", "a duplicate")
        func sources(_ extra: String...) throws -> [String?] {
            let report = try JSONSerialization.jsonObject(with: Data(try run(["report", "p", "--format", "json"] + extra).utf8))
                as! [String: Any]
            return (report["sources"] as! [[String: Any]]).map { $0["id"] as? String }
        }
        XCTAssertEqual(try sources("--known-at", beforeRetraction), ["s2"])
        XCTAssertEqual(try sources(), [], "retracted since")
    }

    /// The evidence beside a claim is read in the same two times as the claim.
    func testEvidenceBesideTheClaimsIsReadInTheSameTwoTimes() throws {
        try run("milestone", "add", "prog", "m1", "--title", "One", "--due", "2023-06-30")
        try run("milestone", "add", "prog", "m2", "--title", "Two", "--due", "2023-12-31")
        _ = try claim("prog", "40 percent", "2022-06-30")
        let beforeReach = try connection.execute("SELECT now()::text").string(0, 0)!
        Thread.sleep(forTimeInterval: 0.05)
        try run("milestone", "reach", "prog", "m1", "--on", "2023-04-06", "--source", "s")
        func evidence(_ extra: String...) throws -> String? {
            guard let row = try status(extra: extra).first(where: { $0["scope"] as? String == "prog" }) else { return nil }
            return "\(row["milestones_reached"] as! Int)/\(row["milestones_planned"] as! Int)"
        }
        XCTAssertEqual(try evidence(), "1/2")
        XCTAssertEqual(try evidence("--as-of", "2022-12-31"), "0/2", "reached in 2023, so not by the end of 2022")
        XCTAssertEqual(try evidence("--known-at", beforeReach), "0/2", "the reach was not recorded yet")
        XCTAssertTrue(try run("status", "prog", "--as-of", "2022-12-31").contains("0/2 milestones"))
        let csv = try run("status", "--format", "csv").split(separator: "\n")
        XCTAssertTrue(csv[0].hasSuffix(",last_claim_source,milestones_reached,milestones_planned"), String(csv[0]))
        XCTAssertTrue(csv.contains { $0.hasPrefix("prog,measures,") && $0.hasSuffix(",1,2") }, "\(csv)")
        // A programme with milestones and no claims shows its evidence alone.
        try run("programme", "add", "bare", "--portfolio", "p", "--title", "Bare")
        try run("milestone", "add", "bare", "m1", "--title", "One")
        try run("milestone", "reach", "bare", "m1", "--on", "2023-04-06", "--source", "s")
        XCTAssertTrue(try run("status", "bare").contains("no progress claims for bare as of"))
        XCTAssertTrue(try run("status", "bare").contains("; 1/1 milestones reached (record a claim"))
        XCTAssertTrue(try run("status", "bare", "--as-of", "2022-12-31").contains("; 0/1 milestones reached"))

        let report = try JSONSerialization.jsonObject(with: Data(try run("report", "p", "--format", "json", "--as-of", "2022-12-31").utf8))
            as! [String: Any]
        let programme = (report["programmes"] as! [[String: Any]]).first { $0["id"] as? String == "prog" }!
        XCTAssertEqual(programme["milestones_reached"] as? Int, 0)
        XCTAssertEqual(programme["milestones_planned"] as? Int, 2)
    }

    func testReaderRoleCanReadEveryViewAndIsRefusedEveryWrite() throws {
        _ = try claim("p", "70%", "2023-01-19")
        try connection.execute("SET ROLE ustrack_reader")
        let views = try connection.execute("SELECT table_name FROM information_schema.views WHERE table_schema = 'reporting'")
            .column().compactMap { $0 }
        XCTAssertEqual(Set(views), ["events", "portfolios", "programmes", "claims", "progress_timeline", "milestones",
                                    "contradictions", "sources", "status", "evidence"])
        for view in views {
            XCTAssertNoThrow(try connection.execute("SELECT * FROM reporting.\(view)"), view)
        }
        XCTAssertEqual(try connection.execute("SELECT estimate_lo FROM reporting.status_at('2023-12-31', now())").double(0, 0), 70)
        let functions = try connection.execute("""
            SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'reporting'
            """).column().compactMap { $0 }
        XCTAssertEqual(Set(functions), ["status_at", "contradictions_at", "milestones_at", "evidence_at", "programmes_at", "portfolios_at",
                                        "claims_at", "progress_timeline_at", "sources_at", "schema_version", "events_after", "reading_horizon",
                                        "search_sources"])
        XCTAssertNoThrow(try connection.execute("SELECT * FROM reporting.events_after('0', 0, 10)"))
        XCTAssertNoThrow(try connection.execute("SELECT * FROM reporting.reading_horizon()"))
        XCTAssertNoThrow(try connection.execute("SELECT * FROM reporting.search_sources('programme', now())"))
        for function in functions where !["schema_version", "events_after", "reading_horizon", "search_sources"].contains(function) {
            XCTAssertNoThrow(try connection.execute("SELECT * FROM reporting.\(function)('2023-12-31', now())"), function)
        }
        XCTAssertEqual(try connection.execute("SELECT reporting.schema_version()").int(0, 0), Migrator.latestVersion)
        let writes = [
            "INSERT INTO projection.claims (event_id) VALUES (gen_random_uuid())",
            "UPDATE projection.timeline SET disputed = true",
            "DELETE FROM projection.portfolios",
            "TRUNCATE projection.sources",
            "SELECT * FROM projection.claims",
            "INSERT INTO store.checkpoints VALUES ('x', '1', 1)",
            "SELECT * FROM store.append('portfolio-x', NULL, ARRAY[gen_random_uuid()], ARRAY['X'], ARRAY['{}'::jsonb])",
            "CREATE VIEW reporting.mine AS SELECT 1",
            "CREATE TABLE public.mine (x int)",
        ]
        for statement in writes {
            XCTAssertThrowsError(try connection.execute(statement), statement) { error in
                XCTAssertEqual((error as? PostgresError)?.sqlState, .insufficientPrivilege, "\(statement): \(error)")
            }
        }
    }

    /// Logins in either role can use the CLI: a reader every reading command, a writer those
    /// and recording too. What a role may not do is refused with what it would need.
    func testTheCLIServesLoginsInEitherRole() throws {
        try run("milestone", "add", "prog", "m1", "--title", "One")
        _ = try claim("prog", "40 percent", "2023-05-17")
        var logins: [String: UstrackBinary] = [:]
        for (login, role) in [("analyst", "ustrack_reader"), ("clerk", "ustrack_writer")] {
            // Roles belong to the whole server, which other tests share.
            try connection.execute("""
                DO $$ BEGIN CREATE ROLE \(login) LOGIN IN ROLE \(role); EXCEPTION WHEN duplicate_object THEN NULL; END $$
                """)
            var binary = ustrack!
            let url = binary.environment["DATABASE_URL"]!
            binary.environment["DATABASE_URL"] = url.replacingOccurrences(
                of: #"^postgresql://[^@]*@"#, with: "postgresql://\(login)@", options: .regularExpression)
            logins[login] = binary
        }
        let reading: [[String]] = [
            ["status"], ["status", "prog"], ["history", "prog"], ["contradictions"], ["events", "--limit", "1"],
            ["report", "p", "--format", "html"], ["chart", "prog", "--ascii"], ["db", "status"],
        ]
        for (login, binary) in logins {
            for arguments in reading {
                let outcome = try binary.run(arguments)
                XCTAssertEqual(outcome.status, 0, "\(login) \(arguments): \(outcome.stderr)")
            }
            XCTAssertTrue(try binary.run("history", "prog").stdout.contains("40 percent"), login)
            // HTML holds its charts inline; Markdown to stdout would write them into the working folder.
            XCTAssertTrue(try binary.run("report", "p", "--format", "html").stdout.contains("40 percent"), login)
        }
        let events = { try self.connection.execute("SELECT count(*) FROM store.events").int(0, 0) }
        let before = try events()
        let refused = try logins["analyst"]!.run("progress", "prog", "50 percent", "--as-of", "2023-06-01", "--source", "s")
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("recording and `projections` need a member of ustrack_writer"), refused.stderr)
        XCTAssertEqual(try events(), before, "nothing written")
        XCTAssertEqual(try logins["clerk"]!.run("progress", "prog", "50 percent", "--as-of", "2023-06-01", "--source", "s").status, 0)
        XCTAssertEqual(try events(), before! + 1)
        XCTAssertTrue(try logins["analyst"]!.run("status", "prog").stdout.contains("[50, 50]"), "the writer caught the projections up")
        XCTAssertEqual(try logins["clerk"]!.run("projections", "status").status, 0)
    }

    func testFollowPicksUpEventsFromAnotherProcessAndRecoversAfterARestart() throws {
        let follower = try ustrack.start("projections", "follow", "--poll", "0.2")
        defer { follower.signal(SIGKILL) }
        func lag() throws -> Int {
            let json = try run("projections", "status", "--format", "json")
            let rows = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
            return rows.map { $0["lag"] as! Int }.reduce(0, +)
        }
        // Appended straight to the store, so only the follower can bring the projections up to date.
        func appendClaim(_ wording: String, _ lo: Double) throws {
            let writer = try Connection.connect(conninfo)
            try writer.execute("""
                SELECT * FROM store.append('portfolio-p', NULL, ARRAY[gen_random_uuid()], ARRAY['ProgressClaimed'],
                    ARRAY[jsonb_build_object('scope', 'p', 'scope_kind', 'portfolio', 'wording', $1::text, 'lo', $2::float8,
                          'hi', $2::float8, 'lo_inclusive', true, 'hi_inclusive', true, 'unit', 'measures',
                          'as_of', '2023-01-19', 'source', 's')])
                """, wording, lo)
        }
        func waitForClaims(_ count: Int) throws -> Bool {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if let reader = try? Connection.connect(conninfo),
                   let seen = try? reader.execute("SELECT count(*) FROM projection.claims").int(0, 0), seen == count {
                    return true
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            return false
        }
        try appendClaim("70%", 70)
        XCTAssertTrue(try waitForClaims(1), "the follower applied an event another process appended")

        try TestCluster.restart()
        Thread.sleep(forTimeInterval: 0.3)
        try appendClaim("71%", 71)
        XCTAssertTrue(try waitForClaims(2), "the follower reconnected after the restart")
        XCTAssertEqual(try lag(), 0)

        follower.signal(SIGINT)
        let outcome = follower.wait()
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("stopped"), outcome.stdout)
        XCTAssertTrue(outcome.stderr.contains("reconnect"), outcome.stderr)
    }
}
