/// Names close to a mistyped one, for an error that says what would be right.
enum NearestNames {
    /// Up to `limit` of `names`, nearest first by edit distance; a name that contains the typed
    /// one (a part of a long id) counts as near as one edit.
    static func nearest(to typed: String, among names: [String], limit: Int = 3) -> [String] {
        let word = Array(typed.lowercased())
        func distance(_ name: String) -> Int {
            let other = Array(name.lowercased())
            if other.count > word.count && name.lowercased().contains(typed.lowercased()) { return 1 }
            var previous = Array(0...other.count)
            for (i, a) in word.enumerated() {
                var current = [i + 1] + Array(repeating: 0, count: other.count)
                for (j, b) in other.enumerated() {
                    current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (a == b ? 0 : 1))
                }
                previous = current
            }
            return previous[other.count]
        }
        // Only names within half the typed name's length in edits: beyond that they are not near.
        let ranked = names.map { ($0, distance($0)) }.filter { $0.1 <= Swift.max(2, word.count / 2) }
        return ranked.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }
}
