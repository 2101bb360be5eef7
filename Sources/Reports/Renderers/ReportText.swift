import Tracker

/// Wordings shared by every format, so Markdown, HTML and CSV say the same thing the same way.
enum ReportText {
    /// `[70, 100]%`: the interval notation of `PercentInterval`, in percent.
    static func percent(_ interval: PercentInterval) -> String {
        "\(interval)%"
    }

    static func estimate(_ interval: PercentInterval, disputed: Bool) -> String {
        disputed ? "\(percent(interval)) disputed" : percent(interval)
    }

    /// What the last claim changed, or that there was nothing before it.
    static func change(from previous: PercentInterval?, to estimate: PercentInterval) -> String {
        guard let previous else { return "first claim" }
        return "\(percent(previous)) → \(percent(estimate))"
    }

    /// Why two claims cannot both be true, as a sentence.
    static func contradiction(kind: String) -> String {
        switch kind {
        case "backwards": "Progress would have gone backwards: the later claim's upper bound is below the earlier claim's lower bound."
        case "same_day": "Two claims for the same date give intervals that do not overlap."
        default: "The claims contradict each other (\(kind))."
        }
    }

    /// A URL a reader may follow: http and https only, so data can never smuggle in `javascript:`.
    static func followable(_ url: String?) -> String? {
        guard let url else { return nil }
        let lowered = url.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else { return nil }
        return url
    }

    /// A file-name-safe name: ASCII letters and digits, runs of anything else as one hyphen.
    static func slug(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug
    }

    /// The estimate of a claim's scope and unit on its as-of date, read off the timeline's steps.
    static func step(at claim: ClaimMark, in timelines: [Timeline]) -> Timeline.Step? {
        timelines
            .first { $0.scope == claim.scope && $0.unit == claim.unit }?
            .steps
            .filter { $0.date <= claim.asOf }
            .max { $0.date < $1.date }
    }

    /// Claims in as-of order; the sort is stable, so claims of one day keep the order they came in.
    static func inDateOrder(_ claims: [ClaimMark]) -> [ClaimMark] {
        claims.enumerated()
            .sorted { ($0.element.asOf, $0.offset) < ($1.element.asOf, $1.offset) }
            .map(\.element)
    }
}
