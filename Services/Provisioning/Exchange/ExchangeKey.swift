import Crypto
import Foundation
import JembatanShared

/// An exchange API key: `jbk_<id>_<secret>_<check>`.
///
/// `id` is 12 hex characters (the public credential id, used for lookup), `secret` 32 random
/// bytes in base64url (43 characters), `check` the first 4 bytes of SHA-256 of everything
/// before it in hex, so a mistyped key is refused without touching the database. Only the
/// SHA-256 of the whole key is stored; comparison is constant time.
struct ExchangeKey: Sendable, Equatable {
    let id: String
    let text: String

    static let prefix = "jbk_"
    static let length = prefix.count + 12 + 1 + 43 + 1 + 8

    /// A new key for credential `id`.
    static func generate(id: String) -> ExchangeKey {
        var generator = SystemRandomNumberGenerator()
        let secretBytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = Data(secretBytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
        let body = "\(prefix)\(id)_\(secret)"
        return ExchangeKey(id: id, text: "\(body)_\(checksum(body))")
    }

    /// A new random credential id (6 bytes, hex).
    static func newCredentialID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<6).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// Parses a presented key; nil when its shape or checksum is wrong.
    init?(presented text: String) {
        guard text.utf8.count == Self.length, text.hasPrefix(Self.prefix) else { return nil }
        let body = String(text.dropLast(9))
        let id = String(text.dropFirst(Self.prefix.count).prefix(12))
        guard id.allSatisfy(\.isHexDigit), text.dropLast(8).last == "_", Self.checksum(body) == String(text.suffix(8))
        else { return nil }
        self.id = id
        self.text = text
    }

    private init(id: String, text: String) {
        self.id = id
        self.text = text
    }

    var hash: [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    private static func checksum(_ body: String) -> String {
        SHA256.hash(data: Data(body.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
    }
}
