import Hummingbird
import Logging

/// Who sent a request, as ``AuthenticationMiddleware`` found it.
public enum Caller: Sendable, Equatable {
    /// No token was presented.
    case anonymous
    /// A token was presented that is malformed, unknown, expired or revoked.
    case invalidToken
    /// A valid token of this account.
    case account(Account)
}

/// The request context of every Jembatan service: Hummingbird's core context plus the caller.
public struct JembatanRequestContext: RequestContext {
    /// Hummingbird's storage of the request's core context.
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthenticationMiddleware`` before any route runs.
    public var caller: Caller = .anonymous

    /// A context for a request from `source`.
    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The account a ``RoleGate`` let through (401 when the route has no gate and no caller).
    public var account: Account {
        get throws {
            guard case .account(let account) = caller else {
                throw APIError(
                    .unauthorized, code: "unauthenticated", message: "send 'Authorization: Bearer <token>'",
                    field: "Authorization")
            }
            return account
        }
    }
}

/// Identifies the caller once per request from `Authorization: Bearer <token>` (a machine's API
/// token, or the token the workspace minted for a person's session); stores it in the context. It
/// refuses nothing itself: each handler says who may take its step.
public struct AuthenticationMiddleware: RouterMiddleware {
    /// The request context it works on.
    public typealias Context = JembatanRequestContext
    let accounts: AccountDirectory

    /// Identifies callers against `accounts`.
    public init(accounts: AccountDirectory) {
        self.accounts = accounts
    }

    /// Sets the caller and calls `next`.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        if let text = Self.presentedToken(request) {
            if let token = AccessToken(presented: text), let account = try await accounts.account(for: token) {
                context.caller = .account(account)
                context.logger[metadataKey: "account"] = "\(account.name)"
            } else {
                context.caller = .invalidToken
            }
        }
        return try await next(request, context)
    }

    /// The bearer token presented, if any.
    static func presentedToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        return String(header.dropFirst("Bearer ".count))
    }
}

/// Lets a request through only when its caller holds one of `roles`: 401 `unauthenticated` without
/// a token, 401 `invalid_token` for a bad one, 403 `wrong_role` for another role.
public struct RoleGate: RouterMiddleware {
    /// The request context it works on.
    public typealias Context = JembatanRequestContext
    let roles: Set<Role>

    /// Lets through callers in `roles` only.
    public init(_ roles: Set<Role>) {
        self.roles = roles
    }

    /// Answers 401 without a caller and 403 for a caller of another role.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        _ = try Self.check(context.caller, roles: roles)
        return try await next(request, context)
    }

    /// The caller's account when it may take a step reserved to `roles`.
    public static func check(_ caller: Caller, roles: Set<Role>) throws -> Account {
        switch caller {
        case .anonymous:
            throw APIError(
                .unauthorized, code: "unauthenticated", message: "send 'Authorization: Bearer <token>'",
                field: "Authorization")
        case .invalidToken:
            throw APIError(
                .unauthorized, code: "invalid_token", message: "the token is unknown, expired or revoked",
                field: "Authorization")
        case .account(let account):
            guard roles.contains(account.role) else {
                throw APIError(
                    .forbidden, code: "wrong_role",
                    message: "this step is taken by: \(roles.map(\.rawValue).sorted().joined(separator: ", "))")
            }
            return account
        }
    }
}

extension JembatanRequestContext {
    /// The caller's account when it holds one of `roles` (the same answers as ``RoleGate``).
    public func require(_ roles: Set<Role>) throws -> Account {
        try RoleGate.check(caller, roles: roles)
    }
}
