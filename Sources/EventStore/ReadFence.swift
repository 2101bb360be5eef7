/// How far a reader of the whole log has got: everything at or before this
/// (transaction, position) pair has been read. See DESIGN.md §2 on why not position alone.
public struct ReadFence: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var tx: UInt64
    public var position: Int64

    public init(tx: UInt64, position: Int64) {
        self.tx = tx
        self.position = position
    }

    public static let start = ReadFence(tx: 0, position: 0)

    public static func < (a: ReadFence, b: ReadFence) -> Bool {
        (a.tx, a.position) < (b.tx, b.position)
    }

    public var description: String { "(tx \(tx), position \(position))" }
}
