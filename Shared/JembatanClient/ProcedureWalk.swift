import Foundation
import JembatanShared

/// One request through every step of its SOP profile as its actors do it, on the real services:
/// submitted, dispositioned, reviewed and agreed, the documents before the API recorded (the
/// interchange document), provisioned (automatic), delivered, validated, accepted, handed over and
/// approved by the head where the profile has those steps, reported. The fault workload, the
/// pipeline bench, the demo and the integration tests walk requests with it.
public struct ProcedureWalk: Sendable {
    /// The client the actors call through.
    public let client: ServiceClient
    /// The producer's token (OPD operator).
    public let producer: String
    /// The head's token (Kepala Dinas).
    public let head: String
    /// The technical team's token.
    public let technical: String
    /// The supervisor's token (Kepala Bidang: delivers the results, hands them over).
    public let supervisor: String
    /// Retry each action while the system recovers (a killed service, a paused broker, a restarting
    /// database only delay a step). Off: each action must succeed at its first answer.
    public let resilient: Bool
    /// Seconds one step may take.
    public let stepSeconds: Double

    /// A walk by these actors; `resilient` retries each action while the system recovers.
    public init(
        client: ServiceClient, producer: String, head: String, technical: String, supervisor: String,
        resilient: Bool, stepSeconds: Double = 240
    ) {
        self.client = client
        self.producer = producer
        self.head = head
        self.technical = technical
        self.supervisor = supervisor
        self.resilient = resilient
        self.stepSeconds = stepSeconds
    }

    /// A complete submission of one public dataset named `dataset`.
    public static func submission(title: String, dataset: String) -> [String: Any] {
        [
            "title": title, "purpose": "Integrasi data fasilitas kesehatan", "legalBasis": "Perpres 39/2019",
            "contactPerson": ["name": "Operator", "email": "data@dinkes.example.go.id"],
            "intendedConsumers": ["35.14-bappeda"],
            "datasets": [
                [
                    "name": dataset, "description": "Fasilitas", "primaryKey": ["kode"],
                    "classification": "public", "updateFrequency": "monthly",
                    "fields": [
                        ["name": "kode", "type": "string", "required": true, "description": "Kode fasilitas"],
                        [
                            "name": "jumlah_tempat_tidur", "type": "integer", "required": false,
                            "description": "Tempat tidur",
                        ],
                    ],
                ]
            ],
        ]
    }

    /// A point of the walk at which an observer hears what the service answered.
    public enum Moment: Sendable {
        /// Intake accepted the submission (its answer).
        case submitted
        /// The head dispositioned it.
        case dispositioned
        /// The technical review is ready (the review, with its findings).
        case reviewed
        /// The technical team agreed (the contract id and version).
        case agreed
        /// A step the profile records was recorded (the interchange document …; its answer).
        case recorded
        /// Validation waits for the producer (its case).
        case readyForValidation
        /// The results were delivered to the producer (the delivery).
        case delivered
        /// The producer's validation run finished (the run).
        case validated
        /// The producer accepted.
        case accepted
        /// The results document was handed over (where the profile has that step).
        case handedOver
        /// The head judged the integrated data right (where the profile has that step).
        case approved
        /// Reporting has the request completed (its timeline).
        case completed
    }

    /// Hears each moment with the request's id and the service's answer; may act in between (the
    /// demo collects keys and pushes data after the delivery).
    public typealias Observer = @Sendable (Moment, _ requestId: String, _ answer: [String: Any]) async throws -> Void

    /// Walks `submission` to completion and returns the request's id; `acknowledged` hears the id
    /// as soon as intake accepted it, `observe` every moment. The submission carries an
    /// Idempotency-Key: a lost answer is sent again with the same key and yields the request the
    /// first attempt created.
    public func walk(
        _ submission: [String: Any], idempotencyKey: String = "walk-\(UUID().uuidString)",
        acknowledged: @Sendable (String) -> Void = { _ in }, observe: Observer? = nil
    ) async throws -> String {
        let submitted = try await act(
            "POST", .intake, "/v1/requests", token: producer, json: submission,
            headers: ["Idempotency-Key": idempotencyKey]
        ) { $0.status == 201 }
        guard let requestId = submitted.json["requestId"] as? String else {
            throw ServiceClient.StatusError(status: submitted.status, body: submitted.text)
        }
        acknowledged(requestId)
        let profile = try await profile(of: submission)
        // The head's disposition sheet: to whom, what, how urgent (the deadline is left to the team's standard).
        let note = [
            "note": "Mohon ditindaklanjuti oleh Tim Teknis", "addressee": "Tim Teknis (Bidang Aplikasi Informatika)",
            "instruction": "Kaji struktur data yang diajukan dan siapkan kontrak dataset", "urgency": "segera",
        ]
        try await observe?(.submitted, requestId, submitted.json)
        let disposition = try await act(
            "POST", .intake, "/v1/requests/\(requestId)/disposition", token: head, json: note, accept: Self.doneOrDone)
        try await observe?(.dispositioned, requestId, disposition.json)
        let review = try await wait(.evaluation, "/v1/requests/\(requestId)/review", token: technical) {
            $0["state"] as? String == "awaiting_decision"
        }
        try await observe?(.reviewed, requestId, review)
        for phase in profile.recordedBeforeDecision {
            try await record(phase, of: requestId, in: profile, observe: observe)
        }
        let agreed = try await act(
            "POST", .evaluation, "/v1/requests/\(requestId)/decision", token: technical, json: ["decision": "agree"],
            accept: Self.doneOrDone)
        try await observe?(.agreed, requestId, agreed.json)
        for phase in profile.recordedBeforeAPI {
            try await record(phase, of: requestId, in: profile, observe: observe)
        }
        let validation = try await wait(.validation, "/v1/requests/\(requestId)", token: producer) {
            $0["state"] as? String == "awaiting_decision"
        }
        try await observe?(.readyForValidation, requestId, validation)
        let delivered = try await act(
            "POST", .provisioning, "/v1/requests/\(requestId)/delivery", token: token(for: profile, .delivery),
            json: ["note": "Laporan hasil integrasi diserahkan kepada Produsen Data"]
        ) { $0.status == 201 || $0.errorCode == "already_delivered" }
        try await observe?(.delivered, requestId, delivered.json)
        let run = try await act(
            "POST", .validation, "/v1/requests/\(requestId)/validation-runs", token: producer, json: [:]
        ) {
            $0.status == 201 || $0.status == 200
        }
        try await observe?(.validated, requestId, run.json)
        let runId = run.json["runId"] as? String ?? ""
        let accepted = try await act(
            "POST", .validation, "/v1/requests/\(requestId)/decision", token: producer,
            json: ["decision": "accept", "runId": runId, "note": "Data sesuai dengan sistem sumber"],
            accept: Self.doneOrDone)
        try await observe?(.accepted, requestId, accepted.json)
        if profile.has(.handOver) {
            let handedOver = try await act(
                "POST", .provisioning, "/v1/requests/\(requestId)/hand-over", token: token(for: profile, .handOver),
                json: ["note": "Berita acara serah terima dokumen hasil interchange data"]
            ) { $0.status == 201 || $0.errorCode == "already_handed_over" }
            try await observe?(.handedOver, requestId, handedOver.json)
        }
        if profile.has(.headReview) {
            let approved = try await act(
                "POST", .validation, "/v1/requests/\(requestId)/head-review", token: token(for: profile, .headReview),
                json: ["decision": "approve", "note": "Data terintegrasi sesuai; terus dilakukan update"]
            ) { $0.status == 200 || $0.errorCode == "not_handed_over" && $0.text.contains("approved") }
            try await observe?(.approved, requestId, approved.json)
        }
        // As the head: reporting reads five topics with no order between them, so the completion may
        // be projected a moment before the submission that names the owning agency.
        let completed = try await wait(
            .reporting, "/v1/requests/\(requestId)", token: head, seconds: max(stepSeconds, 300)
        ) {
            // Completed, and the submission (which names the owning agency) projected too.
            ($0["request"] as? [String: Any])?["state"] as? String == "completed"
                && ($0["request"] as? [String: Any])?["agencyCode"] is String
        }
        try await observe?(.completed, requestId, completed)
        return requestId
    }

    /// The profile the submission names (intake's default when it names none).
    func profile(of submission: [String: Any]) async throws -> SOPProfile {
        if let named = submission["profile"] as? String {
            let reply = try await client.until(
                "GET", .intake, "/v1/profiles/\(named)", token: producer, json: nil, seconds: stepSeconds
            ) { $0.succeeded }
            return try JSONDecoder().decode(SOPProfile.self, from: Data(reply.text.utf8))
        }
        let listed = try await client.until(
            "GET", .intake, "/v1/profiles", token: producer, json: nil, seconds: stepSeconds
        ) { $0.succeeded }
        struct Listed: Decodable {
            let defaultProfile: String
            let profiles: [SOPProfile]
        }
        let list = try JSONDecoder().decode(Listed.self, from: Data(listed.text.utf8))
        guard let found = list.profiles.first(where: { $0.id == list.defaultProfile }) else {
            throw ServiceClient.StatusError(status: 404, body: "default profile \(list.defaultProfile) not listed")
        }
        return found
    }

    /// The token of the actor the profile names for `phase`.
    func token(for profile: SOPProfile, _ phase: Phase) -> String {
        switch profile.line(for: phase)?.role {
        case .producer: producer
        case .head: head
        case .supervisor: supervisor
        default: technical
        }
    }

    /// Records a step the profile has its actor record as done.
    func record(_ phase: Phase, of requestId: String, in profile: SOPProfile, observe: Observer?) async throws {
        let recorded = try await act(
            "POST", .evaluation, "/v1/requests/\(requestId)/steps", token: token(for: profile, phase),
            json: ["phase": phase.rawValue, "note": profile.line(for: phase)?.output ?? phase.label]
        ) { $0.status == 201 || $0.errorCode == "already_recorded" }
        try await observe?(.recorded, requestId, recorded.json)
    }

    /// 200, or — when the action is repeated after a lost answer — 409 because it already took effect.
    static func doneOrDone(_ reply: ServiceClient.Reply) -> Bool {
        reply.status == 200 || (reply.status == 409 && reply.errorCode == "invalid_state")
    }

    @discardableResult
    func act(
        _ method: String, _ service: ServiceName, _ path: String, token: String, json: [String: Any],
        headers: [String: String] = [:],
        accept: (ServiceClient.Reply) -> Bool
    ) async throws -> ServiceClient.Reply {
        if resilient {
            return try await client.until(
                method, service, path, token: token, json: json, headers: headers, seconds: stepSeconds, accept: accept)
        }
        let reply = try await client.call(method, service, path, token: token, json: json, headers: headers)
        guard reply.status < 300, accept(reply) else {
            throw ServiceClient.StatusError(status: reply.status, body: "\(method) \(path): \(reply.text)")
        }
        return reply
    }

    func wait(
        _ service: ServiceName, _ path: String, token: String, seconds: Double? = nil,
        until condition: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        try await client.until("GET", service, path, token: token, seconds: seconds ?? stepSeconds) {
            $0.succeeded && condition($0.json)
        }.json
    }
}
