import EventStore
import Foundation
import Postgres
import Projections
import TestSupport
import Tracker
import XCTest

final class ProjectionTests: XCTestCase {
    private var conninfo: String!
    private var store: EventStore!

    override func setUpWithError() throws {
        conninfo = try TestDatabase.create(name)
        store = EventStore(connection: try Connection.connect(conninfo))
    }

    private func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

    @discardableResult
    private func record(_ event: TrackerEvent, _ stream: String) throws -> UUID {
        let id = UUID()
        try store.append(to: stream, events: [NewEvent(
            id: id, type: event.type, schemaVersion: event.schemaVersion, data: String(decoding: try event.encode(), as: UTF8.self))])
        return id
    }

    private func claim(_ scope: String, _ lo: Double, _ hi: Double, _ asOf: String, unit: ClaimUnit = .measures,
                       kind: ScopeKind = .portfolio) -> TrackerEvent {
        ProgressClaimed(scope: scope, scopeKind: kind, wording: "\(lo)–\(hi)", interval: PercentInterval(lo: lo, hi: hi),
                        unit: unit, asOf: date(asOf), source: "s").event
    }

    /// A history with every kind of event, each in its own transaction.
    private func recordHistory(afterEach: () throws -> Void) throws {
        let events: [(TrackerEvent, String)] = [
            (PortfolioDefined(id: "p", title: "P", approvedOn: date("2021-11-04"), plannedProgrammes: 28).event, "portfolio-p"),
            (SourceAdded(id: "s", title: "S", publishedOn: date("2023-12-31")).event, "source-s"),
            (ProgrammeAdded(id: "a", portfolio: "p", title: "A").event, "programme-a"),
            (ProgrammeAdded(id: "b", portfolio: "p", title: "B").event, "programme-b"),
            (MilestoneAdded(programme: "a", id: "m1", title: "M1").event, "programme-a"),
            (MilestoneAdded(programme: "a", id: "m2", title: "M2").event, "programme-a"),
            (MilestoneReached(programme: "a", id: "m1", on: date("2023-02-01"), source: "s").event, "programme-a"),
            (claim("p", 70, 70, "2023-01-19"), "portfolio-p"),
            (claim("p", 50, 100, "2023-05-17"), "portfolio-p"),
            (claim("p", 40, 40, "2023-06-01"), "portfolio-p"),
            (claim("p", 25, 25, "2023-03-01", unit: .programmes), "portfolio-p"),
            (claim("a", 30, 30, "2023-03-01", kind: .programme), "programme-a"),
            (claim("a", 60, 60, "2023-03-01", kind: .programme), "programme-a"),
            (PortfolioRevised(id: "p", on: date("2023-07-01"), plannedMeasures: 400).event, "portfolio-p"),
            (claim("p", 20, 20, "2023-08-01"), "portfolio-p"),
            (ProgrammeCompleted(id: "b", on: date("2023-09-01")).event, "programme-b"),
        ]
        var ids: [UUID] = []
        for (event, stream) in events {
            ids.append(try record(event, stream))
            try afterEach()
        }
        try record(EventRetracted(eventId: ids[9].uuidString.lowercased(), targetType: "ProgressClaimed", reason: "misquoted").event, "portfolio-p")
        try afterEach()
        try record(EventRetracted(eventId: ids[6].uuidString.lowercased(), targetType: "MilestoneReached", reason: "not yet").event, "programme-a")
        try afterEach()
    }

    /// Each view that has a function for the two times gives what its function gives today.
    private func assertTodaysViewsAreTheFunctionsToday(file: StaticString = #filePath, line: UInt = #line) throws {
        for name in ["status", "contradictions", "milestones", "evidence", "programmes", "portfolios", "claims",
                     "progress_timeline", "sources"] {
            XCTAssertEqual(try store.connection.execute("SELECT t::text FROM reporting.\(name) t ORDER BY 1").column(),
                           try store.connection.execute("SELECT t::text FROM reporting.\(name)_at(current_date, now()) t ORDER BY 1").column(),
                           name, file: file, line: line)
        }
    }

    /// Every reporting view and projection table, each row as text, sorted.
    private func snapshot() throws -> [String: [String]] {
        var tables: [String: [String]] = [:]
        for schema in ["reporting", "projection"] {
            let names = try store.connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema).column().compactMap { $0 }
            for name in names {
                tables["\(schema).\(name)"] = try store.connection.execute("SELECT t::text FROM \(schema).\(name) t ORDER BY 1")
                    .column().map { $0 ?? "" }
            }
        }
        return tables
    }

    /// Claims and timeline rows go by binary COPY; their dates must be the ones the text form gives.
    func testCalendarDatesGoByBinaryCopyAsTheirText() throws {
        let connection = store.connection
        try connection.execute("CREATE TEMP TABLE d (n int, day date)")
        let days = ["0001-01-01", "1899-12-31", "1999-12-31", "2000-01-01", "2000-02-29", "2000-03-01", "2023-02-28",
                    "2024-02-29", "9999-12-31"].map(date)
        try connection.copyInBinary(into: "pg_temp.d", columns: ["n", "day"]) { writer in
            for (n, day) in days.enumerated() { try writer.writeRow([n, day]) }
        }
        XCTAssertEqual(try connection.execute("SELECT day::text FROM d ORDER BY n").column(), days.map { $0.description })
    }

    func testRebuildGivesExactlyTheTablesThatCatchUpGave() throws {
        let runner = ProjectionRunner(store: store)
        try recordHistory { try runner.catchUp() }
        let incremental = try snapshot()
        XCTAssertEqual(incremental["reporting.contradictions"]?.count, 1, "the same-day clash of programme a")
        XCTAssertEqual(incremental["reporting.claims"]?.count, 6)
        XCTAssertGreaterThan(incremental["projection.timeline"]?.count ?? 0, 6, "older versions are kept")
        try assertTodaysViewsAreTheFunctionsToday()

        let report = try runner.rebuild()
        XCTAssertEqual(report.events, try store.connection.execute("SELECT count(*) FROM store.events").int(0, 0))
        let rebuilt = try snapshot()
        XCTAssertEqual(Set(rebuilt.keys), Set(incremental.keys))
        for (table, rows) in incremental {
            XCTAssertEqual(rebuilt[table], rows, table)
        }
        XCTAssertEqual(try runner.status().map(\.lag), [0, 0])
    }

    /// Batches of one event, a few, and all: claims then go out as single INSERTs in some
    /// batches and through COPY in others, and groups are loaded at every batch boundary.
    func testRebuildInBatchesOfAnySizeGivesTheSameTables() throws {
        let runner = ProjectionRunner(store: store)
        try recordHistory { try runner.catchUp() }
        var extra: [UUID] = []
        for n in 0..<45 {
            let scope = n % 3 == 0 ? "a" : "p"
            extra.append(try record(claim(scope, Double(n % 90), Double(n % 90 + 10), "2023-0\(1 + n % 9)-1\(n % 10)",
                                          unit: n % 2 == 0 ? .measures : .content, kind: scope == "a" ? .programme : .portfolio),
                                    scope == "a" ? "programme-a" : "portfolio-p"))
        }
        try record(EventRetracted(eventId: extra[4].uuidString.lowercased(), targetType: "ProgressClaimed", reason: "typo").event,
                   "portfolio-p")
        try record(PortfolioRevised(id: "p", on: date("2023-10-01"), plannedMeasures: 500).event, "portfolio-p")
        try runner.catchUp()
        let incremental = try snapshot()
        XCTAssertEqual(incremental["reporting.claims"]?.count, 6 + 44)

        try assertRebuilds(in: [1, 7, 5000], give: incremental)
    }

    /// The projections fall far behind one large transaction (an import whose catch-up another
    /// session held off), then a few small ones. Caught up in batches of 5, the transaction's
    /// events make each group's version once, not once a batch, and the tables are the ones a
    /// rebuild gives, in any batch size and however few claims it may hold in memory.
    func testAFarBehindCatchUpGivesWhatARebuildGivesAndMakesEachVersionOnce() throws {
        var runner = ProjectionRunner(store: store)
        try recordHistory { try runner.catchUp() }
        let before = try store.connection.execute("SELECT max(recorded_at)::text FROM store.events").string(0, 0)!
        try store.connection.executeScript("""
            CREATE TABLE public.version_rows (n bigint NOT NULL);
            INSERT INTO public.version_rows VALUES (0);
            CREATE FUNCTION public.count_version_row() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN UPDATE public.version_rows SET n = n + 1; RETURN NULL; END $$;
            CREATE TRIGGER counted AFTER INSERT ON projection.timeline FOR EACH ROW EXECUTE FUNCTION public.count_version_row();
            CREATE TRIGGER counted AFTER INSERT ON projection.contradictions FOR EACH ROW EXECUTE FUNCTION public.count_version_row();
            """)
        try store.connection.transaction {
            var claims: [UUID] = []
            for n in 0..<150 {
                let scope = ["p", "a", "b"][n % 3]
                let stream = scope == "p" ? "portfolio-p" : "programme-\(scope)"
                claims.append(try record(claim(scope, Double(n * 7 % 90), Double(n * 7 % 90 + 10),
                                               "2022-\(String(format: "%02d", 1 + n % 12))-1\(n % 10)",
                                               unit: n % 4 == 0 ? .content : .measures, kind: scope == "p" ? .portfolio : .programme),
                                         stream))
                if n == 60 {
                    try record(PortfolioRevised(id: "p", on: date("2022-06-01"), plannedMeasures: 450).event, "portfolio-p")
                }
                if n == 90 {
                    try record(EventRetracted(eventId: claims[30].uuidString.lowercased(), targetType: "ProgressClaimed",
                                              reason: "misread").event, "portfolio-p")
                }
            }
        }
        for n in 0..<4 { try record(claim("b", Double(10 * n), Double(10 * n + 5), "2023-12-1\(n)", kind: .programme), "programme-b") }
        runner.batchSize = 5
        XCTAssertEqual(try runner.catchUp(), 2 * (150 + 2 + 4))
        let caughtUp = try snapshot()
        XCTAssertEqual(caughtUp["reporting.claims"]?.count, 6 + 149 + 4)
        XCTAssertGreaterThan(caughtUp["reporting.contradictions"]?.count ?? 0, 100)
        try assertTodaysViewsAreTheFunctionsToday()
        // Versions made before this catch-up are older; no row it wrote was written twice.
        let made = try store.connection.execute("""
            SELECT (SELECT count(*) FROM projection.timeline WHERE known_from > $1::timestamptz)
                 + (SELECT count(*) FROM projection.contradictions WHERE known_from > $1::timestamptz)
            """, before).int(0, 0)!
        XCTAssertGreaterThan(made, 100)
        XCTAssertEqual(try store.connection.execute("SELECT n FROM public.version_rows").int(0, 0), made,
                       "each version's rows were written once")
        try store.connection.executeScript("DROP TRIGGER counted ON projection.timeline; DROP TRIGGER counted ON projection.contradictions")

        try assertRebuilds(in: [1, 7, 5000], give: caughtUp)
        var holdingFew = ProjectionRunner(store: store)
        holdingFew.rebuildBatchSize = 6
        holdingFew.claimsHeldAtMost = 10
        try holdingFew.rebuild()
        XCTAssertEqual(try snapshot(), caughtUp, "a rebuild that makes the versions early")

        // From zero, holding few claims, as a new database's first catch-up.
        try store.connection.execute("DELETE FROM store.checkpoints")
        try truncateProjections()
        holdingFew.batchSize = 5
        try holdingFew.catchUp()
        XCTAssertEqual(try snapshot(), caughtUp, "a catch-up that makes the versions early")
    }

    /// A poison event in the middle of a large transaction: the catch-up that takes the
    /// transaction in several batches applies and checkpoints everything before it, stops
    /// there, and goes on once a retraction withdraws it.
    func testAPoisonEventInALargeTransactionStopsTheCatchUpJustBeforeIt() throws {
        var runner = ProjectionRunner(store: store)
        runner.batchSize = 4
        try record(PortfolioDefined(id: "p", title: "P").event, "portfolio-p")
        try runner.catchUp()
        let poison = try store.connection.transaction {
            for n in 0..<10 { try record(claim("p", Double(n), Double(n + 50), "2022-01-1\(n)"), "portfolio-p") }
            let poison = try store.append(to: "programme-x", events: [NewEvent(type: "ProgrammeTeleported", data: "{}")]).events[0]
            for n in 0..<10 { try record(claim("p", Double(n), Double(n + 50), "2022-02-1\(n)"), "portfolio-p") }
            return poison
        }
        XCTAssertThrowsError(try runner.catchUp()) { error in
            guard case let .poison(stop) = error as? ProjectionError else { return XCTFail("\(error)") }
            XCTAssertEqual(stop.position, poison.position)
        }
        XCTAssertEqual(try store.connection.execute("SELECT count(*) FROM projection.claims").int(0, 0), 10)
        XCTAssertEqual(try store.connection.execute("SELECT count(*) FROM projection.timeline WHERE known_to IS NULL").int(0, 0), 10)
        XCTAssertEqual(try runner.status().map(\.lag), [11, 11])
        try record(EventRetracted(eventId: poison.id.uuidString.lowercased(), targetType: "ProgrammeTeleported",
                                  reason: "unreadable").event, "programme-x")
        try runner.catchUp()
        XCTAssertEqual(try runner.status().map(\.lag), [0, 0])
        XCTAssertEqual(try store.connection.execute("SELECT count(*) FROM projection.claims").int(0, 0), 20)
        try assertRebuilds(in: [3, 5000], give: try snapshot())
    }

    private func truncateProjections() throws {
        let tables = try store.connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'projection' AND table_type = 'BASE TABLE'")
            .column().compactMap { $0.map { "projection.\($0)" } }
        try store.connection.execute("TRUNCATE \(tables.joined(separator: ", "))")
    }

    /// Rebuilds in batches of each size, comparing every table and view with `expected`.
    private func assertRebuilds(in sizes: [Int], give expected: [String: [String]], line: UInt = #line) throws {
        for size in sizes {
            var rebuilding = ProjectionRunner(store: store)
            rebuilding.rebuildBatchSize = size
            try rebuilding.rebuild()
            let rebuilt = try snapshot()
            for (table, rows) in expected {
                XCTAssertEqual(rebuilt[table], rows, "\(table), batches of \(size)", line: line)
            }
        }
    }

    /// The catalog folds each batch's changes per row before writing them. Definitions,
    /// changes and retractions of one row, in and across batches, in every order that matters:
    /// each batch size must give what applying the events one by one gave. Thirty programmes
    /// make the larger batches write their rows through COPY.
    func testCatalogChangesFoldedPerBatchGiveWhatEventByEventGave() throws {
        let runner = ProjectionRunner(store: store)
        func retract(_ id: UUID, _ type: String, _ stream: String) throws {
            try record(EventRetracted(eventId: id.uuidString.lowercased(), targetType: type, reason: "r").event, stream)
        }
        let firstDefinition = try record(PortfolioDefined(id: "p", title: "P").event, "portfolio-p")
        let revision = try record(PortfolioRevised(id: "p", on: date("2023-01-01"), plannedMeasures: 10).event, "portfolio-p")
        for n in 0..<30 {
            try record(ProgrammeAdded(id: "g\(n)", portfolio: "p", title: "G\(n)").event, "programme-g\(n)")
            try record(MilestoneAdded(programme: "g\(n)", id: "m", title: "M").event, "programme-g\(n)")
            if n % 3 == 0 {
                try record(MilestoneReached(programme: "g\(n)", id: "m", on: date("2023-02-0\(1 + n % 9)")).event, "programme-g\(n)")
            }
        }
        // Completion of a programme not yet added changes nothing; its addition then stands alone.
        try record(ProgrammeCompleted(id: "late", on: date("2023-03-01")).event, "programme-late")
        try record(ProgrammeAdded(id: "late", portfolio: "p", title: "Late").event, "programme-late")
        // Completed, the completion retracted, completed again.
        let firstCompletion = try record(ProgrammeCompleted(id: "g1", on: date("2023-03-01")).event, "programme-g1")
        try retract(firstCompletion, "ProgrammeCompleted", "programme-g1")
        try record(ProgrammeCompleted(id: "g1", on: date("2023-04-01"), source: "s").event, "programme-g1")
        // Reached, retracted, reached again; then the milestone retracted and added anew, which
        // clears what it reached; reached once more, and an overwritten reach retracted.
        let firstReach = try record(MilestoneReached(programme: "g2", id: "m", on: date("2023-05-01")).event, "programme-g2")
        try retract(firstReach, "MilestoneReached", "programme-g2")
        let secondReach = try record(MilestoneReached(programme: "g2", id: "m", on: date("2023-05-02")).event, "programme-g2")
        let milestone = try store.connection.execute(
            "SELECT event_id FROM store.events WHERE stream = 'programme-g2' AND type = 'MilestoneAdded'").uuid(0, 0)!
        try retract(milestone, "MilestoneAdded", "programme-g2")
        try record(MilestoneAdded(programme: "g2", id: "m", title: "M again").event, "programme-g2")
        try record(MilestoneReached(programme: "g2", id: "m", on: date("2023-05-03")).event, "programme-g2")
        try retract(secondReach, "MilestoneReached", "programme-g2")
        // A reach from long before, retracted after a newer one replaced it, and one still standing.
        let oldReach = try store.connection.execute(
            "SELECT event_id FROM store.events WHERE stream = 'programme-g3' AND type = 'MilestoneReached'").uuid(0, 0)!
        try record(MilestoneReached(programme: "g3", id: "m", on: date("2023-06-01")).event, "programme-g3")
        try retract(oldReach, "MilestoneReached", "programme-g3")
        let standing = try store.connection.execute(
            "SELECT event_id FROM store.events WHERE stream = 'programme-g6' AND type = 'MilestoneReached'").uuid(0, 0)!
        try retract(standing, "MilestoneReached", "programme-g6")
        try retract(standing, "MilestoneReached", "programme-g6")
        // Reaching a milestone nobody added changes nothing.
        try record(MilestoneReached(programme: "g4", id: "nothing", on: date("2023-06-01")).event, "programme-g4")
        // A portfolio retracted and defined again; a plan revision and a source retracted.
        try retract(firstDefinition, "PortfolioDefined", "portfolio-p")
        try record(PortfolioDefined(id: "p", title: "P again", plannedProgrammes: 30).event, "portfolio-p")
        try retract(revision, "PortfolioRevised", "portfolio-p")
        let source = try record(SourceAdded(id: "s", title: "S", publishedOn: date("2023-01-01")).event, "source-s")
        try retract(source, "SourceAdded", "source-s")
        let lateRevision = try record(PortfolioRevised(id: "p", on: date("2023-08-01"), plannedMeasures: 12).event, "portfolio-p")
        try retract(lateRevision, "PortfolioRevised", "portfolio-p")
        // A programme retracted, then completed: the completion still lands on its row.
        let programme = try store.connection.execute(
            "SELECT event_id FROM store.events WHERE stream = 'programme-g5' AND type = 'ProgrammeAdded'").uuid(0, 0)!
        try retract(programme, "ProgrammeAdded", "programme-g5")
        try record(ProgrammeCompleted(id: "g5", on: date("2023-09-01")).event, "programme-g5")

        let events = try store.connection.execute("SELECT count(*) FROM store.events").int(0, 0)!
        var eventByEvent = runner
        eventByEvent.batchSize = 1
        try eventByEvent.catchUp()
        let expected = try snapshot()
        // The history did what it says, so that the comparisons below compare something.
        let rows = try store.connection.execute("""
            SELECT (SELECT title FROM projection.portfolios WHERE retracted_at IS NULL),
                   (SELECT completed_on::text FROM projection.programmes WHERE id = 'g1'),
                   (SELECT completed_on IS NULL FROM projection.programmes WHERE id = 'late'),
                   (SELECT reached_on::text FROM projection.milestones WHERE programme = 'g2'),
                   (SELECT reached_on::text FROM projection.milestones WHERE programme = 'g3'),
                   (SELECT reached_on IS NOT NULL AND reached_retracted_at IS NOT NULL FROM projection.milestones WHERE programme = 'g6'),
                   (SELECT count(*) FROM projection.plan_revisions WHERE retracted_at IS NOT NULL),
                   (SELECT retracted_at IS NOT NULL AND completed_on IS NOT NULL FROM projection.programmes WHERE id = 'g5')
            """)
        XCTAssertEqual((0..<8).map { rows.string(0, $0) }, ["P again", "2023-04-01", "t", "2023-05-03", "2023-06-01", "t", "2", "t"])

        try assertRebuilds(in: [2, 3, 5, 8, 13, 40, events], give: expected)
    }

    /// The swap drops the live tables' indexes and builds them again: afterwards each table
    /// has the indexes and constraints the migrations gave it. A role that does not own the
    /// tables (ustrack_writer) cannot drop them, and rebuilds keeping them.
    func testRebuildLeavesTheLiveTablesIndexesAsTheMigrationsMadeThem() throws {
        let runner = ProjectionRunner(store: store)
        try recordHistory {}
        try runner.catchUp()
        func schema() throws -> [String] {
            try store.connection.execute("""
                SELECT indexdef FROM pg_indexes WHERE schemaname = 'projection'
                UNION ALL
                SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
                FROM pg_constraint WHERE connamespace = 'projection'::regnamespace
                ORDER BY 1
                """).column().map { $0 ?? "" }
        }
        let migrated = try schema()
        XCTAssertTrue(migrated.contains { $0.contains("PRIMARY KEY (event_id)") }, "\(migrated)")
        XCTAssertTrue(migrated.contains { $0.contains("WHERE (known_to IS NULL)") }, "\(migrated)")
        let expected = try snapshot()

        try runner.rebuild()
        XCTAssertEqual(try schema(), migrated)
        XCTAssertEqual(try snapshot(), expected)

        try store.connection.execute("SET ROLE ustrack_writer")
        try ProjectionRunner(store: store).rebuild()
        try store.connection.execute("RESET ROLE")
        XCTAssertEqual(try schema(), migrated)
        XCTAssertEqual(try snapshot(), expected)
    }

    /// A command's own catch-up and `projections follow` run at the same time: they take
    /// turns per batch, and no event is applied twice (a claim twice would break its key).
    func testConcurrentCatchUpsApplyEachEventOnce() throws {
        try recordHistory {}
        for n in 0..<60 {
            try record(claim(n % 2 == 0 ? "p" : "a", Double(n % 90), Double(n % 90 + 5), "2023-0\(1 + n % 9)-1\(n % 10)",
                             kind: n % 2 == 0 ? .portfolio : .programme), n % 2 == 0 ? "portfolio-p" : "programme-a")
        }
        let conninfo = self.conninfo!
        let applied = try onThreads(4) { _ -> Int in
            var runner = ProjectionRunner(store: EventStore(connection: try Connection.connect(conninfo)))
            runner.batchSize = 3
            return try runner.catchUp()
        }
        XCTAssertEqual(applied.reduce(0, +), 2 * (18 + 60), "each projection read each event once, between them")
        let caughtUp = try snapshot()
        XCTAssertEqual(caughtUp["projection.claims"]?.count, 7 + 60, "one of the 7 claims of the history is retracted, not gone")
        try ProjectionRunner(store: store).rebuild()
        XCTAssertEqual(try snapshot(), caughtUp)
    }

    func testReadersSeeTheOldOrTheNewProjectionNeverAHalfBuiltOne() throws {
        let runner = ProjectionRunner(store: store)
        try recordHistory {}
        for n in 0..<120 {
            try record(claim("p", Double(n % 100), 100, "2022-0\(1 + n % 9)-1\(n % 10)"), "portfolio-p")
        }
        try runner.catchUp()
        let expected = try store.connection.execute("SELECT count(*) FROM projection.claims").int(0, 0)!
        let conninfo = self.conninfo!
        let done = Locked(false)
        let seen = try onThreads(2) { role -> [Int] in
            let connection = try Connection.connect(conninfo)
            if role == 0 {
                var runner = ProjectionRunner(store: EventStore(connection: connection))
                runner.rebuildBatchSize = 7
                try runner.rebuild()
                done.withLock { $0 = true }
                return []
            }
            var counts: [Int] = []
            while !done.withLock({ $0 }) {
                counts.append(try connection.execute("SELECT count(*) FROM projection.claims").int(0, 0)!)
            }
            return counts
        }[1]
        XCTAssertGreaterThan(seen.count, 3)
        XCTAssertEqual(Set(seen), [expected])
    }

    /// A poison event stops the projections where it stands, naming what to run to get past it:
    /// everything before it is applied, nothing from it on.
    func testAPoisonEventStopsTheProjectorWithItsPosition() throws {
        try record(PortfolioDefined(id: "p", title: "P").event, "portfolio-p")
        let bogus = try store.append(to: "programme-x", events: [NewEvent(type: "ProgrammeTeleported", data: "{}")])
        try record(PortfolioDefined(id: "q", title: "Q").event, "portfolio-q")
        let id = bogus.events[0].id.uuidString.lowercased()
        let runner = ProjectionRunner(store: store)
        XCTAssertThrowsError(try runner.catchUp()) { error in
            guard case let .poison(stop) = error as? ProjectionError else { return XCTFail("\(error)") }
            XCTAssertEqual(stop.position, bogus.events[0].position)
            XCTAssertEqual(stop.type, "ProgrammeTeleported")
            XCTAssertEqual(stop.stream, "programme-x")
            XCTAssertEqual(stop.eventId, bogus.events[0].id)
            let message = "\(error)"
            for part in ["position \(stop.position)", "programme-x", "ProgrammeTeleported", id, "ustrack retract \(id) --reason"] {
                XCTAssertTrue(message.contains(part), "\(part): \(message)")
            }
        }
        // What came before it was applied; nothing after it, and the checkpoints stop just before it.
        XCTAssertEqual(try store.connection.execute("SELECT id FROM projection.portfolios ORDER BY id").column(), ["p"])
        XCTAssertEqual(try runner.status().map(\.lag), [2, 2])
        XCTAssertThrowsError(try runner.catchUp(), "it stops there again")

        let badPayload = try store.append(to: "programme-y", events: [NewEvent(type: "ProgrammeAdded", data: #"{"id": 5}"#)])
        XCTAssertThrowsError(try ProjectionRunner(store: EventStore(connection: try Connection.connect(conninfo))).rebuild()) { error in
            guard case let .poison(stop) = error as? ProjectionError else { return XCTFail("\(error)") }
            XCTAssertEqual(stop.position, bogus.events[0].position, "the first poison stops it")
            XCTAssertFalse(stop.reason.isEmpty)
        }
        _ = badPayload
    }

    /// A retraction later in the log withdraws a poison event: catch-up and rebuild then pass
    /// over it, and give the same tables. A retraction in another stream does not count, as it
    /// withdraws nothing there.
    func testARetractedPoisonEventIsPassedOver() throws {
        let runner = ProjectionRunner(store: store)
        try recordHistory { try runner.catchUp() }
        let unknown = try store.append(to: "programme-a", events: [NewEvent(type: "ProgrammeTeleported", data: "{}")]).events[0]
        try record(claim("p", 10, 20, "2023-10-01"), "portfolio-p")
        let badPayload = try store.append(to: "portfolio-p", events: [NewEvent(type: "ProgressClaimed", data: #"{"scope":"p"}"#)]).events[0]
        try record(ProgrammeAdded(id: "c", portfolio: "p", title: "C").event, "programme-c")
        func retract(_ event: AppendedEvent, _ type: String, in stream: String) throws {
            try record(EventRetracted(eventId: event.id.uuidString.lowercased(), targetType: type, reason: "unreadable").event, stream)
        }
        func stop() -> Int64? {
            do { try runner.catchUp() } catch let error as ProjectionError {
                if case let .poison(stop) = error { return stop.position }
            } catch { XCTFail("\(error)") }
            return nil
        }
        XCTAssertEqual(stop(), unknown.position)
        try retract(unknown, "ProgrammeTeleported", in: "programme-b")
        XCTAssertEqual(stop(), unknown.position, "a retraction in another stream does not withdraw it")
        try retract(unknown, "ProgrammeTeleported", in: "programme-a")
        XCTAssertEqual(stop(), badPayload.position, "past the first, on to the second")
        XCTAssertEqual(try store.connection.execute("SELECT count(*) FROM projection.claims WHERE lo = 10").int(0, 0), 1,
                       "what lies between them is applied")
        try retract(badPayload, "ProgressClaimed", in: "portfolio-p")
        XCTAssertNil(stop())
        XCTAssertEqual(try runner.status().map(\.lag), [0, 0])
        XCTAssertEqual(try store.connection.execute("SELECT id FROM projection.programmes ORDER BY id").column(), ["a", "b", "c"])
        let incremental = try snapshot()
        try assertTodaysViewsAreTheFunctionsToday()

        var small = ProjectionRunner(store: store)
        small.rebuildBatchSize = 3
        try small.rebuild()
        XCTAssertEqual(try snapshot(), incremental)
        try runner.rebuild()
        XCTAssertEqual(try snapshot(), incremental)

        // From zero in small batches, as a new database's first catch-up would.
        try store.connection.execute("DELETE FROM store.checkpoints")
        try truncateProjections()
        var fresh = ProjectionRunner(store: store)
        fresh.batchSize = 4
        try fresh.catchUp()
        XCTAssertEqual(try snapshot(), incremental)
    }

    /// Milestones, evidence, programmes and portfolios are read in two times as claims are:
    /// `--as-of` hides what happened later, `--known-at` what was recorded later, and a
    /// retraction hides a reach or completion only from its own time on.
    func testTheCatalogIsReadInTwoTimes() throws {
        let runner = ProjectionRunner(store: store)
        func recordedAt(_ id: UUID) throws -> String {
            try store.connection.execute("SELECT recorded_at::text FROM store.events WHERE event_id = $1", id).string(0, 0)!
        }
        func justBefore(_ id: UUID) throws -> String {
            try store.connection.execute("SELECT (recorded_at - interval '1 microsecond')::text FROM store.events WHERE event_id = $1", id)
                .string(0, 0)!
        }
        func retract(_ id: UUID, _ type: String, _ stream: String) throws -> UUID {
            try record(EventRetracted(eventId: id.uuidString.lowercased(), targetType: type, reason: "r").event, stream)
        }
        try record(PortfolioDefined(id: "p", title: "P", plannedMeasures: 300).event, "portfolio-p")
        let added = try record(ProgrammeAdded(id: "g", portfolio: "p", title: "G").event, "programme-g")
        try record(MilestoneAdded(programme: "g", id: "m1", title: "M1", due: date("2023-06-30")).event, "programme-g")
        let second = try record(MilestoneAdded(programme: "g", id: "m2", title: "M2", due: date("2023-12-31")).event, "programme-g")
        let reach = try record(MilestoneReached(programme: "g", id: "m1", on: date("2023-02-01")).event, "programme-g")
        let completion = try record(ProgrammeCompleted(id: "g", on: date("2023-09-01")).event, "programme-g")
        let revision = try record(PortfolioRevised(id: "p", on: date("2023-07-01"), plannedMeasures: 400).event, "portfolio-p")
        let reachRetracted = try retract(reach, "MilestoneReached", "programme-g")
        let completionRetracted = try retract(completion, "ProgrammeCompleted", "programme-g")
        // A second retraction of the same reach does not move the time it was retracted.
        _ = try retract(reach, "MilestoneReached", "programme-g")
        try runner.catchUp()

        func rows(_ sql: String, _ asOf: String, _ knownAt: String) throws -> [String] {
            try store.connection.execute(sql, asOf, knownAt).column().map { $0 ?? "NULL" }
        }
        func evidence(_ asOf: String, _ knownAt: String) throws -> [String] {
            try rows("SELECT milestones_reached || '/' || milestones_planned FROM reporting.evidence_at($1, $2)", asOf, knownAt)
        }
        func milestones(_ asOf: String, _ knownAt: String) throws -> [String] {
            try rows("SELECT id || ' ' || status || ' ' || coalesce(reached_on::text, '-') FROM reporting.milestones_at($1, $2) ORDER BY id",
                     asOf, knownAt)
        }
        func programme(_ asOf: String, _ knownAt: String) throws -> [String] {
            try rows("""
                SELECT status || ' ' || coalesce(completed_on::text, '-') || ' ' || milestones_reached || '/' || milestones_planned
                FROM reporting.programmes_at($1, $2)
                """, asOf, knownAt)
        }
        func portfolio(_ asOf: String, _ knownAt: String) throws -> [String] {
            try rows("""
                SELECT planned_measures || ' ' || coalesce(plan_revised_on::text, '-') || ' ' || programmes || ' ' || programmes_completed
                FROM reporting.portfolios_at($1, $2)
                """, asOf, knownAt)
        }
        let reached = try recordedAt(reach), completed = try recordedAt(completion)
        // Known just after the completion was recorded: both stand, from their own dates.
        XCTAssertEqual(try milestones("2023-01-31", completed), ["m1 planned -", "m2 planned -"])
        XCTAssertEqual(try milestones("2023-07-01", completed), ["m1 reached 2023-02-01", "m2 planned -"])
        XCTAssertEqual(try milestones("2024-01-01", completed), ["m1 reached 2023-02-01", "m2 overdue -"])
        XCTAssertEqual(try evidence("2023-01-31", completed), ["0/2"])
        XCTAssertEqual(try evidence("2023-02-01", completed), ["1/2"])
        XCTAssertEqual(try programme("2023-08-31", completed), ["in progress - 1/2"])
        XCTAssertEqual(try programme("2023-09-01", completed), ["completed 2023-09-01 1/2"])
        // Known before the reach was recorded, or before the second milestone was.
        XCTAssertEqual(try evidence("2023-12-31", try justBefore(reach)), ["0/2"])
        XCTAssertEqual(try evidence("2023-12-31", reached), ["1/2"])
        XCTAssertEqual(try milestones("2023-12-31", try justBefore(second)), ["m1 overdue -"])
        XCTAssertEqual(try programme("2023-12-31", try justBefore(completion)), ["in progress - 1/2"])
        XCTAssertEqual(try programme("2023-12-31", try justBefore(added)), [])
        // The retractions take the reach and the completion away from their own time on.
        XCTAssertEqual(try evidence("2023-12-31", try justBefore(reachRetracted)), ["1/2"])
        XCTAssertEqual(try evidence("2023-12-31", try recordedAt(reachRetracted)), ["0/2"])
        XCTAssertEqual(try programme("2023-12-31", try justBefore(completionRetracted)), ["completed 2023-09-01 0/2"])
        XCTAssertEqual(try programme("2023-12-31", try recordedAt(completionRetracted)), ["in progress - 0/2"])
        XCTAssertEqual(try store.connection.execute(
            "SELECT reached_retracted_at = $1::timestamptz FROM projection.milestones WHERE id = 'm1'", try recordedAt(reachRetracted)).bool(0, 0),
            true, "the first retraction's time")
        // The plan revised from 2023-07-01, once it was recorded.
        XCTAssertEqual(try portfolio("2023-06-30", "now"), ["300 - 1 0"])
        XCTAssertEqual(try portfolio("2023-09-01", try justBefore(revision)), ["300 - 1 1"])
        XCTAssertEqual(try portfolio("2023-09-01", try recordedAt(revision)), ["400 2023-07-01 1 1"])
        XCTAssertEqual(try portfolio("2023-09-01", "now"), ["400 2023-07-01 1 0"])
        try assertTodaysViewsAreTheFunctionsToday()
        let incremental = try snapshot()
        try assertRebuilds(in: [1, 3, 100], give: incremental)
    }

    /// A programme's last claim is its newest of any unit; on a tie, the one in measures, the
    /// unit the report's programme table prefers. A portfolio without programmes counts 0.
    func testAProgrammesLastClaimIsItsNewestAndOnATieTheOneInMeasures() throws {
        try record(PortfolioDefined(id: "p", title: "P").event, "portfolio-p")
        try record(PortfolioDefined(id: "empty", title: "Empty").event, "portfolio-empty")
        for id in ["tie", "newer"] { try record(ProgrammeAdded(id: id, portfolio: "p", title: id).event, "programme-\(id)") }
        try record(claim("tie", 40, 40, "2023-03-01", kind: .programme), "programme-tie")
        try record(claim("tie", 10, 10, "2023-03-01", unit: .content, kind: .programme), "programme-tie")
        try record(claim("newer", 40, 40, "2023-03-01", kind: .programme), "programme-newer")
        try record(claim("newer", 10, 10, "2023-03-02", unit: .content, kind: .programme), "programme-newer")
        try ProjectionRunner(store: store).catchUp()
        XCTAssertEqual(try store.connection.execute(
            "SELECT id || ' ' || last_claim_wording || ' ' || last_claim_as_of FROM reporting.programmes ORDER BY id").column(),
            ["newer 10.0–10.0 2023-03-02", "tie 40.0–40.0 2023-03-01"])
        XCTAssertEqual(try store.connection.execute(
            "SELECT id || ' ' || programmes || ' ' || programmes_completed FROM reporting.portfolios ORDER BY id").column(),
            ["empty 0 0", "p 2 0"])
    }
}
