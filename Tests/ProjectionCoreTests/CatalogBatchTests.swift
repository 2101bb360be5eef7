import Foundation
@testable import ProjectionCore
import Testing
import Tracker

/// The catalog folds each batch's changes per row; every batch size must give what applying the
/// events one by one gives.
struct CatalogBatchTests {
    static func history() -> Log {
        var log = Log()
        var n = 0
        func at() -> Int { n += 1; return n }
        let firstDefinition = log.record(PortfolioDefined(id: "p", title: "P").event, at: at())
        let revision = log.record(PortfolioRevised(id: "p", on: date("2023-01-01"), plannedMeasures: 10).event, at: at())
        var milestones: [String: UUID] = [:], reaches: [String: UUID] = [:], programmes: [String: UUID] = [:]
        for g in 0..<8 {
            programmes["g\(g)"] = log.record(ProgrammeAdded(id: "g\(g)", portfolio: "p", title: "G\(g)").event, at: at())
            milestones["g\(g)"] = log.record(MilestoneAdded(programme: "g\(g)", id: "m", title: "M").event, at: at())
            if g % 3 == 0 {
                reaches["g\(g)"] = log.record(MilestoneReached(programme: "g\(g)", id: "m", on: date("2023-02-0\(1 + g)")).event, at: at())
            }
        }
        // Completion of a programme not yet added changes nothing; its addition then stands alone.
        log.record(ProgrammeCompleted(id: "late", on: date("2023-03-01")).event, at: at())
        log.record(ProgrammeAdded(id: "late", portfolio: "p", title: "Late").event, at: at())
        // Completed, the completion retracted, completed again.
        let firstCompletion = log.record(ProgrammeCompleted(id: "g1", on: date("2023-03-01")).event, at: at())
        log.retract(firstCompletion, "ProgrammeCompleted", at: at())
        log.record(ProgrammeCompleted(id: "g1", on: date("2023-04-01"), source: "s").event, at: at())
        // Reached, retracted, reached again; the milestone retracted and added anew, which clears
        // what it reached; reached once more, and an overwritten reach retracted.
        let firstReach = log.record(MilestoneReached(programme: "g2", id: "m", on: date("2023-05-01")).event, at: at())
        log.retract(firstReach, "MilestoneReached", at: at())
        let secondReach = log.record(MilestoneReached(programme: "g2", id: "m", on: date("2023-05-02")).event, at: at())
        log.retract(milestones["g2"]!, "MilestoneAdded", at: at())
        log.record(MilestoneAdded(programme: "g2", id: "m", title: "M again").event, at: at())
        log.record(MilestoneReached(programme: "g2", id: "m", on: date("2023-05-03")).event, at: at())
        log.retract(secondReach, "MilestoneReached", at: at())
        // A reach from long before, retracted after a newer one replaced it; one retracted twice.
        log.record(MilestoneReached(programme: "g3", id: "m", on: date("2023-06-01")).event, at: at())
        log.retract(reaches["g3"]!, "MilestoneReached", at: at())
        log.retract(reaches["g6"]!, "MilestoneReached", at: at())
        log.retract(reaches["g6"]!, "MilestoneReached", at: at())
        // Reaching a milestone nobody added changes nothing.
        log.record(MilestoneReached(programme: "g4", id: "nothing", on: date("2023-06-01")).event, at: at())
        // A portfolio retracted and defined again; a plan revision and a source retracted.
        log.retract(firstDefinition, "PortfolioDefined", at: at())
        log.record(PortfolioDefined(id: "p", title: "P again", plannedProgrammes: 30).event, at: at())
        log.retract(revision, "PortfolioRevised", at: at())
        let source = log.record(SourceAdded(id: "s", title: "S", publishedOn: date("2023-01-01"), text: "Текст").event, at: at())
        log.retract(source, "SourceAdded", at: at())
        // A programme retracted, then completed: the completion still lands on its row.
        log.retract(programmes["g5"]!, "ProgrammeAdded", at: at())
        log.record(ProgrammeCompleted(id: "g5", on: date("2023-09-01")).event, at: at())
        return log
    }

    @Test func foldedBatchesGiveWhatEventByEventGave() {
        let events = Self.history().events
        let expected = CatalogTables.projecting(events, batches: 1)
        // The history did what it says, so that the comparisons below compare something.
        guard case .portfolio(let portfolio, let stamp)? = expected.rows[CatalogKey(.portfolios, "p")],
              case .programme(_, _, let g1)? = expected.rows[CatalogKey(.programmes, "g1")],
              case .programme(_, _, let late)? = expected.rows[CatalogKey(.programmes, "late")],
              case .milestone(let g2, _, let g2Reach)? = expected.rows[CatalogKey(.milestones, "g2", "m")],
              case .milestone(_, _, let g3Reach)? = expected.rows[CatalogKey(.milestones, "g3", "m")],
              case .milestone(_, _, let g6Reach)? = expected.rows[CatalogKey(.milestones, "g6", "m")],
              case .programme(_, let g5, let g5Completion)? = expected.rows[CatalogKey(.programmes, "g5")],
              case .source(let source, let sourceStamp)? = expected.rows[CatalogKey(.sources, "s")]
        else { Issue.record("rows missing: \(expected.rows.keys)"); return }
        #expect(portfolio.title == "P again" && stamp.retractedAt == nil)
        #expect(g1?.fact.on == date("2023-04-01") && g1?.recorded.retractedAt == nil)
        #expect(late == nil)
        #expect(g2.title == "M again" && g2Reach?.fact.on == date("2023-05-03"))
        #expect(g3Reach?.fact.on == date("2023-06-01") && g3Reach?.recorded.retractedAt == nil)
        #expect(g6Reach?.recorded.retractedAt != nil)
        #expect(g5.retractedAt != nil && g5Completion != nil)
        #expect(source.text == "Текст" && sourceStamp.retractedAt != nil)
        #expect(expected.rows.values.filter { if case .planRevision(_, let r) = $0 { r.retractedAt != nil } else { false } }.count == 1)

        for size in [2, 3, 5, 8, 13, 40, events.count] {
            #expect(CatalogTables.projecting(events, batches: size) == expected, "batches of \(size)")
        }
    }

    /// A second retraction keeps the time of the first.
    @Test func aRecordIsRetractedOnce() {
        var log = Log()
        log.record(ProgrammeAdded(id: "g", portfolio: "p", title: "G").event, at: 1)
        log.record(MilestoneAdded(programme: "g", id: "m", title: "M").event, at: 2)
        let reach = log.record(MilestoneReached(programme: "g", id: "m", on: date("2023-02-01")).event, at: 3)
        log.retract(reach, "MilestoneReached", at: 4)
        log.retract(reach, "MilestoneReached", at: 5)
        for size in [1, 5] {
            let tables = CatalogTables.projecting(log.events, batches: size)
            guard case .milestone(_, _, let reached)? = tables.rows[CatalogKey(.milestones, "g", "m")] else {
                Issue.record("no milestone"); continue
            }
            #expect(reached?.recorded.retractedAt == minute(4), "batches of \(size)")
        }
    }

    /// Within a batch a retraction of the batch's own event is folded into the row; of an
    /// earlier batch's, it is a statement of its own.
    @Test func aRetractionIsFoldedOnlyIntoTheBatchThatHoldsItsTarget() {
        var log = Log()
        let added = log.record(SourceAdded(id: "s", title: "S", publishedOn: date("2023-01-01")).event, at: 1)
        log.retract(added, "SourceAdded", at: 2)
        var batch = CatalogBatch()
        for event in log.events { batch.apply(event) }
        guard case .upsert(.source(_, let stamp))? = batch.changes.first, batch.changes.count == 1 else {
            Issue.record("\(batch.changes)"); return
        }
        #expect(stamp.retractedAt == minute(2))
        var later = CatalogBatch()
        later.apply(log.events[1])
        #expect(later.changes == [.retract(.source, eventId: added, at: minute(2))])
    }
}
