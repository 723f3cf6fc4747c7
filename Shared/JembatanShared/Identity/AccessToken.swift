import Crypto
import Foundation

/// A bearer token: `jbt_<id>_<secret>`, shown once, stored only as a SHA-256 hash.
///
/// `id` (12 hex characters) finds the account row; the hash of the whole token is compared in
/// constant time, so a guessed id alone is worth nothing.
public struct AccessToken: Sendable, Equatable {
    /// The public lookup part.
    public let id: String
    /// The whole token text, as the user sends it.
    public let text: String

    static let prefix = "jbt_"

    /// Makes a new random token (6 random bytes of id, 32 random bytes of secret).
    public static func generate() -> AccessToken {
        var generator = SystemRandomNumberGenerator()
        let idBytes = (0..<6).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secretBytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let id = idBytes.map { String(format: "%02x", $0) }.joined()
        let secret = Data(secretBytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
        return AccessToken(id: id, text: "\(prefix)\(id)_\(secret)")
    }

    /// The API token of a workspace session, derived from the session cookie's secret with
    /// HMAC-SHA256: the workspace recomputes it on each request and stores only its hash, so the
    /// token exists in clear nowhere but in the memory of the request that uses it.
    public static func derived(fromSessionSecret secret: String) -> AccessToken {
        let key = SymmetricKey(data: Data(secret.utf8))
        let idMAC = Array(HMAC<SHA256>.authenticationCode(for: Data("jembatan-token-id".utf8), using: key))
        let secretMAC = HMAC<SHA256>.authenticationCode(for: Data("jembatan-token-secret".utf8), using: key)
        let id = idMAC.prefix(6).map { String(format: "%02x", $0) }.joined()
        return AccessToken(id: id, text: "\(prefix)\(id)_\(base64URL(Data(secretMAC)))")
    }

    /// Base64url without padding (cookies, tokens).
    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Parses a presented token; nil when it does not have the token's shape.
    public init?(presented text: String) {
        guard text.hasPrefix(Self.prefix), text.count == Self.prefix.count + 12 + 1 + 43 else { return nil }
        let body = text.dropFirst(Self.prefix.count)
        let id = String(body.prefix(12))
        guard id.allSatisfy(\.isHexDigit), body.dropFirst(12).first == "_" else { return nil }
        self.id = id
        self.text = text
    }

    private init(id: String, text: String) {
        self.id = id
        self.text = text
    }

    /// SHA-256 of the token text: what is stored.
    public var hash: [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    /// Compares two hashes without an early exit.
    public static func hashesMatch(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
