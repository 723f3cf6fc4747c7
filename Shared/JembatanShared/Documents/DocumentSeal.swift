import Crypto
import Foundation

/// The service's seal on a signed document: Ed25519 over the document's identity, number, the
/// SHA-256 of its file, the signer and the moment. Anyone holding the file checks it against the
/// public key served at `/.well-known/jembatan-keys.json`; the key id is printed on the document.
///
/// This is the service's attestation of what happened in Jembatan, not a certificate-based
/// electronic signature (BSrE): see the README for how one would plug in.
public struct DocumentSeal: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// The public key's id: the first 8 bytes of its SHA-256, in hex.
    public var keyId: String { Self.keyId(of: key.publicKey.rawRepresentation) }

    /// The public key, base64.
    public var publicKey: String { key.publicKey.rawRepresentation.base64EncodedString() }

    /// A seal with `key`.
    public init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// The seal whose 32-byte private key is in `file` (raw, or base64 text).
    public init(file: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let raw = data.count == 32 ? data : (Data(base64Encoded: text) ?? Data())
        guard raw.count == 32 else { throw SealError.unreadableKey(file) }
        key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }

    /// A new random key, base64 (what `jembatan keys create` writes to the secret file).
    public static func newKeyText() -> String {
        Curve25519.Signing.PrivateKey().rawRepresentation.base64EncodedString()
    }

    /// The id of a raw public key.
    public static func keyId(of publicKey: Data) -> String {
        SHA256.hash(data: publicKey).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// What the seal covers, as one canonical text.
    public static func message(
        documentId: String, number: String, sha256: String, signer: String, signedAt: Date
    ) -> Data {
        let millis = Int64((signedAt.timeIntervalSince1970 * 1000).rounded())
        return Data("jembatan-naskah-v1\n\(documentId)\n\(number)\n\(sha256)\n\(signer)\n\(millis)".utf8)
    }

    /// The seal (base64) over a document.
    public func seal(documentId: String, number: String, sha256: String, signer: String, signedAt: Date) throws
        -> String
    {
        try key.signature(
            for: Self.message(
                documentId: documentId, number: number, sha256: sha256, signer: signer, signedAt: signedAt)
        ).base64EncodedString()
    }

    /// Whether `seal` is the seal of `publicKey` (base64) over the document.
    public static func verify(
        seal: String, publicKey: String, documentId: String, number: String, sha256: String, signer: String,
        signedAt: Date
    ) -> Bool {
        guard let signature = Data(base64Encoded: seal), let raw = Data(base64Encoded: publicKey),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { return false }
        return key.isValidSignature(
            signature,
            for: message(documentId: documentId, number: number, sha256: sha256, signer: signer, signedAt: signedAt))
    }

    /// The SHA-256 of a file, in hex.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Why a seal cannot be made.
    public enum SealError: Error, CustomStringConvertible {
        case unreadableKey(String)

        /// In one sentence.
        public var description: String {
            switch self {
            case .unreadableKey(let file):
                "\(file) holds no Ed25519 private key (32 bytes, raw or base64; make one with jembatan keys create)"
            }
        }
    }
}
