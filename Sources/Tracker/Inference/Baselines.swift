/// Plan revisions split a scope's history into baselines: a revision dated R starts a new one,
/// so claims before R no longer bound claims on or after R (the plan they measured changed).
struct Baselines {
    private let starts: [CalendarDate]

    init(_ revisions: [CalendarDate]) {
        starts = Array(Set(revisions)).sorted()
    }

    /// Which baseline a date falls in: the number of revisions dated on or before it.
    /// A claim dated on the revision day already measures the revised plan.
    func index(of date: CalendarDate) -> Int {
        var low = 0, high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] <= date { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func same(_ a: CalendarDate, _ b: CalendarDate) -> Bool {
        index(of: a) == index(of: b)
    }
}
