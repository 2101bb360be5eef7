/// The file formats `ustrack report` writes.
public enum ReportFormat: String, CaseIterable, Sendable {
    case markdown = "md", html, json, csv
}
