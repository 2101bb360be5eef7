import Foundation

/// What to run, from the command line.
struct Options {
    enum Stage: String, CaseIterable {
        case single, writers, notify, batch, bulk, read, projections, search, imports
    }

    var seconds = 5.0
    var bulkEvents = 1_000_000
    var writers = 8
    var readBatch = 5000
    var rounds = 3
    var projectionEvents = 1_000_000
    var searchSources = 10_000
    var stages = Set(Stage.allCases)
    var output = "bench-results/latest.txt"
    var showHelp = false
    /// Smaller runs: the import's memory is compared at 10k and 100k lines instead of 100k and 1M.
    var quick = false
    /// Print input for a single-user server instead of measuring: what and how many times.
    var singleUserInput: (form: SingleUserInput.Form, count: Int)?
    /// Measure against a peer event store instead: the Python with it installed (Peers.swift).
    var peersPython: String?

    static let usage = """
        usage: ustrack-bench [--quick] [--seconds S] [--rounds N] [--bulk-events N] [--writers N]
                             [--read-batch N] [--only STAGE,…] [--output FILE]
               ustrack-bench --peers PYTHON [--quick] [--seconds S] [--rounds N] [--bulk-events N] [--writers N]
               ustrack-bench --single-user-input FORM N

        Measures ustrack's event store against raw SQL on the same table, each measurement in a
        database of its own on the server libpq's PG* variables point at (it creates and drops
        databases: use scripts/bench, which starts a throwaway server).

          --quick           one round of 2 s measurements, a 100,000-event bulk load and
                            1,000 sources to search
          --seconds S       how long each timed measurement runs (default 5)
          --rounds N        repeat each comparison, alternating which side goes first, and
                            report medians (default 3); the bulk load runs once
          --bulk-events N   events in the bulk load, also read back by 'read' (default 1,000,000)
          --writers N       threads of the concurrent measurements (default 8)
          --read-batch N    events per batch read (default 5000, as the rebuild reads)
          --projection-events N  synthetic events the projections are rebuilt from (default 1,000,000)
          --search-sources N  synthetic sources of 5,000 words that search runs over (default 10,000)
          --only STAGES     some of: \(Stage.allCases.map(\.rawValue).joined(separator: ", "))
          --output FILE     where the table goes as well (default bench-results/latest.txt)
          --peers PYTHON    measure only ustrack against the Python eventsourcing library's
                            PostgreSQL recorder, run by PYTHON (which must have it installed;
                            scripts/bench --peers makes one and passes it); --bulk-events sets
                            the log read; the table goes to bench-results/peers.txt
          --single-user-input FORM N  measure nothing: print input for postgres --single that
                            runs N times the statement FORM sends (\(SingleUserInput.Form.allCases.map(\.rawValue).joined(separator: " or ")));
                            scripts/bench-instructions counts its instructions
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        // --quick only changes defaults, so explicit flags win wherever they stand.
        if arguments.contains("--quick") {
            options.seconds = 2
            options.bulkEvents = 100_000
            options.rounds = 1
            options.projectionEvents = 100_000
            options.searchSources = 1_000
            options.quick = true
        }
        var rest = arguments[...]
        var outputGiven = false
        func value(of flag: String) throws -> String {
            guard let value = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            return value
        }
        func number<N: LosslessStringConvertible & Comparable & ExpressibleByIntegerLiteral>(
            of flag: String, as _: N.Type
        ) throws -> N {
            let text = try value(of: flag).replacingOccurrences(of: "_", with: "")
            guard let number = N(text), number > 0 else { throw UsageError("\(flag) needs a positive number") }
            return number
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--quick": break
            case "--seconds": options.seconds = try number(of: argument, as: Double.self)
            case "--bulk-events": options.bulkEvents = try number(of: argument, as: Int.self)
            case "--writers": options.writers = try number(of: argument, as: Int.self)
            case "--read-batch": options.readBatch = try number(of: argument, as: Int.self)
            case "--rounds": options.rounds = try number(of: argument, as: Int.self)
            case "--projection-events": options.projectionEvents = try number(of: argument, as: Int.self)
            case "--search-sources": options.searchSources = try number(of: argument, as: Int.self)
            case "--output": options.output = try value(of: argument); outputGiven = true
            case "--peers": options.peersPython = try value(of: argument)
            case "--only":
                let names = try value(of: argument).split(separator: ",")
                options.stages = Set(try names.map { name in
                    guard let stage = Stage(rawValue: String(name)) else {
                        throw UsageError("unknown stage \(name); the stages are \(Stage.allCases.map(\.rawValue))")
                    }
                    return stage
                })
            case "--single-user-input":
                let name = try value(of: argument)
                guard let form = SingleUserInput.Form(rawValue: name) else {
                    throw UsageError("unknown form \(name); the forms are \(SingleUserInput.Form.allCases.map(\.rawValue))")
                }
                options.singleUserInput = (form, try number(of: argument, as: Int.self))
            case "-h", "--help": options.showHelp = true
            default: throw UsageError("unknown argument \(argument)\n\n\(usage)")
            }
        }
        if options.peersPython != nil && !outputGiven { options.output = "bench-results/peers.txt" }
        return options
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
