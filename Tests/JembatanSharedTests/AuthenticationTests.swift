import HTTPTypes
import Hummingbird
import Testing

@testable import JembatanShared

/// Who may take a step, decided once per request (the token lookup itself needs PostgreSQL and is
/// covered by the integration suites' access tests).
@Suite("Authentication")
struct AuthenticationTests {
    static let head = Account(id: "1", name: "kadis", role: .head, agencyCode: nil)

    @Test(
        "a step reserved to roles answers 401 without a token, 401 for a bad one, 403 for another role, and lets its role through"
    )
    func roleGate() throws {
        func code(_ caller: Caller, _ roles: Set<Role>) -> String? {
            do {
                _ = try RoleGate.check(caller, roles: roles)
                return nil
            } catch let error as APIError { return "\(error.status.code) \(error.code)" } catch { return "\(error)" }
        }
        #expect(code(.anonymous, [.head]) == "401 unauthenticated")
        #expect(code(.invalidToken, [.head]) == "401 invalid_token")
        #expect(code(.account(Self.head), [.producer, .technical]) == "403 wrong_role")
        #expect(code(.account(Self.head), [.head, .supervisor]) == nil)
    }

    @Test("the token comes from the bearer header only: a cookie or another scheme is no token")
    func presentedToken() {
        func request(_ fields: HTTPFields) -> Request {
            Request(
                head: HTTPRequest(method: .get, scheme: "http", authority: "x", path: "/", headerFields: fields),
                body: .init(buffer: .init()))
        }
        #expect(AuthenticationMiddleware.presentedToken(request([.authorization: "Bearer abc"])) == "abc")
        #expect(AuthenticationMiddleware.presentedToken(request([.cookie: "a=1; jembatan_session=xyz"])) == nil)
        #expect(AuthenticationMiddleware.presentedToken(request([.authorization: "Basic abc"])) == nil)
        #expect(AuthenticationMiddleware.presentedToken(request([:])) == nil)
    }
}
