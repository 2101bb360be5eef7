extension ReportDocument {
    init(_ report: Report, charts: ChartSource) {
        self.init(
            title: report.title,
            facts: Self.facts(report),
            sections: [
                Self.summary(report),
                Self.charts(report, charts),
                Self.programmes(report),
                Self.contradictions(report),
                Self.claims(report),
                Self.sources(report),
            ]
        )
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
        let contradictions = count == 1 ? "1 contradiction between claims." : "\(count) contradictions between claims."
        let blocks: [Block] = report.summary.isEmpty
            ? [.paragraph([.text("No claims yet.")])]
            : [.table(table), .paragraph([.text(contradictions)])]
        return Section(id: "summary", title: "Summary", blocks: blocks)
    }

    private static func charts(_ report: Report, _ source: ChartSource) -> Section {
        var charts = ChartNames()
        var blocks: [Block] = []
        for timeline in report.timelines {
            let title = "Progress: \(timeline.scope) (\(timeline.unit))"
            let name = charts.unique("timeline-\(timeline.scope)-\(timeline.unit)")
            blocks.append(.chart(Chart(name: name, title: title, svg: source.timeline(timeline, title))))
        }
        if !report.programmes.isEmpty {
            let title = report.portfolio.map { "Programmes: \($0.id)" } ?? "Programmes"
            blocks.append(.chart(Chart(name: charts.unique("programmes"), title: title,
                                       svg: source.programmeBars(report.programmes, title))))
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
        let table = Table(
            caption: "Programmes",
            columns: ["Programme", "Title", "Status", "Estimate", "Last claim", "Milestones reached"],
            rows: report.programmes.map { row in
                let estimate = row.estimate.map { interval in
                    [ReportText.percent(interval), row.estimateUnit].compactMap { $0 }.joined(separator: " ")
                }
                let milestones = row.milestonesPlanned == 0
                    ? "none tracked" : "\(row.milestonesReached) of \(row.milestonesPlanned)"
                return [
                    [.text(row.id)],
                    [.text(row.title)],
                    [.text(row.status)],
                    [.text(estimate ?? "no claim yet")],
                    [.text(row.lastClaim ?? "—")],
                    [.text(milestones)],
                ]
            }
        )
        let blocks: [Block] = report.programmes.isEmpty ? [.paragraph([.text("No programmes.")])] : [.table(table)]
        return Section(id: "programmes", title: "Programmes", blocks: blocks)
    }

    private static func contradictions(_ report: Report) -> Section {
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
                            [.text(role)],
                            [.text(claim.asOf.description)],
                            [.text(claim.wording)],
                            [.text(ReportText.percent(claim.interval))],
                            [.text(claim.speaker ?? "—")],
                            source(of: claim),
                        ]
                    }
                )),
            ]
        }
        return Section(id: "contradictions", title: "Contradictions", blocks: blocks)
    }

    private static func claims(_ report: Report) -> Section {
        let table = Table(
            caption: "Claims in date order",
            columns: ["As of", "Scope", "Unit", "Wording", "Interval", "Speaker", "Source", "Contradicted"],
            rows: ReportText.inDateOrder(report.claims).map { claim in
                [
                    [.text(claim.asOf.description)],
                    [.text(claim.scope)],
                    [.text(claim.unit)],
                    [.text(claim.wording)],
                    [.text(ReportText.percent(claim.interval))],
                    [.text(claim.speaker ?? "—")],
                    source(of: claim),
                    [.text(claim.contradicted ? "yes" : "no")],
                ]
            }
        )
        let blocks: [Block] = report.claims.isEmpty ? [.paragraph([.text("No claims yet.")])] : [.table(table)]
        return Section(id: "claims", title: "Claims", blocks: blocks)
    }

    private static func sources(_ report: Report) -> Section {
        let table = Table(
            caption: "Sources",
            columns: ["Source", "Title", "Published", "Publisher", "Speaker", "URL"],
            rows: report.sources.map { source in
                let url: [Inline] = switch (source.url, ReportText.followable(source.url)) {
                case let (_, followable?): [.link(followable, url: followable)]
                case let (raw?, nil): [.text(raw)]
                case (nil, nil): [.text("—")]
                }
                return [
                    [.text(source.id)],
                    [.text(source.title)],
                    [.text(source.publishedOn.description)],
                    [.text(source.publisher ?? "—")],
                    [.text(source.speaker ?? "—")],
                    url,
                ]
            }
        )
        let blocks: [Block] = report.sources.isEmpty ? [.paragraph([.text("No sources.")])] : [.table(table)]
        return Section(id: "sources", title: "Sources", blocks: blocks)
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
