import Foundation
import JembatanShared

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A person's browser on the test stack's workspace: keeps its cookies, does not follow
/// redirects (the tests read each 303), and reads the CSRF token off the page it was given.
final class WorkspaceBrowser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    static var base: String { "http://127.0.0.1:\(LocalStack.portBase)" }

    struct Page {
        let status: Int
        let text: String
        let location: String?

        /// The value of the first `_csrf` hidden field.
        var csrf: String? {
            text.firstMatch(of: /name="_csrf" value="([^"]*)"/).map { String($0.1) }
        }
    }

    private var cookies: [String: String] = [:]
    private lazy var session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)

    /// Sets a cookie as if the server had.
    func setCookie(_ name: String, _ value: String) { cookies[name] = value }

    /// The session cookie's secret, when signed in.
    var sessionSecret: String? { cookies["jembatan_sesi"] }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func get(_ path: String) async throws -> Page { try await send("GET", path, form: nil) }

    /// Posts `form` (url-encoded) as a browser submits it.
    func post(_ path: String, _ form: [String: String]) async throws -> Page {
        try await send("POST", path, form: form)
    }

    /// Posts a `multipart/form-data` form with `files` (field, file name, bytes), as a browser's file form does.
    func postMultipart(_ path: String, _ fields: [String: String], files: [(String, String, Data)]) async throws -> Page
    {
        let boundary = "uji-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields {
            body.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for (name, file, data) in files {
            body.append(
                Data(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(file)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                        .utf8))
            body.append(data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return try await send(
            "POST", path, form: nil, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    func send(
        _ method: String, _ path: String, form: [String: String]?, body: Data? = nil, contentType: String? = nil
    ) async throws -> Page {
        var request = URLRequest(url: URL(string: Self.base + path)!)
        if let body, let contentType {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        request.httpMethod = method
        let jar = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        if !jar.isEmpty { request.setValue(jar, forHTTPHeaderField: "Cookie") }
        if let form {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            request.httpBody = Data(
                form.map {
                    "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
                }.joined(separator: "&").utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        for (name, value) in http.allHeaderFields {
            guard "\(name)".lowercased() == "set-cookie" else { continue }
            // FoundationNetworking joins several Set-Cookie headers with ", ".
            for cookie in "\(value)".components(separatedBy: ", ") {
                let pair = cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1) ?? []
                guard pair.count >= 1 else { continue }
                let value = pair.count == 2 ? String(pair[1]) : ""
                if value.isEmpty || cookie.contains("Max-Age=0") {
                    cookies[String(pair[0])] = nil
                } else {
                    cookies[String(pair[0])] = value
                }
            }
        }
        return Page(
            status: http.statusCode, text: String(decoding: data, as: UTF8.self),
            location: http.value(forHTTPHeaderField: "Location"))
    }

    /// Signs in through the form: GET /masuk for its token, POST it with the credentials.
    @discardableResult
    func signIn(_ username: String, _ password: String) async throws -> Page {
        let form = try await get("/masuk")
        return try await post(
            "/masuk", ["username": username, "password": password, "_csrf": form.csrf ?? ""])
    }
}

/// People with passwords in the test stack's identity schema (created once each).
actor TestPeople {
    static let shared = TestPeople()
    private var created: Set<String> = []

    func person(_ username: String, _ role: Role, agency: String? = nil, password: String, nip: String = "")
        async throws
    {
        guard !created.contains(username) else { return }
        try await TestDatabase.with { client in
            let administration = AccountAdministration(client: client, logger: .init(label: "test-people"))
            try await administration.prepare()
            try await administration.create(
                PersonDetails(
                    username: username, fullName: "Uji \(username)", nip: nip, position: "Penguji", role: role,
                    agencyCode: agency),
                password: password, createdBy: "tests")
        }
        created.insert(username)
    }
}
