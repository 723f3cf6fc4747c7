import Foundation
import JembatanClient
import JembatanShared
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// JSON over real HTTP to the test stack's services, through the project's one client.
enum ServiceHTTP {
    typealias Reply = ServiceClient.Reply
    typealias TimedOut = ServiceClient.TimedOut

    static let client = ServiceClient(timeout: 120) { "http://127.0.0.1:\(LocalStack.port(of: $0.rawValue))" }

    static func service(_ name: String) -> ServiceName { ServiceName(rawValue: name)! }

    static func call(
        _ method: String, _ service: String, _ path: String, token: String? = nil, json body: Any? = nil,
        rawBody: Data? = nil, contentType: String? = nil, headers: [String: String] = [:]
    ) async throws -> Reply {
        try await client.call(
            method, Self.service(service), path, token: token, json: body, body: rawBody, contentType: contentType,
            headers: headers)
    }

    /// Streams a file as the body (chunked; the server never sees a length up front).
    static func upload(_ service: String, _ path: String, token: String, file: URL, contentType: String) async throws
        -> Reply
    {
        try await client.upload(Self.service(service), path, token: token, file: file, contentType: contentType)
    }

    /// Polls until `condition` holds for a 2xx reply; fails the test after `seconds`.
    static func eventually(
        _ service: String, _ path: String, token: String, seconds: Double = 60,
        _ condition: @escaping ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        try await client.eventually(Self.service(service), path, token: token, seconds: seconds, condition)
    }
}

/// The procedure's actors as the tests use them: real accounts with real bearer tokens,
/// created once in the test stack's database through the operator's account administration.
enum Actors {
    static var producer: String {
        get async throws { try await TestAccounts.shared.token("dinkes-operator", .producer, agency: "35.14-dinkes") }
    }
    static var otherAgencyProducer: String {
        get async throws { try await TestAccounts.shared.token("bappeda-operator", .producer, agency: "35.15-bappeda") }
    }
    static var head: String { get async throws { try await TestAccounts.shared.token("kepala-dinas", .head) } }
    static var technical: String { get async throws { try await TestAccounts.shared.token("tim-teknis", .technical) } }
    static var supervisor: String { get async throws { try await TestAccounts.shared.token("pengawas", .supervisor) } }
    /// A consumer agency named in `submission()`'s intended consumers.
    static var consumer: String {
        get async throws { try await TestAccounts.shared.token("bappeda-pasuruan", .consumer, agency: "35.14-bappeda") }
    }
    /// A consumer agency the contract does not name.
    static var outsideConsumer: String {
        get async throws { try await TestAccounts.shared.token("dinsos-sidoarjo", .consumer, agency: "35.15-dinsos") }
    }
}

/// Creates each test account once and remembers its token.
actor TestAccounts {
    static let shared = TestAccounts()
    private var tokens: [String: String] = [:]

    func token(_ name: String, _ role: Role, agency: String? = nil, validFor: Duration = .seconds(86_400)) async throws
        -> String
    {
        if let token = tokens[name] { return token }
        let token = try await TestDatabase.with { client in
            let administration = AccountAdministration(client: client, logger: Logger(label: "test-accounts"))
            try await administration.prepare()
            // Each with an e-mail address: the notification tests read the mails they are sent.
            try await administration.create(
                PersonDetails(
                    username: name, fullName: name, role: role, agencyCode: agency, email: "\(name)@uji.example.go.id"),
                password: nil, createdBy: "tests")
            return try await administration.issueToken(
                username: name, label: "token awal", validFor: validFor, createdBy: "tests"
            ).text
        }
        tokens[name] = token
        return token
    }

    func revoke(_ name: String) async throws {
        _ = try await TestDatabase.with { client in
            try await AccountAdministration(client: client, logger: Logger(label: "test-accounts")).revoke(name: name)
        }
    }
}

/// A valid submission; `datasetName` keeps hub tables apart between tests.
func submission(datasetName: String = "puskesmas", primaryKey: [String] = ["kode_puskesmas"]) -> [String: Any] {
    [
        "title": "Integrasi data fasilitas kesehatan",
        "purpose": "Berbagi pakai data puskesmas",
        "legalBasis": "Perpres 39/2019",
        "contactPerson": ["name": "Siti", "email": "data@dinkes.example.go.id"],
        "intendedConsumers": ["35.14-bappeda"],
        "datasets": [
            [
                "name": datasetName,
                "primaryKey": primaryKey,
                "classification": "public",
                "updateFrequency": "monthly",
                "fields": [
                    ["name": "kode_puskesmas", "type": "string", "required": true],
                    ["name": "kode_wilayah", "type": "region_code", "required": true],
                ],
            ]
        ],
    ]
}

/// The Kemendagri region-code pattern the contract's JSON Schema uses.
enum ContractSchemaPattern {
    static let region = #"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"#
}

/// SOP step 9 as the producer takes it: run the quality checks, then decide on that run.
enum FinalEvaluation {
    /// Runs the checks and decides on that run; an acceptance first has the supervisor deliver the
    /// results (the SOP's order: accepting undelivered results is refused).
    static func decide(_ requestId: String, token: String, _ body: [String: Any]) async throws -> ServiceHTTP.Reply {
        if body["decision"] as? String == "accept" {
            let delivered = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/requests/\(requestId)/delivery", token: try await Actors.supervisor,
                json: ["note": "Hasil integrasi diserahkan"])
            guard delivered.status == 201 || delivered.text.contains("already_delivered") else {
                throw ServiceClient.StatusError(
                    status: delivered.status, body: "delivery before the acceptance: \(delivered.text)")
            }
        }
        let run = try await ServiceHTTP.call(
            "POST", "validation", "/v1/requests/\(requestId)/validation-runs", token: token)
        var body = body
        body["runId"] = run.json["runId"] as? String ?? ""
        if body["note"] == nil { body["note"] = "checked against the source system" }
        return try await ServiceHTTP.call(
            "POST", "validation", "/v1/requests/\(requestId)/decision", token: token, json: body)
    }
}

enum Agreement {
    /// The technical team agrees the structure (step 3) and records the interchange document
    /// (step 4): only then is the contract announced and provisioned. Returns the agreement's answer.
    static func agree(_ requestId: String, token: String) async throws -> ServiceHTTP.Reply {
        let agreed = try await ServiceHTTP.call(
            "POST", "evaluation", "/v1/requests/\(requestId)/decision", token: token, json: ["decision": "agree"])
        guard agreed.status == 200 else { return agreed }
        let recorded = try await ServiceHTTP.call(
            "POST", "evaluation", "/v1/requests/\(requestId)/steps", token: token,
            json: ["phase": "interchange_document", "note": "Dokumen kebutuhan integrasi dan rencana API disusun"])
        guard recorded.status == 201 else {
            throw ServiceClient.StatusError(
                status: recorded.status, body: "recording the interchange document: \(recorded.text)")
        }
        return agreed
    }
}
