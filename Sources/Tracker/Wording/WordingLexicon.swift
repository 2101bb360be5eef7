/// A qualifier before a figure; each names the band it applies.
enum Qualifier: Sendable, Equatable {
    case about, almost, moreThan, atLeast, lessThan, atMost

    enum Direction { case above, below, around }

    /// Which side of the figure the qualifier points to; opposite sides contradict each other.
    var direction: Direction {
        switch self {
        case .about: .around
        case .moreThan, .atLeast: .above
        case .almost, .lessThan, .atMost: .below
        }
    }

    var rule: WordingRule {
        switch self {
        case .about: .about
        case .almost: .almost
        case .moreThan: .moreThan
        case .atLeast: .atLeast
        case .lessThan: .lessThan
        case .atMost: .atMost
        }
    }
}

/// A fraction said in words.
struct NamedFraction: Sendable, Equatable {
    var name: String
    var percent: Double

    static let half = NamedFraction(name: "half", percent: 50)
    static let third = NamedFraction(name: "a third", percent: 100.0 / 3)
    static let twoThirds = NamedFraction(name: "two thirds", percent: 200.0 / 3)
    static let quarter = NamedFraction(name: "a quarter", percent: 25)
    static let threeQuarters = NamedFraction(name: "three quarters", percent: 75)
}

enum Meaning: Sendable, Equatable {
    case qualifier(Qualifier)
    case fraction(NamedFraction)
    case fully
    case most
    case percentUnit
    /// "by", "на" before a figure: "implemented by 70 percent".
    case preposition
    /// Words that carry no figure. `noun` ones name what is counted, so after a bare number they
    /// would turn it into a count without a total ("40 measures").
    case filler(noun: Bool)
    /// A number written in words: not read, but named as such in the error.
    case numberWord
}

/// Every word and phrase the parser knows, in one place. Phrases are written as tokens separated by
/// spaces, lower case, "е" for "ё"; the longest phrase that matches wins.
enum WordingLexicon {
    static let entries: [(phrase: String, meaning: Meaning)] = [
        (["about", "approximately", "around", "some", "roughly", "около", "примерно", "порядка", "приблизительно"], .qualifier(.about)),
        (["almost", "nearly", "почти"], .qualifier(.almost)),
        (["more than", "over", "above", "exceeding", "более", "более чем", "свыше", "больше", "больше чем"], .qualifier(.moreThan)),
        (["at least", "no less than", "not less than", "не менее", "не менее чем", "не меньше", "не меньше чем"], .qualifier(.atLeast)),
        (["less than", "fewer than", "under", "below", "менее", "менее чем", "меньше", "меньше чем"], .qualifier(.lessThan)),
        (["at most", "no more than", "not more than", "up to", "не более", "не более чем", "не больше", "не больше чем"], .qualifier(.atMost)),
        (["half", "a half", "one half", "половина", "половины", "половину", "наполовину"], .fraction(.half)),
        (["a third", "one third", "треть", "одна треть", "трети", "одной трети"], .fraction(.third)),
        (["two thirds", "две трети", "двух третей"], .fraction(.twoThirds)),
        (["a quarter", "one quarter", "четверть", "одна четверть", "четверти", "одной четверти"], .fraction(.quarter)),
        (["three quarters", "три четверти", "трех четвертей"], .fraction(.threeQuarters)),
        (["most", "majority", "the majority", "a majority", "большинство", "большая часть", "большую часть"], .most),
        (["fully", "completely", "in full", "all", "полностью", "все", "в полном объеме"], .fully),
        (["%", "percent", "per cent", "проц", "проц .", "процент", "процента", "процентов"], .percentUnit),
        (["by", "на"], .preposition),
        (["measures", "the measures", "of the measures", "of measures", "programmes", "the programmes",
          "of the programmes", "of programmes", "programs", "of the programs", "of programs", "of them",
          "мероприятий", "мероприятия", "программ", "программы", "программа", "из них"], .filler(noun: true)),
        (["implemented", "realised", "realized", "completed", "done", "have been", "has been", "were", "was",
          "выполнены", "выполнена", "выполнено", "реализованы", "реализована", "реализовано"], .filler(noun: false)),
        (["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty",
          "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
          "ноль", "один", "одна", "два", "две", "три", "четыре", "пять", "десять", "двадцать", "тридцать",
          "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто", "сто"], .numberWord),
    ].flatMap { phrases, meaning in phrases.map { (phrase: $0, meaning: meaning) } }

    /// What joins a count to its total: "7 of 28", "10 out of the 28", "125 из 310".
    static let countLinks = ["of", "of the", "out of", "out of the", "из"]

    private static let byLength: [(words: [String], meaning: Meaning)] = entries
        .map { (words: $0.phrase.split(separator: " ").map(String.init), meaning: $0.meaning) }
        .sorted { $0.words.count > $1.words.count }

    private static let countLinkWords = countLinks
        .map { $0.split(separator: " ").map(String.init) }
        .sorted { $0.count > $1.count }

    /// The longest known phrase starting at `index`, and the index just past it.
    static func match(_ tokens: [WordingToken], at index: Int) -> (meaning: Meaning, end: Int)? {
        for entry in byLength where matches(entry.words, tokens, at: index) {
            return (entry.meaning, index + entry.words.count)
        }
        return nil
    }

    /// The end of a count link starting at `index`, if one does.
    static func matchCountLink(_ tokens: [WordingToken], at index: Int) -> Int? {
        countLinkWords.first { matches($0, tokens, at: index) }.map { index + $0.count }
    }

    private static func matches(_ words: [String], _ tokens: [WordingToken], at index: Int) -> Bool {
        guard index + words.count <= tokens.count else { return false }
        return words.indices.allSatisfy { tokens[index + $0].kind != .number && tokens[index + $0].text == words[$0] }
    }
}
