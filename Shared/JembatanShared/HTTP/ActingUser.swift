import HTTPTypes
import Hummingbird

/// Who is calling, from the `X-Jembatan-Actor` and `X-Jembatan-Role` headers.
///
/// Interim identification until bearer-token accounts exist (the accounts issue): it attributes
/// every step but does not authenticate the caller.
public enum ActingUser {
    /// Header carrying the actor id.
    public static let actorHeader = HTTPField.Name("X-Jembatan-Actor")!
    /// Header carrying the role the actor acts in.
    public static let roleHeader = HTTPField.Name("X-Jembatan-Role")!

    /// The caller; 401 when missing, 403 when the role is not one of `allowed`.
    public static func require(_ request: Request, roles allowed: Set<Role>) throws -> ActorReference {
        guard let id = request.headers[actorHeader], !id.isEmpty, id.count <= 128 else {
            throw APIError(.unauthorized, code: "missing_actor", message: "X-Jembatan-Actor header is required", field: "X-Jembatan-Actor")
        }
        guard let roleText = request.headers[roleHeader], let role = Role(rawValue: roleText), role != .system else {
            throw APIError(.unauthorized, code: "missing_role", message: "X-Jembatan-Role header must be one of producer, head, supervisor, technical, consumer, admin", field: "X-Jembatan-Role")
        }
        guard allowed.contains(role) else {
            throw APIError(.forbidden, code: "wrong_role", message: "this step is taken by: \(allowed.map(\.rawValue).sorted().joined(separator: ", "))", field: "X-Jembatan-Role")
        }
        return ActorReference(id: id, role: role)
    }
}

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
