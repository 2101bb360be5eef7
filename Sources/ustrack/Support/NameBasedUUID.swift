import Crypto
import Foundation

extension UUID {
    /// The same bytes always name the same UUID (SHA-256 based, marked as version 5), so a line
    /// imported twice, or a command's events, get the same ids each time.
    init(naming bytes: Data) {
        var hash = Array(SHA256.hash(data: bytes).prefix(16))
        hash[6] = (hash[6] & 0x0f) | 0x50
        hash[8] = (hash[8] & 0x3f) | 0x80
        self.init(uuid: (hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7],
                         hash[8], hash[9], hash[10], hash[11], hash[12], hash[13], hash[14], hash[15]))
    }

    /// The id of the `index`th event a command records: derived from the command id, so a
    /// retried or re-imported command names its events as the first try did.
    init(event index: Int, ofCommand commandId: UUID) {
        self.init(naming: Data("\(commandId.uuidString.lowercased())/\(index)".utf8))
    }
}
