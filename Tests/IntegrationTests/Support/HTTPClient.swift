import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// JSON over real HTTP to the stack's services.
struct ServiceHTTP {
    struct Reply {
        let status: Int
        let json: [String: Any]
        let text: String
    }

    static func call(_ method: String, _ service: String, _ path: String, actor: (id: String, role: String)? = nil, json body: Any? = nil, rawBody: Data? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(LocalStack.port(of: service))\(path)")!)
        request.httpMethod = method
        if let actor {
            request.setValue(actor.id, forHTTPHeaderField: "X-Jembatan-Actor")
            request.setValue(actor.role, forHTTPHeaderField: "X-Jembatan-Role")
        }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        } else if let rawBody {
            request.httpBody = rawBody
        }
        if request.httpBody != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0, json: json, text: String(decoding: data, as: UTF8.self))
    }

    /// Polls until `condition` holds for a 2xx reply; fails the test after `seconds`.
    static func eventually(_ service: String, _ path: String, actor: (id: String, role: String), seconds: Double = 60, _ condition: @escaping ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let reply = try? await call("GET", service, path, actor: actor), (200..<300).contains(reply.status), condition(reply.json) {
                return reply.json
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TimedOut(what: "\(service) \(path)")
    }

    struct TimedOut: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting for \(what)" }
    }
}

/// The procedure's actors as the tests use them.
enum Actors {
    static let producer = (id: "dinkes-operator", role: "producer")
    static let head = (id: "kepala-dinas", role: "head")
    static let technical = (id: "tim-teknis", role: "technical")
}

/// A valid submission; `datasetName` keeps hub tables apart between tests.
func submission(datasetName: String = "puskesmas", primaryKey: [String] = ["kode_puskesmas"]) -> [String: Any] {
    [
        "agencyCode": "35.14-dinkes",
        "title": "Integrasi data fasilitas kesehatan",
        "purpose": "Berbagi pakai data puskesmas",
        "datasets": [[
            "name": datasetName,
            "primaryKey": primaryKey,
            "fields": [
                ["name": "kode_puskesmas", "type": "string", "required": true],
                ["name": "kode_wilayah", "type": "region_code", "required": true],
            ],
        ]],
    ]
}
