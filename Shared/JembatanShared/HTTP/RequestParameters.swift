import Hummingbird

extension Request {
    /// The `{id}` path parameter, checked to look like a request id (UUID).
    public func requestIDParameter(_ context: some RequestContext) throws -> String {
        guard let id = context.parameters.get("id"), id.count == 36, UUIDText.isValid(id) else {
            throw APIError(.notFound, code: "not_found", message: "request not found")
        }
        return id.lowercased()
    }
}

/// UUID text checks without Foundation's parser quirks.
public enum UUIDText {
    /// True for the canonical 8-4-4-4-12 hex form.
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
