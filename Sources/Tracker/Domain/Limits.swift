/// The bounds on what a command may carry, written once so the CLI, the domain and the tests agree.
public enum Limits {
    /// Ids are slugs: lowercase letters, digits and hyphens, so they are safe in stream names and URLs.
    public static let idLength = 64
    public static let titleLength = 500
    /// Speakers, publishers, lead bodies, approving bodies.
    public static let nameLength = 500
    public static let wordingLength = 500
    /// Notes on claims and reasons for retractions.
    public static let noteLength = 2000
    public static let quoteLength = 2000
    public static let urlLength = 2000
    /// A source's full text, in UTF-8 bytes.
    public static let sourceTextBytes = 10 * 1024 * 1024
    /// Planned totals and claim counts; far above any real programme, low enough to catch a slip of the keyboard.
    public static let count = 1_000_000
    /// Nothing in the Union State era predates this; an earlier date is almost always a typo in the year.
    public static let earliestDate = CalendarDate(year: 1990, month: 1, day: 1)!
}
