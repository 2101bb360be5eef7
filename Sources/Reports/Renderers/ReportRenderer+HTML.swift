import Foundation
import Plot

extension ReportRenderer {
    /// One self-contained HTML page: inline CSS and SVG, no scripts, no external files. A control
    /// character from the data is shown (`VisibleText`): the page's own markup holds none.
    public static func html(_ report: Report, charts: ChartSource = .standard) -> String {
        let document = ReportDocument(report, charts: charts)
        let page = HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .viewport(.accordingToDevice),
                .element(named: "title", nodes: [.literal(document.title)]),
                .style(HTMLStyle.css)
            ),
            .body(
                .header(
                    .h1(.literal(document.title)),
                    .dl(.class("facts"), .forEach(document.facts) { fact in
                        .group(.dt(.literal(fact.label)), .dd(HTMLNodes.inline(fact.value)))
                    })
                ),
                .main(.forEach(document.sections) { section in
                    .section(
                        .id(section.id),
                        .h2(.literal(section.title)),
                        .forEach(section.blocks, HTMLNodes.block)
                    )
                })
            )
        )
        return VisibleText.controls(page.render(indentedBy: .spaces(2))) + "\n"
    }
}

enum HTMLNodes {
    static func block(_ block: ReportDocument.Block) -> Node<HTML.BodyContext> {
        switch block {
        case .paragraph(let inlines): .p(inline(inlines))
        case .subheading(let text): .h3(.literal(text))
        case .list(let items): list(items)
        case .table(let table): self.table(table)
        case .chart(let chart):
            // The SVG comes from SVGChart, which escapes every text it draws: raw is safe here.
            .element(named: "figure", nodes: [
                .class("chart"),
                .raw(chart.svg),
                .element(named: "figcaption", nodes: [
                    Node<HTML.BodyContext>.literal(chart.title),
                    chart.key.isEmpty ? .empty : list(chart.key, class: "key"),
                ]),
            ])
        }
    }

    static func list(_ items: [[ReportDocument.Inline]], class name: String? = nil) -> Node<HTML.BodyContext> {
        .ul(.unwrap(name) { .class($0) }, .forEach(items) { .li(inline($0)) })
    }

    static func inline(_ inlines: [ReportDocument.Inline]) -> Node<HTML.BodyContext> {
        .group(inlines.map { inline in
            switch inline {
            case .text(let text, nil): .literal(text)
            case .text(let text, let language?): .span(.attribute(named: "lang", value: language), .literal(text))
            case .strong(let text): .strong(.literal(text))
            // Plot writes attribute values verbatim, so a URL from the data is escaped here.
            case .link(let text, let url): .a(.href(xmlEscape(url)), .literal(text))
            }
        })
    }

    static func table(_ table: ReportDocument.Table) -> Node<HTML.BodyContext> {
        .table(
            .caption(.literal(table.caption)),
            .thead(.tr(.forEach(table.columns) { .th(.attribute(named: "scope", value: "col"), .literal($0)) })),
            .tbody(.forEach(table.rows) { cells in
                .tr(.forEach(cells.enumerated()) { index, cell in
                    index == 0 ? .th(.attribute(named: "scope", value: "row"), inline(cell)) : .td(inline(cell))
                })
            })
        )
    }
}

extension Node {
    /// Text shown exactly as given. Plot escapes `<` and `>` but passes `&name;` through as an entity,
    /// so "&lt;" in the data would show as "<"; doubling every `&` first makes Plot write `&amp;`.
    static func literal(_ text: String) -> Node {
        .text(text.replacingOccurrences(of: "&", with: "&amp;"))
    }
}
