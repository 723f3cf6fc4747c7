import Foundation
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO

/// SOP step 7: results go to the producer and the consumers. Credentials are listed per
/// request, collected once (the secret is made then and shown only in that answer), rotated
/// with an overlap window, revoked at once; the supervisor records the delivery.
struct CredentialsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/requests/:id/credentials", use: listForRequest)
        router.post("v1/requests/:id/delivery", use: deliver)
        router.get("v1/credentials/:credential", use: show)
        router.patch("v1/credentials/:credential", use: update)
        router.post("v1/credentials/:credential/collect", use: collect)
        router.post("v1/credentials/:credential/rotate", use: rotate)
        router.post("v1/credentials/:credential/revoke", use: revoke)
    }

    struct CredentialView: Codable {
        let credentialId: String
        let datasetId: String
        let requestId: String
        let agencyCode: String
        let scope: String
        let state: String
        let issuedAt: Date
        let collectedAt: Date?
        let expiresAt: Date
        let revokedAt: Date?
        let rotatedFrom: String?
        let ratePerMinute: Int
        let usage: Usage
        /// Present once: in the answer to collect or rotate.
        var key: String?

        struct Usage: Codable {
            let requests: Int64
            let records: Int64
            let lastUsedAt: Date?
        }
    }

    static let columns = """
        credential_id, dataset_id, request_id, agency_code, scope, secret_hash IS NOT NULL, issued_at, collected_at, expires_at, revoked_at, rotated_from,
        rate_per_minute, request_count, record_count, last_used_at
        """
    typealias Row = (String, String, String, String, String, Bool, Date, Date?, Date, Date?, String?, Int, Int64, Int64, Date?)

    static func view(_ row: Row, now: Date = Date()) -> CredentialView {
        let (id, dataset, request, agency, scope, hasSecret, issued, collected, expires, revoked, rotatedFrom, rate, requests, records, lastUsed) = row
        let state = revoked != nil ? "revoked" : expires <= now ? "expired" : hasSecret ? "active" : "awaiting_collection"
        return CredentialView(credentialId: id, datasetId: dataset, requestId: request, agencyCode: agency, scope: scope, state: state, issuedAt: issued,
                              collectedAt: collected, expiresAt: expires, revokedAt: revoked, rotatedFrom: rotatedFrom, ratePerMinute: rate,
                              usage: .init(requests: requests, records: records, lastUsedAt: lastUsed))
    }

    @Sendable func listForRequest(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require(Set(Role.allCases))
        let requestId = try request.requestIDParameter(routeContext)
        var owner: String?
        for try await agency in try await context.client.query("SELECT agency_code FROM provisioning.datasets WHERE request_id = \(requestId) LIMIT 1",
                                                               logger: routeContext.logger).decode(String.self) { owner = agency }
        guard let owner else { throw APIError.notFound("credentials of request") }
        var views: [CredentialView] = []
        let rows = try await context.client.query(PostgresQuery(unsafeSQL: """
            SELECT \(Self.columns) FROM provisioning.credentials WHERE request_id = $1 ORDER BY issued_at, credential_id
            """, binds: HubDataset.binds(requestId)), logger: routeContext.logger)
        for try await row in rows.decode(Row.self) {
            // Office-wide roles see every credential; an agency sees its own.
            if account.agencyCode == nil || account.agencyCode == row.3 { views.append(Self.view(row)) }
        }
        guard account.agencyCode == nil || account.agencyCode == owner || !views.isEmpty else { throw APIError.notFound("credentials of request") }
        return try JSONResponse.make(["credentials": views])
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require(Set(Role.allCases))
        let row = try await find(routeContext, visibleTo: account, on: nil)
        return try JSONResponse.make(Self.view(row))
    }

    struct Limits: Decodable {
        let ratePerMinute: Int
    }

    /// Admin or technical team: change a key's rate.
    @Sendable func update(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.admin, .technical])
        let limits = try await JSONResponse.decode(Limits.self, from: request)
        guard (1...1_000_000).contains(limits.ratePerMinute) else {
            throw APIError.validationFailed([FieldViolation(field: "ratePerMinute", rule: "range", message: "1–1000000 calls a minute")])
        }
        let row = try await find(routeContext, visibleTo: account, on: nil)
        try await context.client.query("UPDATE provisioning.credentials SET rate_per_minute = \(limits.ratePerMinute) WHERE credential_id = \(row.0)", logger: routeContext.logger)
        return try JSONResponse.make(Self.view(try await find(routeContext, visibleTo: account, on: nil)))
    }

    /// The agency's producer or consumer collects the key once.
    @Sendable func collect(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .consumer])
        let now = Date()
        let view = try await context.client.inTransaction(logger: routeContext.logger) { connection in
            let row = try await find(routeContext, visibleTo: account, on: connection, lock: true)
            guard row.9 == nil else { throw APIError(.conflict, code: "credential_revoked", message: "this credential was revoked") }
            guard !row.5 else {
                throw APIError(.conflict, code: "already_collected", message: "the key was shown once when it was collected; rotate it to get a new one")
            }
            let key = ExchangeKey.generate(id: row.0)
            try await connection.query("""
                UPDATE provisioning.credentials SET secret_hash = \(ByteBuffer(bytes: key.hash)), collected_at = \(now), collected_by = \(account.name)
                WHERE credential_id = \(row.0)
                """, logger: routeContext.logger)
            var view = Self.view(try await find(routeContext, visibleTo: account, on: connection))
            view.key = key.text
            return view
        }
        return try JSONResponse.make(view)
    }

    struct Rotation: Decodable {
        /// How long the old key keeps working, 0–10080 minutes (a week); default 1440 (a day).
        let overlapMinutes: Int?
    }

    /// A new key for the same dataset and scope; the old one expires after the overlap window.
    @Sendable func rotate(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .consumer])
        let rotation = try await JSONResponse.decodeIfPresent(Rotation.self, from: request, expected: "{\"overlapMinutes\": integer}", field: "overlapMinutes")
        let overlap = rotation?.overlapMinutes ?? 1440
        guard (0...10080).contains(overlap) else {
            throw APIError.validationFailed([FieldViolation(field: "overlapMinutes", rule: "range", message: "0–10080 minutes")])
        }
        let now = Date()
        let view = try await context.client.inTransaction(logger: routeContext.logger) { connection in
            let old = try await find(routeContext, visibleTo: account, on: connection, lock: true)
            guard old.9 == nil, old.8 > now else { throw APIError(.conflict, code: "credential_inactive", message: "a revoked or expired credential cannot be rotated") }
            let id = ExchangeKey.newCredentialID()
            let key = ExchangeKey.generate(id: id)
            try await connection.query("""
                INSERT INTO provisioning.credentials (credential_id, dataset_id, request_id, agency_code, scope, secret_hash, issued_at, collected_at, collected_by,
                    expires_at, rotated_from, rate_per_minute)
                VALUES (\(id), \(old.1), \(old.2), \(old.3), \(old.4), \(ByteBuffer(bytes: key.hash)), \(now), \(now), \(account.name),
                    \(now.addingTimeInterval(CredentialStore.validity)), \(old.0), \(old.11))
                """, logger: routeContext.logger)
            let overlapEnd = now.addingTimeInterval(TimeInterval(overlap * 60))
            try await connection.query("""
                UPDATE provisioning.credentials SET expires_at = least(expires_at, \(overlapEnd)) WHERE credential_id = \(old.0)
                """, logger: routeContext.logger)
            var view = Self.view(try await fetch(id, on: connection))
            view.key = key.text
            return view
        }
        return try JSONResponse.make(view, status: .created)
    }

    /// Effective immediately: the next call with the key is refused.
    @Sendable func revoke(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .consumer, .admin, .technical])
        let now = Date()
        let view = try await context.client.inTransaction(logger: routeContext.logger) { connection in
            let row = try await find(routeContext, visibleTo: account, on: connection, lock: true)
            if row.9 == nil {
                try await connection.query("""
                    UPDATE provisioning.credentials SET revoked_at = \(now), revoked_by = \(account.name) WHERE credential_id = \(row.0)
                    """, logger: routeContext.logger)
            }
            return Self.view(try await fetch(row.0, on: connection))
        }
        return try JSONResponse.make(view)
    }

    struct Delivery: Decodable {
        let note: String
    }

    /// The supervisor hands the integration results to the producer (SOP step 7): recorded once per contract.
    @Sendable func deliver(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.supervisor])
        let requestId = try request.requestIDParameter(routeContext)
        let delivery = try await JSONResponse.decode(Delivery.self, from: request)
        let note = try NoteRule.validated(delivery.note, field: "note", required: true, purpose: "a note saying what was delivered to whom")
        let now = Date()
        let event = try await context.client.inTransaction(logger: routeContext.logger) { connection -> ResultsDelivered in
            var contract: String?
            var state: String?
            for try await (id, current) in try await connection.query("""
                SELECT contract_id, state FROM provisioning.datasets WHERE request_id = \(requestId) ORDER BY updated_at DESC LIMIT 1 FOR UPDATE
                """, logger: routeContext.logger).decode((String, String).self) {
                contract = id
                state = current
            }
            guard let contract else { throw APIError.notFound("provisioned API of request") }
            guard state == "provisioned" else {
                throw APIError(.conflict, code: "not_provisioned", message: "the integration test has not passed; there is nothing to deliver yet")
            }
            let inserted = try await connection.query("""
                INSERT INTO provisioning.deliveries (request_id, contract_id, note, delivered_by, delivered_at)
                VALUES (\(requestId), \(contract), \(note), \(account.name), \(now)) ON CONFLICT DO NOTHING RETURNING contract_id
                """, logger: routeContext.logger)
            var recorded = false
            for try await _ in inserted.decode(String.self) { recorded = true }
            guard recorded else { throw APIError(.conflict, code: "already_delivered", message: "the results of this contract version were already delivered") }
            let event = ResultsDelivered(requestId: requestId, contractId: contract, note: note, deliveredBy: account.actor, deliveredAt: now)
            try await context.outbox.enqueue(event, on: connection, logger: routeContext.logger)
            return event
        }
        return try JSONResponse.make(event, status: .created)
    }

    // MARK: - Lookup

    /// The credential named in the path, if the account may see it (its agency, or office-wide roles); 404 otherwise.
    private func find(_ routeContext: JembatanRequestContext, visibleTo account: Account, on connection: PostgresConnection?, lock: Bool = false) async throws -> Row {
        let id = routeContext.parameters.get("credential") ?? ""
        guard id.count == 12, id.allSatisfy(\.isHexDigit) else { throw APIError.notFound("credential") }
        let row: Row?
        if let connection {
            row = try await fetchOptional(id, on: connection, lock: lock)
        } else {
            row = try await context.client.withConnection { try await fetchOptional(id, on: $0, lock: false) }
        }
        guard let row, account.mayAccess(agency: row.3) else { throw APIError.notFound("credential") }
        return row
    }

    private func fetch(_ id: String, on connection: PostgresConnection) async throws -> Row {
        guard let row = try await fetchOptional(id, on: connection, lock: false) else { throw APIError.notFound("credential") }
        return row
    }

    private func fetchOptional(_ id: String, on connection: PostgresConnection, lock: Bool) async throws -> Row? {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT \(Self.columns) FROM provisioning.credentials WHERE credential_id = $1\(lock ? " FOR UPDATE" : "")
            """, binds: HubDataset.binds(id)), logger: context.logger)
        for try await row in rows.decode(Row.self) { return row }
        return nil
    }
}
