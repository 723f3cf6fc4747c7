import Foundation
import Hummingbird
import JembatanShared
import NIOCore

/// The workspace's request context: Hummingbird's core context, the caller's address and the
/// signed-in person, as ``SessionMiddleware`` found them.
public struct WorkspaceRequestContext: RequestContext {
    /// Hummingbird's storage of the request's core context.
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address (sign-in back-off per address, the audit trail).
    public let address: String
    /// The person signed in with this request's session cookie, if any.
    public var signedIn: SignedIn?
    /// The posted form, once its CSRF token was checked.
    var form = Form(fields: [:])
    /// The files of a posted `multipart/form-data` form, by field name.
    var files: [String: MultipartForm.File] = [:]

    /// A context for a request from `source`.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        address = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

/// A person with an open session: the account, the details the pages show, and the session's
/// secrets (the service token and the CSRF token are derived from the cookie, never stored).
public struct SignedIn: Sendable {
    /// The account (role, agency).
    public let account: Account
    /// Full name as the pages greet the person.
    public let fullName: String
    /// SHA-256 of the cookie's secret: the session's key.
    public let sessionHash: [UInt8]
    /// The API token of this session (calls to the services).
    public let token: AccessToken
    /// The synchronizer token every form of this session carries.
    public let csrf: String
    /// Unread notifications (the count beside *Pemberitahuan*).
    public var unread = 0
}
