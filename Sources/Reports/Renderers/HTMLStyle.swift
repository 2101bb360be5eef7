/// The page's only stylesheet, inline so the report is one file that works offline and in print.
enum HTMLStyle {
    /// Starts and ends with a line break so the `<style>` element reads well in the page source.
    static let css = """

        :root { color-scheme: light; }
        body {
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
          line-height: 1.45;
          color: #1b1f24;
          background: #fff;
          max-width: 72rem;
          margin: 0 auto;
          padding: 1.5rem;
        }
        h1 { font-size: 1.7rem; margin: 0 0 0.75rem; }
        h2 { font-size: 1.3rem; margin: 2rem 0 0.75rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.25rem; }
        h3 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
        .facts dt { font-weight: 600; }
        .facts dd { margin: 0; }
        table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.92rem; }
        caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
        th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
        thead th { background: #f3f5f7; }
        tbody th { font-weight: 500; }
        figure.chart { margin: 1rem 0; }
        figure.chart svg { max-width: 100%; height: auto; }
        figcaption { font-size: 0.9rem; color: #57606a; }
        figcaption ul.key { color: #1b1f24; margin: 0.3rem 0 0; padding-left: 1.2rem; }
        #summary ul { padding-left: 1.2rem; }
        #summary li, #sources li { margin: 0.35rem 0; }
        td { overflow-wrap: break-word; }
        li { overflow-wrap: anywhere; }
        a { color: #0b5cad; overflow-wrap: anywhere; }
        @media print {
          @page { margin: 14mm 12mm; }
          body { max-width: none; padding: 0; font-size: 9.5pt; }
          h2, h3 { break-after: avoid; page-break-after: avoid; }
          figure.chart { break-inside: avoid; page-break-inside: avoid; }
          figure.chart svg { width: 100%; }
          thead { display: table-header-group; }
          tr, li { break-inside: avoid; page-break-inside: avoid; }
          table { font-size: 8.5pt; }
          a { color: inherit; text-decoration: none; }
        }

        """
}
