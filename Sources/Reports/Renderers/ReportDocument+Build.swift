import Foundation
import Tracker

extension ReportDocument {
    init(_ report: Report, charts: ChartSource) {
        let numbers = Self.claimNumbers(report)
        self.init(
            title: report.title,
            facts: Self.facts(report),
            sections: [
                Self.summary(report),
                Self.charts(report, charts, numbers: numbers),
                Self.programmes(report),
                Self.milestones(report),
                Self.contradictions(report, numbers: numbers),
                Self.claims(report, numbers: numbers),
                Self.sources(report, numbers: numbers),
            ]
        )
    }

    /// Claims are numbered in date order, the same on the charts, in their keys and in the tables.
    private static func claimNumbers(_ report: Report) -> [UUID: Int] {
        Dictionary(ReportText.inDateOrder(report.claims).enumerated().map { ($1.id, $0 + 1) }) { first, _ in first }
    }

    private static func facts(_ report: Report) -> [Fact] {
        var facts: [Fact] = []
        if let portfolio = report.portfolio {
            facts.append(Fact(label: "Portfolio", value: [.text("\(portfolio.title) (\(portfolio.id))")]))
            if let titleRu = portfolio.titleRu {
                facts.append(Fact(label: "Russian title", value: [.text(titleRu, language: "ru")]))
            }
            if let period = period(portfolio) {
                facts.append(Fact(label: "Period", value: [.text(period)]))
            }
            if let approval = approval(portfolio) {
                facts.append(Fact(label: "Approved", value: [.text(approval)]))
            }
            if let planned = planned(portfolio) {
                facts.append(Fact(label: "Planned", value: [.text(planned)]))
            }
        }
        if report.portfolio == nil, !report.portfolios.isEmpty {
            let all = report.portfolios.map { "\($0.id) (\($0.title))" }.joined(separator: "; ")
            facts.append(Fact(label: "Portfolios", value: [.text(all)]))
        }
        if let scope = report.scope {
            facts.append(Fact(label: "Scope", value: [.text(scope)]))
        }
        facts.append(Fact(label: "As of", value: [.text(report.asOf.description)]))
        facts.append(Fact(label: "Known at", value: [.text(report.knownAt ?? "now")]))
        facts.append(Fact(label: "Generated at", value: [.text(report.generatedAt)]))
        return facts
    }

    private static func period(_ portfolio: PortfolioInfo) -> String? {
        switch (portfolio.periodStart, portfolio.periodEnd) {
        case let (start?, end?): "\(start) to \(end)"
        case let (start?, nil): "from \(start)"
        case let (nil, end?): "until \(end)"
        case (nil, nil): nil
        }
    }

    private static func approval(_ portfolio: PortfolioInfo) -> String? {
        switch (portfolio.approvedOn, portfolio.approvedBy) {
        case let (on?, by?): "on \(on) by \(by)"
        case let (on?, nil): "on \(on)"
        case let (nil, by?): "by \(by)"
        case (nil, nil): nil
        }
    }

    private static func planned(_ portfolio: PortfolioInfo) -> String? {
        let parts = [
            portfolio.plannedProgrammes.map { "\($0) programmes" },
            portfolio.plannedMeasures.map { "\($0) measures" },
        ].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    private static func summary(_ report: Report) -> Section {
        let summariesOf = Dictionary(grouping: report.summary, by: \.scope)
        let claimed = Set(report.summary.map(\.scope))
        var told: Set<String> = []
        var blocks: [Block] = []
        for portfolio in report.portfolios {
            let own = report.programmes.filter { $0.portfolio == portfolio.id }
            var items: [String] = []
            if report.scope == nil || report.scope == portfolio.id {
                let rows = summariesOf[portfolio.id] ?? []
                items += rows.isEmpty
                    ? [ReportSentences.noClaim(scope: portfolio.id, asOf: report.asOf)]
                    : rows.map { standing($0, report, ReportSentences.denominator(unit: $0.unit, portfolio: portfolio, programme: nil)) }
                items.append(ReportSentences.evidence(own))
                items.append(ReportSentences.programmes(of: portfolio, own, claimed: claimed, asOf: report.asOf))
                told.insert(portfolio.id)
            }
            for programme in own where report.scope == nil || report.scope == portfolio.id || report.scope == programme.id {
                let rows = summariesOf[programme.id] ?? []
                let alone = report.scope == programme.id
                if rows.isEmpty, alone { items.append(ReportSentences.noClaim(scope: programme.id, asOf: report.asOf)) }
                items += rows.map { standing($0, report, ReportSentences.denominator(unit: $0.unit, portfolio: nil, programme: programme)) }
                if alone || (!rows.isEmpty && programme.milestonesPlanned > 0) {
                    items[items.count - 1] += " " + ReportSentences.evidence([programme])
                }
                told.insert(programme.id)
            }
            guard !items.isEmpty else { continue }
            if report.portfolios.count > 1 { blocks.append(.subheading("\(portfolio.id): \(portfolio.title)")) }
            blocks.append(.list(items.map { [.text($0)] }))
        }
        // Scopes outside every portfolio: a retracted programme whose claims stand.
        let others = report.summary.filter { !told.contains($0.scope) }
        if !others.isEmpty {
            if report.portfolios.count > 1 { blocks.append(.subheading("Other scopes")) }
            blocks.append(.list(others.map { [.text(standing($0, report, nil))] }))
        }
        guard !report.summary.isEmpty else {
            return Section(id: "summary", title: "Summary", blocks: blocks.isEmpty ? [.paragraph([.text("No claims yet.")])] : blocks)
        }
        let table = Table(
            caption: "Estimate per scope and unit",
            columns: ["Scope", "Unit", "Estimate", "Change", "Claims", "Last claim", "Contradictions"],
            rows: report.summary.map { row in
                [
                    [.text(row.scope)],
                    [.text(row.unit)],
                    [.text(ReportText.estimate(row.estimate, disputed: row.disputed))],
                    [.text(ReportText.change(from: row.previousEstimate, to: row.estimate))],
                    [.text(String(row.claims))],
                    [.text("“\(row.lastClaim.wording)”, \(row.lastClaim.asOf)")],
                    [.text(String(row.contradictions))],
                ]
            }
        )
        let count = report.contradictions.count
        let contradictions = count == 0 ? "No contradictions between claims."
            : count == 1 ? "1 contradiction between claims." : "\(count) contradictions between claims."
        return Section(id: "summary", title: "Summary", blocks: blocks + [.table(table), .paragraph([.text(contradictions)])])
    }

    private static func standing(_ row: ScopeSummary, _ report: Report, _ denominator: String?) -> String {
        let timeline = report.timelines.first { $0.scope == row.scope && $0.unit == row.unit }
        return ReportSentences.standing(row, claims: timeline?.claims ?? [row.lastClaim], steps: timeline?.steps ?? [],
                                        denominator: denominator, asOf: report.asOf)
    }

    private static func charts(_ report: Report, _ source: ChartSource, numbers: [UUID: Int]) -> Section {
        var charts = ChartNames()
        var blocks: [Block] = []
        for timeline in report.timelines {
            let title = "Progress: \(timeline.scope) (\(timeline.unit))"
            let name = charts.unique("timeline-\(timeline.scope)-\(timeline.unit)")
            let key = ReportText.inDateOrder(timeline.claims).map { claim -> [Inline] in
                let number = numbers[claim.id].map { "\($0)" } ?? "·"
                var text = " “\(claim.wording)” (\(ReportSentences.share(claim.interval))), \(claim.asOf)"
                if let speaker = claim.speaker { text += ", \(speaker)" }
                text += "; \(claim.sourceTitle ?? claim.source)"
                if claim.contradicted { text += "; contradicted" }
                return [.strong(number), .text(text)]
            }
            blocks.append(.chart(Chart(name: name, title: title, svg: source.timeline(timeline, title, numbers), key: key)))
        }
        // Only programmes with an estimate have a bar; the rest are named in the Programmes section.
        let estimated = report.programmes.filter { $0.estimate != nil }
        if !estimated.isEmpty {
            let title = report.portfolio.map { "Programmes with a claim: \($0.id)" } ?? "Programmes with a claim"
            blocks.append(.chart(Chart(name: charts.unique("programmes"), title: title,
                                       svg: source.programmeBars(estimated, title))))
        }
        for burnUp in report.burnUps {
            let title = "Milestones: \(burnUp.programme)"
            let name = charts.unique("burnup-\(burnUp.programme)")
            blocks.append(.chart(Chart(name: name, title: title, svg: source.burnUp(burnUp, title))))
        }
        if blocks.isEmpty { blocks = [.paragraph([.text("Nothing to chart yet.")])] }
        return Section(id: "charts", title: "Charts", blocks: blocks)
    }

    private static func programmes(_ report: Report) -> Section {
        guard !report.programmes.isEmpty else {
            return Section(id: "programmes", title: "Programmes", blocks: [.paragraph([.text("No programmes.")])])
        }
        func periodEnd(_ programme: ProgrammeRow) -> CalendarDate? {
            (report.portfolios.first { $0.id == programme.portfolio } ?? report.portfolio)?.periodEnd
        }
        let shown = report.programmes.filter(hasSomethingToShow)
        let table = Table(
            caption: "Programmes with a claim, milestones or completion",
            columns: ["Programme", "Title", "Status", "Estimate", "Last claim", "Milestones reached"],
            rows: shown.map { row in
                let estimate = row.estimate.map { interval in
                    [ReportText.percent(interval), row.estimateUnit].compactMap { $0 }.joined(separator: " ")
                }
                let milestones = row.milestonesPlanned == 0
                    ? "none tracked" : "\(row.milestonesReached) of \(row.milestonesPlanned)"
                return [
                    [.text(row.id)],
                    [.text(row.title)],
                    [.text(ReportSentences.status(row, periodEnd: periodEnd(row), asOf: report.asOf))],
                    [.text(estimate ?? "no claim yet")],
                    [.text(row.lastClaim ?? "none")],
                    [.text(milestones)],
                ]
            }
        )
        var blocks: [Block] = shown.isEmpty ? [] : [.table(table)]
        let quiet = report.programmes.filter { !hasSomethingToShow($0) }
        let groups = Dictionary(grouping: quiet) { $0.portfolio ?? "" }
        for group in groups.keys.sorted() {
            guard let line = ReportSentences.unclaimed(groups[group]!.map(\.id)) else { continue }
            blocks.append(.paragraph([.text(groups.count > 1 && !group.isEmpty ? "\(group): \(line)" : line)]))
        }
        return Section(id: "programmes", title: "Programmes", blocks: blocks)
    }

    private static func hasSomethingToShow(_ programme: ProgrammeRow) -> Bool {
        programme.estimate != nil || programme.milestonesPlanned > 0 || programme.completedOn != nil
            || programme.status == "completed"
    }

    private static func milestones(_ report: Report) -> Section {
        let milestones = report.burnUps.flatMap { burnUp in burnUp.milestones.map { (burnUp.programme, $0) } }
        guard !milestones.isEmpty else {
            return Section(id: "milestones", title: "Milestones", blocks: [.paragraph([.text("No milestones are tracked.")])])
        }
        let titles = Dictionary(report.sources.map { ($0.id, $0.title) }) { first, _ in first }
        let table = Table(
            caption: "Milestones, the evidence beside the claims",
            columns: ["Programme", "Milestone", "Due", "Reached"],
            rows: milestones.map { programme, milestone in
                let reached = milestone.reachedOn.map { on in
                    "\(on)" + (milestone.reachedSource.map { " (\(titles[$0] ?? $0))" } ?? "")
                } ?? (milestone.due.map { $0 < report.asOf } == true ? "not yet; overdue" : "not yet")
                return [
                    [.text(programme)],
                    [.text(milestone.title)],
                    [.text(milestone.due?.description ?? "no date set")],
                    [.text(reached)],
                ]
            }
        )
        let tracked = report.programmes.filter { $0.milestonesPlanned > 0 }
        var blocks: [Block] = tracked.isEmpty ? [] : [.paragraph([.text(ReportSentences.evidence(tracked))])]
        blocks.append(.table(table))
        return Section(id: "milestones", title: "Milestones", blocks: blocks)
    }

    private static func contradictions(_ report: Report, numbers: [UUID: Int]) -> Section {
        guard !report.contradictions.isEmpty else {
            return Section(id: "contradictions", title: "Contradictions",
                           blocks: [.paragraph([.text("No claims contradict each other.")])])
        }
        let blocks = report.contradictions.enumerated().flatMap { index, row -> [Block] in
            let heading = "\(index + 1). \(row.scope) (\(row.unit))"
            return [
                .subheading(heading),
                .paragraph([.text(ReportText.contradiction(kind: row.kind))]),
                .table(Table(
                    caption: "Contradiction \(index + 1): \(row.scope) (\(row.unit))",
                    columns: ["Claim", "As of", "Wording", "Interval", "Speaker", "Source"],
                    rows: [("earlier", row.earlier), ("later", row.later)].map { role, claim in
                        [
                            [.text(numbers[claim.id].map { "\(role), no. \($0)" } ?? role)],
                            [.text(claim.asOf.description)],
                            [.text(claim.wording)],
                            [.text(ReportText.percent(claim.interval))],
                            [.text(claim.speaker ?? "not named")],
                            source(of: claim),
                        ]
                    }
                )),
            ]
        }
        return Section(id: "contradictions", title: "Contradictions", blocks: blocks)
    }

    /// The quote column appears once any claim is pinned to the words of its source.
    private static func claims(_ report: Report, numbers: [UUID: Int]) -> Section {
        let quoted = report.claims.contains { $0.quote != nil }
        let table = Table(
            caption: "Claims in date order, numbered as on the charts",
            columns: ["No.", "As of", "Scope", "Unit", "Wording", "Interval", "Speaker", "Source", "Contradicted"]
                + (quoted ? ["Quote"] : []),
            rows: ReportText.inDateOrder(report.claims).map { claim in
                [
                    [.text(numbers[claim.id].map(String.init) ?? "")],
                    [.text(claim.asOf.description)],
                    [.text(claim.scope)],
                    [.text(claim.unit)],
                    [.text(claim.wording)],
                    [.text(ReportText.percent(claim.interval))],
                    [.text(claim.speaker ?? "not named")],
                    source(of: claim),
                    [.text(claim.contradicted ? "yes" : "no")],
                ] + (quoted ? [[.text(claim.quote.map { "“\($0)”" } ?? "")]] : [])
            }
        )
        let blocks: [Block] = report.claims.isEmpty ? [.paragraph([.text("No claims yet.")])] : [.table(table)]
        return Section(id: "claims", title: "Claims", blocks: blocks)
    }

    /// One item a source: what it is, where to find it (a URL only when known), the SHA-256 of its
    /// stored text, and what in the report cites it.
    private static func sources(_ report: Report, numbers: [UUID: Int]) -> Section {
        guard !report.sources.isEmpty else {
            return Section(id: "sources", title: "Sources", blocks: [.paragraph([.text("No sources.")])])
        }
        let items = report.sources.map { source -> [Inline] in
            var text = " — \(source.title). Published \(source.publishedOn)"
            if let publisher = source.publisher { text += " by \(publisher)" }
            if let speaker = source.speaker { text += "; speaker: \(speaker)" }
            text += "."
            var item: [Inline] = [.strong(source.id), .text(text)]
            switch (source.url, ReportText.followable(source.url)) {
            case let (_, url?): item += [.text(" URL: "), .link(url, url: url), .text(".")]
            case let (raw?, nil): item.append(.text(" URL: \(raw)."))
            case (nil, nil): break
            }
            if let sha256 = source.sha256 { item.append(.text(" SHA-256 of the stored text: \(sha256).")) }
            let claims = ReportText.inDateOrder(report.claims).filter { $0.source == source.id }.compactMap { numbers[$0.id] }
            if !claims.isEmpty {
                item.append(.text(" Cited for claim\(claims.count == 1 ? "" : "s") \(claims.map(String.init).joined(separator: ", "))."))
            }
            let reached = report.burnUps.flatMap { burnUp in
                burnUp.milestones.filter { $0.reachedSource == source.id }.map { "\(burnUp.programme)/\($0.id)" }
            }
            if !reached.isEmpty {
                item.append(.text(" Cited for milestone\(reached.count == 1 ? "" : "s") \(reached.joined(separator: ", "))."))
            }
            return item
        }
        return Section(id: "sources", title: "Sources", blocks: [.list(items)])
    }

    /// A claim's source: its title, linked when it has a URL a reader may follow.
    private static func source(of claim: ClaimMark) -> [Inline] {
        let title = claim.sourceTitle ?? claim.source
        guard let url = ReportText.followable(claim.sourceURL) else { return [.text(title)] }
        return [.link(title, url: url)]
    }
}

/// Chart names as slugs, numbered when two scopes slug alike so no file overwrites another.
private struct ChartNames {
    private var used: Set<String> = []

    mutating func unique(_ text: String) -> String {
        let base = ReportText.slug(text).isEmpty ? "chart" : ReportText.slug(text)
        var name = base
        var number = 2
        while used.contains(name) {
            name = "\(base)-\(number)"
            number += 1
        }
        used.insert(name)
        return name
    }
}
