import PostgresNIO

/// An identifier the code itself generated (a schema, a hub storage table), checked before it is
/// put into SQL text: the only way `unsafeSQL` / `\(unescaped:)` may carry a name. Values always go
/// through bound parameters.
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// `name` or `schema.name`, each part a plain lower-case identifier.
    public let description: String

    /// Nil unless every dot-separated part is 1–63 characters of `a–z`, `0–9`, `_`, starting with a letter or `_`.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy(Self.isPlain) else { return nil }
        description = text
    }

    /// `schema.name`, both checked.
    public init?(schema: String, name: String) {
        self.init("\(schema).\(name)")
    }

    /// For names fixed in the code (a literal schema): stops the process on a programming error.
    public init(trusted text: StaticString) {
        guard let identifier = SQLIdentifier("\(text)") else {
            preconditionFailure("not a plain SQL identifier: \(text)")
        }
        self = identifier
    }

    private static func isPlain(_ part: Substring) -> Bool {
        guard let first = part.first, part.count <= 63, first == "_" || (first.isASCII && first.isLowercase) else {
            return false
        }
        return part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }
}

/// A name that was to go into SQL text but is not a plain identifier (never from a user: a bug or tampered data).
public struct UnsafeIdentifier: Error, CustomStringConvertible {
    /// The text that was refused.
    public let text: String
    /// A refusal of `text`.
    public init(text: String) { self.text = text }
    /// The text, in one sentence.
    public var description: String { "not a plain SQL identifier: \(text.prefix(80))" }
}

extension PostgresQuery.StringInterpolation {
    /// Puts a checked identifier into the SQL text.
    public mutating func appendInterpolation(identifier: SQLIdentifier) {
        appendInterpolation(unescaped: identifier.description)
    }
}
