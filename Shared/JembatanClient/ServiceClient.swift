import Foundation
import JembatanShared

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// JSON over HTTP to the five services, as the operator command (demo, fault workload, benches)
/// and the integration tests call them: the one HTTP client outside the services.
public struct ServiceClient: Sendable {
    /// An answer: status, headers and body (as JSON when it is a JSON object, and as text).
    public struct Reply: Sendable {
        /// HTTP status.
        public let status: Int
        /// The body as received.
        public let data: Data
        /// Response headers.
        public let headers: [String: String]

        /// The body as a JSON object (empty when it is not one).
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:] }
        /// The body as UTF-8 text.
        public var text: String { String(decoding: data, as: UTF8.self) }
        /// 200–299.
        public var succeeded: Bool { (200..<300).contains(status) }
        /// The machine-readable error code of a refusal (`error.code`).
        public var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }

        /// A response header, case-insensitively.
        public func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    /// A non-2xx answer where one was required.
    public struct StatusError: Error, CustomStringConvertible {
        /// HTTP status.
        public let status: Int
        /// The body, as text.
        public let body: String

        /// An answer of `status` with `body`.
        public init(status: Int, body: String) {
            self.status = status
            self.body = body
        }

        /// The status and the body.
        public var description: String { "HTTP \(status): \(body)" }
    }

    /// No acceptable answer within the time allowed.
    public struct TimedOut: Error, CustomStringConvertible {
        /// What was awaited.
        public let what: String
        /// What was awaited, in one sentence.
        public var description: String { "timed out waiting for \(what)" }
    }

    let base: @Sendable (ServiceName) -> String
    /// Seconds a call (and a wait for a state) may take.
    public let timeout: Double

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        return URLSession(configuration: configuration)
    }()

    /// Services at the base URLs `base` gives (`http://host:port`); each call gives up after `timeout` seconds.
    public init(timeout: Double = 60, base: @escaping @Sendable (ServiceName) -> String) {
        self.timeout = timeout
        self.base = base
    }

    /// Services on `host` at their default ports shifted so that intake answers at `intakePort`.
    public init(host: String = "127.0.0.1", intakePort: Int, timeout: Double = 60) {
        self.init(timeout: timeout) { "http://\(host):\(intakePort + $0.defaultPort - ServiceName.intake.defaultPort)" }
    }

    /// The URL of `path` on `service`.
    public func url(_ service: ServiceName, _ path: String) -> URL {
        URL(string: base(service) + path)!
    }

    /// One call. `json` is sent as `application/json`; `body` as `contentType` (default JSON).
    public func call(
        _ method: String, _ service: ServiceName, _ path: String, token: String? = nil, json: Any? = nil,
        body: Data? = nil,
        contentType: String? = nil, headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: url(service, path))
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        } else if let body {
            request.httpBody = body
        }
        if request.httpBody != nil {
            request.setValue(contentType ?? "application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        return Self.reply(data, response)
    }

    /// One call that must succeed: its JSON object, or ``StatusError`` with the answer.
    public func send(
        _ method: String, _ service: ServiceName, _ path: String, token: String, json: Any? = nil, body: Data? = nil,
        contentType: String? = nil
    ) async throws -> [String: Any] {
        let reply = try await call(
            method, service, path, token: token, json: json, body: body, contentType: contentType)
        guard reply.succeeded else { throw StatusError(status: reply.status, body: reply.text) }
        return reply.json
    }

    /// Streams `file` as the body (chunked: the server never sees a length up front).
    public func upload(
        _ service: ServiceName, _ path: String, method: String = "POST", token: String, file: URL, contentType: String,
        timeout: Double = 600
    ) async throws -> Reply {
        var request = URLRequest(url: url(service, path))
        request.httpMethod = method
        request.timeoutInterval = timeout
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        let (data, response) = try await Self.session.upload(for: request, fromFile: file)
        return Self.reply(data, response)
    }

    /// Polls a GET until it answers 2xx and `condition` holds for its JSON, for at most `seconds`.
    public func eventually(
        _ service: ServiceName, _ path: String, token: String, seconds: Double = 60,
        every interval: Duration = .milliseconds(200),
        _ condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let reply = try? await call("GET", service, path, token: token), reply.succeeded, condition(reply.json) {
                return reply.json
            }
            try await Task.sleep(for: interval)
        }
        throw TimedOut(what: "\(service.rawValue) \(path)")
    }

    /// Repeats a call while the system is recovering (transport errors, 5xx, 429, 404 while a read
    /// model catches up, 409 while a state is still moving) until `accept` holds, for at most
    /// `seconds`: a killed service, a paused broker or a restarting database only delay it.
    public func until(
        _ method: String, _ service: ServiceName, _ path: String, token: String, json: Any? = nil,
        headers: [String: String] = [:],
        seconds: Double = 240, accept: (Reply) -> Bool
    ) async throws -> Reply {
        let deadline = Date().addingTimeInterval(seconds)
        var last = "no answer"
        var attempt = 0
        while Date() < deadline {
            attempt += 1
            do {
                let reply = try await call(method, service, path, token: token, json: json, headers: headers)
                if accept(reply) { return reply }
                last = "HTTP \(reply.status) \(reply.text.prefix(300))"
                let moving =
                    reply.status == 409 && ["invalid_state", "not_provisioned"].contains(reply.errorCode ?? "")
                if (400..<500).contains(reply.status) && reply.status != 404 && reply.status != 429 && !moving { break }
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: Backoff.delay(attempt: min(attempt, 5)))
        }
        throw TimedOut(what: "\(method) \(service.rawValue) \(path): \(last.prefix(300))")
    }

    static func reply(_ data: Data, _ response: URLResponse) -> Reply {
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { headers["\(name)"] = "\(value)" }
        return Reply(status: http?.statusCode ?? 0, data: data, headers: headers)
    }
}
