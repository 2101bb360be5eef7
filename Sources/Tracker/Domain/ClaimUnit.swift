/// What a progress claim counts. Figures in different units are never merged.
public enum ClaimUnit: String, Codable, Hashable, Sendable, CaseIterable {
    /// Share of the planned measures: the default, and what officials most often mean.
    case measures
    /// Share of the programmes fully done; only a portfolio has programmes to count.
    case programmes
    /// Share of the programmes' content.
    case content

    public init(parsing text: String) throws(ValidationError) {
        guard let unit = ClaimUnit(rawValue: text) else {
            let names = ClaimUnit.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("unknown unit \"\(text)\": use one of \(names)")
        }
        self = unit
    }
}
