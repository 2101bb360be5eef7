/// What a human-readable report says, decided once; Markdown and HTML differ only in syntax.
struct ReportDocument {
    var title: String
    var facts: [Fact]
    var sections: [Section]

    struct Fact {
        var label: String
        var value: [Inline]
    }

    struct Section {
        /// A fixed anchor, never built from data.
        var id: String
        var title: String
        var blocks: [Block]
    }

    enum Block {
        case paragraph([Inline])
        case subheading(String)
        /// Items without numbering of their own; an item that needs a number (a claim) starts with it.
        case list([[Inline]])
        case table(Table)
        case chart(Chart)
    }

    /// Text from the data; the renderers escape it. A link only ever carries an http(s) URL.
    enum Inline {
        case text(String, language: String? = nil)
        /// A marker a reader looks for: the number of a claim, the id of a source.
        case strong(String)
        case link(String, url: String)
    }

    struct Table {
        /// For HTML's `<caption>`; Markdown leaves it to the heading above the table.
        var caption: String
        var columns: [String]
        /// The first cell of a row names the row (`<th scope="row">` in HTML).
        var rows: [[[Inline]]]
    }

    struct Chart {
        /// A slug, unique within the report: the file name stem in Markdown.
        var name: String
        var title: String
        var svg: String
        /// What the chart's numbered marks are, so nothing on it depends on hovering.
        var key: [[Inline]] = []
    }
}
