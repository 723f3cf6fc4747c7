import Foundation
import JembatanClient
import JembatanShared

/// The workspace's calls on the five services, each with the signed-in person's session token:
/// the services authenticate and authorise it exactly as any other caller's.
struct ServiceCalls: Sendable {
    let client: ServiceClient

    /// The session's token was refused (the session ended meanwhile): sign in again.
    struct SignedOut: Error {}

    /// A service answered with an error the page does not expect.
    struct Failed: Error, CustomStringConvertible {
        let service: ServiceName
        let path: String
        let status: Int
        let body: String
        var description: String { "\(service.rawValue) \(path): HTTP \(status): \(body.prefix(300))" }
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = formatter.date(from: text) { return date }
            formatter.formatOptions = [.withInternetDateTime]
            if let date = formatter.date(from: text) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "date \(text)"))
        }
        return decoder
    }()

    /// GET `path` on `service` as `person`, decoded; 404 and 403 become the workspace's pages.
    func get<T: Decodable>(_ type: T.Type, _ service: ServiceName, _ path: String, as person: SignedIn) async throws
        -> T
    {
        let reply = try await raw("GET", service, path, as: person)
        do { return try Self.decoder.decode(T.self, from: reply.data) } catch {
            throw Failed(service: service, path: path, status: reply.status, body: "undecodable: \(error)")
        }
    }

    /// A call whose answer the page passes on as it is (reports, PDFs); errors as for ``get(_:_:_:as:)``.
    func raw(_ method: String, _ service: ServiceName, _ path: String, as person: SignedIn, json: Any? = nil)
        async throws -> ServiceClient.Reply
    {
        let reply = try await client.call(method, service, path, token: person.token.text, json: json)
        switch reply.status {
        case 200..<300: return reply
        case 401: throw SignedOut()
        case 403: throw PageError.forbidden
        case 404: throw PageError.notFound
        default: throw Failed(service: service, path: path, status: reply.status, body: reply.text)
        }
    }
}

extension ServiceCalls {
    /// A form's call: the service's refusal (4xx but 401) comes back as a reply for the page to
    /// explain beside the field; only a lost session and a 5xx are thrown.
    func submit(_ method: String, _ service: ServiceName, _ path: String, as person: SignedIn, json: Any? = nil)
        async throws -> ServiceClient.Reply
    {
        let reply = try await client.call(method, service, path, token: person.token.text, json: json)
        switch reply.status {
        case 401: throw SignedOut()
        case 200..<500: return reply
        default: throw Failed(service: service, path: path, status: reply.status, body: reply.text)
        }
    }

    /// A form's upload: `data` as the body (a file the service checks itself); errors as for ``submit(_:_:_:as:json:)``.
    func upload(
        _ service: ServiceName, _ path: String, method: String = "POST", as person: SignedIn, data: [UInt8],
        contentType: String
    ) async throws -> ServiceClient.Reply {
        let reply = try await client.call(
            method, service, path, token: person.token.text, body: Data(data), contentType: contentType)
        switch reply.status {
        case 401: throw SignedOut()
        case 200..<500: return reply
        default: throw Failed(service: service, path: path, status: reply.status, body: reply.text)
        }
    }

    /// A form's large upload: the temporary file `file` streamed as the body; errors as for ``submit(_:_:_:as:json:)``.
    func stream(_ service: ServiceName, _ path: String, as person: SignedIn, file: URL, contentType: String)
        async throws -> ServiceClient.Reply
    {
        let reply = try await client.upload(
            service, path, token: person.token.text, file: file, contentType: contentType)
        switch reply.status {
        case 401: throw SignedOut()
        case 200..<500: return reply
        default: throw Failed(service: service, path: path, status: reply.status, body: reply.text)
        }
    }

    /// A public call (no sign-in): the verification of a signed document, the seal keys.
    func anonymous(_ service: ServiceName, _ path: String) async throws -> ServiceClient.Reply {
        try await client.call("GET", service, path)
    }

    /// The machine-readable code of a service's refusal.
    static func errorCode(_ reply: ServiceClient.Reply) -> String {
        refusal(reply)?.code ?? "http_\(reply.status)"
    }

    /// A service's refusal as every service writes it: `{"error": {code, message, field?, violations?}}`.
    struct Refusal: Decodable {
        let code: String
        let message: String
        let field: String?
        let violations: [FieldViolation]?
    }

    /// The refusal in `reply`, when it is one.
    static func refusal(_ reply: ServiceClient.Reply) -> Refusal? {
        struct Body: Decodable { let error: Refusal }
        return try? JSONDecoder().decode(Body.self, from: reply.data).error
    }
}

/// A service's answer as the workspace passes it on.
typealias JembatanClientReply = ServiceClient.Reply
