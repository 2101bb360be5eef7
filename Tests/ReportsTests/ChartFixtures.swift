import Foundation
import Reports
import Tracker

/// A known history for the chart tests: two exact figures, a closed range, an open lower bound
/// ("more than half") and an open upper bound ("less than 60%") that contradicts the 70% before it.
enum ChartFixtures {
    static func date(_ text: String) -> CalendarDate {
        CalendarDate(text)!
    }

    static func claim(_ number: Int, _ wording: String, _ interval: PercentInterval, _ asOf: String,
                      speaker: String? = "Sergei Glazyev", sourceTitle: String? = "Briefing of the Standing Committee",
                      contradicted: Bool = false) -> ClaimMark {
        ClaimMark(id: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", number))!,
                  scope: "union-state-2021-2023", unit: "measures", wording: wording, interval: interval,
                  asOf: date(asOf), speaker: speaker, source: "source-\(number)", sourceTitle: sourceTitle,
                  sourceURL: "https://example.org/source-\(number)", contradicted: contradicted)
    }

    static let claims = [
        claim(1, "7 of 28", .exactly(25), "2021-12-10"),
        claim(2, "about 40%", PercentInterval(lo: 35, hi: 45), "2022-06-30", speaker: nil),
        claim(3, "implemented by 70 percent", .exactly(70), "2023-01-19", contradicted: true),
        claim(4, "more than half", .atLeast(50, inclusive: false), "2023-05-17", sourceTitle: nil),
        claim(5, "less than 60%", PercentInterval(lo: 0, hi: 60, hiInclusive: false), "2023-09-01", contradicted: true),
    ]

    static let timeline = Timeline(
        scope: "union-state-2021-2023", unit: "measures",
        steps: [
            .init(date: date("2021-12-10"), estimate: .exactly(25), disputed: false),
            .init(date: date("2022-06-30"), estimate: PercentInterval(lo: 35, hi: 45), disputed: false),
            .init(date: date("2023-01-19"), estimate: .exactly(70), disputed: false),
            .init(date: date("2023-05-17"), estimate: PercentInterval(lo: 70, hi: 100), disputed: false),
            .init(date: date("2023-09-01"), estimate: PercentInterval(lo: 0, hi: 60, hiInclusive: false), disputed: true),
        ],
        claims: claims
    )

    static let empty = Timeline(scope: "union-state-2021-2023", unit: "measures", steps: [], claims: [])

    /// Text that breaks naive XML and naive terminals alike.
    static let hostile = "Союзное государство <&> \"quoted\" 'single' & <script>alert(1)</script>"

    static let burnUp = BurnUp(programme: "payment-systems", milestones: [
        .init(id: "m1", title: "Agreement signed", due: date("2022-03-01"), reachedOn: date("2022-02-20")),
        .init(id: "m2", title: "Law harmonised", due: date("2022-09-01"), reachedOn: date("2022-11-15")),
        .init(id: "m3", title: "Joint register", due: date("2023-06-01"), reachedOn: nil),
        .init(id: "m4", title: "Undated review", due: nil, reachedOn: nil),
        .init(id: "m5", title: "Second agreement", due: date("2022-09-01"), reachedOn: date("2022-11-15")),
    ])

    static let programmes = [
        ProgrammeRow(id: "currency-regulation", title: "Harmonisation of currency regulation and currency control",
                     status: "active", estimate: PercentInterval(lo: 70, hi: 100), estimateUnit: "measures",
                     lastClaim: "more than 70%", milestonesReached: 3, milestonesPlanned: 5),
        ProgrammeRow(id: "payment-systems", title: "Integration of payment systems", status: "active",
                     estimate: .exactly(40), estimateUnit: "content", lastClaim: "40%",
                     milestonesReached: 0, milestonesPlanned: 0),
        ProgrammeRow(id: "energy", title: "Unified energy market", status: "active", estimate: nil, estimateUnit: nil,
                     lastClaim: nil, milestonesReached: 0, milestonesPlanned: 2),
    ]
}
