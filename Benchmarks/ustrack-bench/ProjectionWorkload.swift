import EventStore
import Foundation
import Tracker

/// Synthetic history for the projection benchmark: many portfolios, each with 20 programmes,
/// milestones planned and reached, and claims in two units.
enum ProjectionWorkload {
    static let programmesPerPortfolio = 20

    /// Loads at least `events` events through the bulk path, in transactions of about 100,000.
    static func load(_ store: EventStore, events: Int) throws -> Int {
        var stored = 0
        var portfolio = 0
        while stored < events {
            var chunk: [(stream: String, event: NewEvent)] = []
            while chunk.count < 100_000 && stored + chunk.count < events {
                chunk += try portfolioHistory(portfolio)
                portfolio += 1
            }
            stored += try store.appendBulk(chunk)
        }
        return stored
    }

    static func claim(scope: String, n: Int, unit: ClaimUnit = .measures, kind: ScopeKind = .portfolio) -> NewEvent {
        let lo = Double(10 + n % 80)
        let day = CalendarDate(year: 2022 + n / 300 % 2, month: 1 + n % 12, day: 1 + n % 28)!
        return event(ProgressClaimed(scope: scope, scopeKind: kind, wording: "\(Int(lo)) percent",
                                     interval: .exactly(lo), unit: unit, asOf: day, source: "s").event)
    }

    private static func portfolioHistory(_ number: Int) throws -> [(stream: String, event: NewEvent)] {
        let id = "p\(number)"
        var rows: [(stream: String, event: NewEvent)] = [
            ("portfolio-\(id)", event(PortfolioDefined(id: id, title: "Portfolio \(number)", plannedProgrammes: programmesPerPortfolio).event)),
        ]
        for p in 0..<programmesPerPortfolio {
            let programme = "\(id)-g\(p)"
            let stream = "programme-\(programme)"
            rows.append((stream, event(ProgrammeAdded(id: programme, portfolio: id, title: "Programme \(p)").event)))
            for m in 0..<4 {
                rows.append((stream, event(MilestoneAdded(programme: programme, id: "m\(m)", title: "Milestone \(m)",
                                                          due: CalendarDate(year: 2023, month: 1 + m * 3, day: 1)).event)))
            }
            for m in 0..<2 {
                rows.append((stream, event(MilestoneReached(programme: programme, id: "m\(m)",
                                                            on: CalendarDate(year: 2022, month: 6 + m, day: 15)!).event)))
            }
            for n in 0..<10 {
                rows.append((stream, claim(scope: programme, n: n * 7 + p, unit: n % 2 == 0 ? .measures : .content, kind: .programme)))
            }
        }
        return rows
    }

    private static func event(_ event: TrackerEvent) -> NewEvent {
        NewEvent(type: event.type, schemaVersion: event.schemaVersion,
                 data: String(decoding: (try? event.encode()) ?? Data("{}".utf8), as: UTF8.self))
    }
}
