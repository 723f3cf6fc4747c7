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
        let state: CredentialState
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

    static func view(_ row: StoredCredential, now: Date = Date()) -> CredentialView {
        let (
            id, dataset, request, agency, scope, hasSecret, issued, collected, expires, revoked, rotatedFrom, rate,
            requests, records, lastUsed
        ) =
            (
                row.credentialId, row.datasetId, row.requestId, row.agencyCode, row.scope, row.hasSecret, row.issuedAt,
                row.collectedAt, row.expiresAt,
                row.revokedAt, row.rotatedFrom, row.ratePerMinute, row.requestCount, row.recordCount, row.lastUsedAt
            )
        let state: CredentialState =
            revoked != nil ? .revoked : expires <= now ? .expired : hasSecret ? .active : .awaitingCollection
        return CredentialView(
            credentialId: id, datasetId: dataset, requestId: request, agencyCode: agency, scope: scope, state: state,
            issuedAt: issued,
            collectedAt: collected, expiresAt: expires, revokedAt: revoked, rotatedFrom: rotatedFrom,
            ratePerMinute: rate,
            usage: .init(requests: requests, records: records, lastUsedAt: lastUsed))
    }

    @Sendable func listForRequest(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require(Set(Role.allCases))
        let requestId = try request.requestIDParameter(routeContext)
        guard
            let owner = try await DatasetStore.agency(
                ofRequest: requestId, client: context.client, logger: routeContext.logger)
        else {
            throw APIError.notFound("credentials of request")
        }
        // Office-wide roles see every credential; an agency sees its own.
        let views = try await CredentialStore.credentials(
            ofRequest: requestId, client: context.client, logger: routeContext.logger
        )
        .filter { account.agencyCode == nil || account.agencyCode == $0.agencyCode }.map { Self.view($0) }
        guard account.agencyCode == nil || account.agencyCode == owner || !views.isEmpty else {
            throw APIError.notFound("credentials of request")
        }
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
            throw APIError.validationFailed([
                FieldViolation(field: "ratePerMinute", rule: "range", message: "1–1000000 calls a minute")
            ])
        }
        let row = try await find(routeContext, visibleTo: account, on: nil)
        try await CredentialStore.setRate(
            limits.ratePerMinute, of: row.credentialId, client: context.client, logger: routeContext.logger)
        return try JSONResponse.make(Self.view(try await find(routeContext, visibleTo: account, on: nil)))
    }

    /// The agency's producer or consumer collects the key once.
    @Sendable func collect(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .consumer])
        let now = Date()
        let view = try await context.client.inTransaction(logger: routeContext.logger) { connection in
            let row = try await find(routeContext, visibleTo: account, on: connection, lock: true)
            guard row.revokedAt == nil else {
                throw APIError(.conflict, code: "credential_revoked", message: "this credential was revoked")
            }
            guard !row.hasSecret else {
                throw APIError(
                    .conflict, code: "already_collected",
                    message: "the key was shown once when it was collected; rotate it to get a new one")
            }
            let key = ExchangeKey.generate(id: row.credentialId)
            try await CredentialStore.recordCollection(
                of: row.credentialId, keyHash: key.hash, by: account.name, at: now, on: connection,
                logger: routeContext.logger)
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
        let rotation = try await JSONResponse.decodeIfPresent(
            Rotation.self, from: request, expected: "{\"overlapMinutes\": integer}", field: "overlapMinutes")
        let overlap = rotation?.overlapMinutes ?? 1440
        guard (0...10080).contains(overlap) else {
            throw APIError.validationFailed([
                FieldViolation(field: "overlapMinutes", rule: "range", message: "0–10080 minutes")
            ])
        }
        let now = Date()
        let view = try await context.client.inTransaction(logger: routeContext.logger) { connection in
            let old = try await find(routeContext, visibleTo: account, on: connection, lock: true)
            guard old.revokedAt == nil, old.expiresAt > now else {
                throw APIError(
                    .conflict, code: "credential_inactive", message: "a revoked or expired credential cannot be rotated"
                )
            }
            let id = ExchangeKey.newCredentialID()
            let key = ExchangeKey.generate(id: id)
            let overlapEnd = now.addingTimeInterval(TimeInterval(overlap * 60))
            try await CredentialStore.recordRotation(
                of: old, newID: id, keyHash: key.hash, by: account.name, at: now, overlapEnd: overlapEnd,
                on: connection, logger: routeContext.logger)
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
            if row.revokedAt == nil {
                try await CredentialStore.recordRevocation(
                    of: row.credentialId, by: account.name, at: now, on: connection, logger: routeContext.logger)
            }
            return Self.view(try await fetch(row.credentialId, on: connection))
        }
        return try JSONResponse.make(view)
    }

    struct Delivery: Decodable {
        let note: String
    }

    /// The supervisor hands the integration results to the producer (SOP step 7): recorded once per contract.
    @Sendable func deliver(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let requestId = try request.requestIDParameter(routeContext)
        // Who delivers is the profile's: the supervisor (Kepala Bidang), the laboratory's data team.
        let step = try await ProfileReader.step(
            .delivery, ofRequest: requestId, missing: "no_delivery_step", client: context.client,
            logger: routeContext.logger)
        let account = try routeContext.require([step.role])
        let delivery = try await JSONResponse.decode(Delivery.self, from: request)
        let note = try NoteRule.validated(
            delivery.note, field: "note", required: true, purpose: "a note saying what was delivered to whom")
        let now = Date()
        let event = try await context.client.inTransaction(logger: routeContext.logger) {
            connection -> ResultsDelivered in
            guard
                let latest = try await DatasetStore.lockedLatestDataset(
                    ofRequest: requestId, on: connection, logger: routeContext.logger)
            else {
                throw APIError.notFound("provisioned API of request")
            }
            let contract = latest.contractId
            guard latest.state == .provisioned else {
                throw APIError(
                    .conflict, code: "not_provisioned",
                    message: "the integration test has not passed; there is nothing to deliver yet")
            }
            let recorded = try await DatasetStore.recordDelivery(
                ofRequest: requestId, contractId: contract, note: note, by: account.name, at: now,
                on: connection, logger: routeContext.logger)
            guard recorded else {
                throw APIError(
                    .conflict, code: "already_delivered",
                    message: "the results of this contract version were already delivered")
            }
            let event = ResultsDelivered(
                requestId: requestId, contractId: contract, note: note, deliveredBy: account.actor, deliveredAt: now)
            try await context.outbox.enqueue(event, on: connection, logger: routeContext.logger)
            return event
        }
        return try JSONResponse.make(event, status: .created)
    }

    // MARK: - Lookup

    /// The credential named in the path, if the account may see it (its agency, or office-wide roles); 404 otherwise.
    private func find(
        _ routeContext: JembatanRequestContext, visibleTo account: Account, on connection: PostgresConnection?,
        lock: Bool = false
    ) async throws -> StoredCredential {
        let id = routeContext.parameters.get("credential") ?? ""
        guard id.count == 12, id.allSatisfy(\.isHexDigit) else { throw APIError.notFound("credential") }
        let row: StoredCredential?
        if let connection {
            row = try await fetchOptional(id, on: connection, lock: lock)
        } else {
            row = try await context.client.withConnection { try await fetchOptional(id, on: $0, lock: false) }
        }
        guard let row, account.mayAccess(agency: row.agencyCode) else { throw APIError.notFound("credential") }
        return row
    }

    private func fetch(_ id: String, on connection: PostgresConnection) async throws -> StoredCredential {
        guard let row = try await fetchOptional(id, on: connection, lock: false) else {
            throw APIError.notFound("credential")
        }
        return row
    }

    private func fetchOptional(_ id: String, on connection: PostgresConnection, lock: Bool) async throws
        -> StoredCredential?
    {
        try await CredentialStore.find(id, lock: lock, on: connection, logger: context.logger)
    }
}
