/// The words extraction reads, English and Russian, in one place: lower case, "е" for "ё".
/// A stem (`…*` in the comments) matches every word that starts with it.
enum Lexicon {
    /// Numbers said in words, up to twenty: "eight of the 28", "восемь из 28".
    static let numberWords: [String: Int] = {
        var table: [String: Int] = [:]
        let english = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                       "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                       "nineteen", "twenty"]
        for (value, word) in english.enumerated() { table[word] = value }
        let russian: [[String]] = [
            ["ноль", "ноля", "нуля"], ["один", "одна", "одно", "одного", "одной", "одну"], ["два", "две", "двух"],
            ["три", "трех"], ["четыре", "четырех"], ["пять", "пяти"], ["шесть", "шести"], ["семь", "семи"],
            ["восемь", "восьми"], ["девять", "девяти"], ["десять", "десяти"], ["одиннадцать", "одиннадцати"],
            ["двенадцать", "двенадцати"], ["тринадцать", "тринадцати"], ["четырнадцать", "четырнадцати"],
            ["пятнадцать", "пятнадцати"], ["шестнадцать", "шестнадцати"], ["семнадцать", "семнадцати"],
            ["восемнадцать", "восемнадцати"], ["девятнадцать", "девятнадцати"], ["двадцать", "двадцати"],
        ]
        for (value, forms) in russian.enumerated() { for form in forms { table[form] = value } }
        return table
    }()

    /// What joins a count to its total.
    static let countLinks: [[String]] = [["out", "of", "the"], ["out", "of"], ["of", "the"], ["of"], ["из"]]

    static func isPercentUnit(_ word: String) -> Bool {
        word == "%" || word == "percent" || word == "проц" || word.hasPrefix("процент")
    }

    /// Qualifiers and "by"/"на", as the wording parser reads them before a figure.
    static let qualifiers: [[String]] = [
        "about", "approximately", "around", "some", "roughly", "около", "примерно", "порядка", "приблизительно",
        "almost", "nearly", "почти",
        "more than", "over", "above", "exceeding", "более", "более чем", "свыше", "больше", "больше чем",
        "at least", "no less than", "not less than", "не менее", "не менее чем", "не меньше", "не меньше чем",
        "less than", "fewer than", "under", "below", "менее", "менее чем", "меньше", "меньше чем",
        "at most", "no more than", "not more than", "up to", "не более", "не более чем", "не больше", "не больше чем",
    ].map { $0.split(separator: " ").map(String.init) }.sorted { $0.count > $1.count }
    static let prepositions: Set<String> = ["by", "на"]

    /// What may follow a figure and name what it counts; the parser reads these too.
    static let countedNouns: [[String]] = [
        "of the measures", "of measures", "the measures", "measures", "of the programmes", "of programmes",
        "the programmes", "programmes", "of the programs", "of programs", "programs", "of them",
        "мероприятий", "мероприятия", "программ", "программы", "программа", "из них",
    ].map { $0.split(separator: " ").map(String.init) }.sorted { $0.count > $1.count }

    /// Fractions said in words; the phrase, as the parser reads it.
    static let fractions: [[String]] = [
        "one half", "a half", "half", "половина", "половины", "половину", "наполовину",
        "a third", "one third", "треть", "одна треть", "трети", "одной трети",
        "two thirds", "две трети", "двух третей",
        "a quarter", "one quarter", "четверть", "одна четверть", "четверти", "одной четверти",
        "three quarters", "три четверти", "трех четвертей",
        "the majority", "a majority", "majority", "большинство", "большая часть", "большую часть",
    ].map { $0.split(separator: " ").map(String.init) }.sorted { $0.count > $1.count }

    /// Before a fraction, an ordinal makes it a part of the year: "the first half", "во втором полугодии".
    static let ordinals: Set<String> = [
        "first", "second", "third", "fourth", "last", "latter", "former",
        "первая", "первой", "первую", "вторая", "второй", "вторую", "третья", "третьей", "третью",
        "четвертая", "четвертой", "четвертую", "последняя", "последней", "последнюю",
    ]

    /// Words of implementing something: implemented*, realised*, выполн*, реализ*, …
    static let implementing = ["implement", "realis", "realiz", "fulfil", "complet", "accomplish", "executed", "execution",
                               "done", "carried", "выполн", "реализ", "исполн", "осуществл", "заверш", "претвор"]

    /// Before an implementing word, these say it is not done (yet), or only planned: "nearly done",
    /// "will be carried out", "близки к завершению", "будут выполнены".
    static let hedges: Set<String> = ["nearly", "almost", "close", "not", "yet", "near", "will", "would", "should", "shall",
                                      "to", "почти", "близки", "близка", "близко", "близок", "не", "еще", "будут", "будет",
                                      "должны", "должна", "должно", "планируется", "предстоит"]

    /// What is implemented: programmes, their measures or plans.
    static let subjects = ["programme", "program", "measure", "roadmap", "программ", "мероприят", "дорожн", "задач"]
    static let subjectWords: Set<String> = ["plan", "plans", "map", "maps", "them", "they", "план", "плана", "планы",
                                            "планов", "мера", "меры", "мер", "мерам", "мерами", "мерах"]

    /// Figures about other things: trade, settlements, prices, elections, growth, money, anniversaries.
    static let distractors = [
        "trade", "turnover", "export", "import", "settlement", "rouble", "ruble", "dollar", "price", "inflation",
        "tariff", "election", "vote", "voter", "ballot", "turnout", "referend", "grew", "grow", "soar", "rose",
        "rise", "risen", "increas", "decreas", "declin", "fell", "fall", "drop", "gdp", "output", "anniversar",
        "invest", "wage", "salar", "budget", "unemploy", "population", "poll", "billion", "million", "trillion",
        "товарооборот", "торгов", "экспорт", "импорт", "расчет", "рубл", "доллар", "инфляц", "тариф", "выбор",
        "голос", "явк", "референдум", "рост", "вырос", "вырас", "увелич", "сниж", "сниз", "упал", "ввп",
        "производств", "годовщин", "юбиле", "инвестиц", "зарплат", "заработн", "бюджет", "безработ", "опрос",
        "избират", "млрд", "млн", "трлн", "миллиард", "миллион",
    ]
    static let distractorWords: Set<String> = ["$", "€", "цена", "цены", "цен", "ценам", "ценами", "ценах", "цену", "рос"]

    /// "In terms of content", "по содержанию": a share of the programmes' content.
    static let content = ["content", "содержани"]

    static let months: [String: Int] = {
        var table: [String: Int] = [:]
        let english = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                       "october", "november", "december"]
        let russian = ["январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"]
        for (i, word) in english.enumerated() { table[word] = i + 1 }
        for (i, stem) in russian.enumerated() {
            for ending in ["ь", "я", "е", "й", "а", ""] { table[stem + ending] = i + 1 }
        }
        table["ма"] = nil
        table["мая"] = 5
        table["мае"] = 5
        table["май"] = 5
        return table
    }()

    /// Verbs that name who spoke: "Vladimir Putin said", "заявил Алексей Оверчук".
    static let speechVerbs = ["said", "says", "stated", "noted", "stressed", "told", "added", "emphasised", "emphasized",
                              "announced", "reported", "сказал", "заявил", "отметил", "подчеркнул", "сообщил",
                              "добавил", "доложил", "пояснил", "констатировал"]

    static func matches(_ word: String, stems: [String]) -> Bool {
        stems.contains { word.hasPrefix($0) }
    }
}
