import Foundation

/// The test target's fixtures: the five source documents (copies of shared/sources) and the labelled set.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: folder.appending(path: name), encoding: .utf8)
    }

    static let documents = [
        "2012-minsk-joint-collegium.txt", "2022-03-11-kremlin-putin-lukashenko.txt", "2022-06-30-minsk-lavrov.txt",
        "2023-01-19-minsk-lukashenko-lavrov.txt", "2023-05-17-moscow-lavrov-aleinik.txt",
    ]
}
