import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import JembatanShared
import Logging
import NIOCore
import PostgresNIO

/// The data exchange API of the hub (served on the provisioning port): producers push
/// records, consumers read them. Every call is rate limited per key and written to the
/// hash-chained audit log.
struct ExchangeController: Sendable {
    let context: ServiceContext
    let credentials: CredentialStore
    let references: ReferenceCodes
    let limiter: RateLimiter

    static let defaultPage = 100
    static let maximumPage = 1000

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/datasets", use: list)
        router.get("v1/datasets/:dataset", use: show)
        router.post("v1/datasets/:dataset/records", use: push)
        router.get("v1/datasets/:dataset/records", use: read)
        router.get("v1/datasets/:dataset/records/:key", use: get)
        router.get("v1/datasets/:dataset/changes", use: changes)
    }

    // MARK: - Push

    @Sendable func push(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let (caller, dataset, rate) = try await enter(request, routeContext, scope: .write, operation: "push")
        guard let format = PushFormat(contentType: request.headers[.contentType]) else {
            throw await refused(
                APIError(
                    .unsupportedMediaType, code: "unsupported_media_type",
                    message: "send application/json (an array), application/x-ndjson or text/csv", field: "Content-Type"
                ),
                caller, dataset, "push")
        }
        let partial = request.uri.queryParameters.get("partial") == "true"
        let idempotencyKey = request.headers[HTTPField.Name("Idempotency-Key")!]
        if let idempotencyKey,
            idempotencyKey.isEmpty || idempotencyKey.count > 200
                || !idempotencyKey.allSatisfy({ $0.isASCII && !$0.isWhitespace })
        {
            throw await refused(
                APIError(
                    .badRequest, code: "invalid_header", message: "Idempotency-Key is 1–200 visible ASCII characters",
                    field: "Idempotency-Key"),
                caller, dataset, "push")
        }
        let now = Date()
        let batchId = UUID().uuidString.lowercased()
        let logger = routeContext.logger
        do {
            let (status, body) = try await context.client.inTransaction(logger: logger) {
                connection -> (HTTPResponse.Status, ByteBuffer) in
                if let idempotencyKey,
                    let replay = try await replayIfSeen(
                        idempotencyKey, caller: caller, batchId: batchId, at: now, body: request.body, on: connection)
                {
                    return replay
                }
                let lists = try await references.lists(
                    RecordValidator.referenceSets(of: dataset.definition), on: connection, logger: logger)
                let validator: RecordValidator
                do { validator = try RecordValidator(dataset: dataset.definition, references: lists) } catch let error
                    as RecordViolation
                {
                    throw APIError(
                        .unprocessableContent, code: "contract_unusable", message: error.message, field: error.field)
                }
                var parser = IngestParser(validator: validator, format: format)
                _ = try await RecordStage.stage(on: connection, logger: logger) { stage in
                    try await parser.run(request.body, into: &stage)
                }
                let accepted = parser.received - parser.rejected
                var outcome = IngestOutcome(
                    batchId: batchId, datasetId: dataset.datasetId, format: format.rawValue, received: parser.received,
                    accepted: accepted, rejected: parser.rejected, inserted: 0, updated: 0,
                    errors: parser.errors, errorsTruncated: parser.errors.count >= IngestParser.maximumReportedErrors)
                if parser.rejected > 0 && !partial {
                    throw APIError(
                        .unprocessableContent, code: "records_rejected",
                        message:
                            "\(parser.rejected) of \(parser.received) record(s) broke the contract; nothing was stored (add ?partial=true to store the valid ones)",
                        violations: parser.errors.prefix(IngestParser.maximumReportedErrors).map {
                            FieldViolation(
                                field: "\($0.position)\($0.field.map { ": \($0)" } ?? "")", rule: $0.rule,
                                message: $0.message)
                        })
                }
                if accepted > 0 {
                    (outcome.inserted, outcome.updated) = try await HubStore.upsertStaged(
                        into: dataset.storageTable, at: now, on: connection, logger: logger)
                }
                let encoded = try CloudEventCodec.makeEncoder().encode(outcome)
                let bodyHash = parser.hasher.finalize()
                if let idempotencyKey {
                    try await ExchangeStore.recordAnswer(
                        to: idempotencyKey, credential: caller.credentialId, bodySHA256: Array(bodyHash),
                        response: String(decoding: encoded, as: UTF8.self), on: connection, logger: logger)
                }
                try await ExchangeStore.countCall(
                    of: caller.credentialId, records: accepted, at: now, on: connection, logger: logger)
                try await context.outbox.enqueue(
                    RecordsIngested(
                        requestId: dataset.requestId, datasetId: dataset.datasetId, batchId: batchId,
                        format: format.rawValue, received: parser.received,
                        accepted: accepted, rejected: parser.rejected, credentialId: caller.credentialId,
                        agencyCode: caller.agencyCode, ingestedAt: now
                    ), on: connection, logger: logger)
                try await AuditChain.append(
                    call(caller, dataset, "push", status: 200, records: accepted, rejected: parser.rejected), at: now,
                    on: connection, logger: logger)
                return (.ok, ByteBuffer(bytes: encoded))
            }
            return respond(body, status: status, rate: rate)
        } catch let error as APIError {
            throw await refused(error, caller, dataset, "push")
        }
    }

    /// A retried push with a known `Idempotency-Key`: the first answer again when the body is the
    /// same, 422 when the key is reused for another body. Nil for a new key (then reserved).
    private func replayIfSeen(
        _ key: String, caller: ExchangeCaller, batchId: String, at date: Date, body: RequestBody,
        on connection: PostgresConnection
    ) async throws -> (HTTPResponse.Status, ByteBuffer)? {
        // A concurrent push with the same key waits here until the first one commits or rolls back.
        if try await ExchangeStore.reserve(
            key, credential: caller.credentialId, batchId: batchId, at: date, on: connection, logger: context.logger)
        {
            return nil
        }
        var hasher = SHA256()
        for try await buffer in body { buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) } }
        let presented = Array(hasher.finalize())
        if let stored = try await ExchangeStore.answer(
            to: key, credential: caller.credentialId, on: connection, logger: context.logger)
        {
            guard stored.bodySHA256 == presented else {
                throw APIError(
                    .unprocessableContent, code: "idempotency_key_reused",
                    message: "this Idempotency-Key was used for a different body", field: "Idempotency-Key")
            }
            return (.ok, ByteBuffer(string: stored.response))
        }
        return nil
    }

    // MARK: - Read

    @Sendable func read(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let (caller, dataset, rate) = try await enter(request, routeContext, scope: .read, operation: "read")
        do {
            let query = request.uri.queryParameters
            let limit = try pageSize(query.get("limit"))
            var after: String?
            if let cursor = query.get("after") {
                guard let key = Cursor.decode(cursor) else {
                    throw APIError(
                        .badRequest, code: "invalid_parameter", message: "not a cursor from this API", field: "after")
                }
                after = key
            }
            var filters: [(String, String)] = []
            for (name, value) in query where name != "limit" && name != "after" {
                guard dataset.definition.fields.contains(where: { $0.name == String(name) }) else {
                    throw APIError(
                        .badRequest, code: "invalid_parameter",
                        message: "'\(name)' is neither limit, after nor a field of the contract", field: String(name))
                }
                filters.append((String(name), String(value)))
            }
            var body = ByteBuffer()
            body.writeString("{\"datasetId\":")
            body.writeString(jsonString(dataset.datasetId))
            body.writeString(",\"records\":[")
            var count = 0
            var lastKey: String?
            try await ExchangeStore.records(
                of: dataset, after: after ?? "", filters: filters.map { (field: $0.0, value: $0.1) }, limit: limit + 1,
                client: context.client, logger: routeContext.logger
            ) { key, record in
                count += 1
                guard count <= limit else { return }
                if count > 1 { body.writeInteger(UInt8(ascii: ",")) }
                body.writeString(record)
                lastKey = key
            }
            let more = count > limit
            body.writeString("],\"nextCursor\":")
            body.writeString(more ? jsonString(Cursor.encode(lastKey ?? "")) : "null")
            body.writeString("}")
            try await audit(call(caller, dataset, "read", status: 200, records: min(count, limit)))
            return respond(body, rate: rate)
        } catch let error as APIError {
            throw await refused(error, caller, dataset, "read")
        }
    }

    @Sendable func get(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let (caller, dataset, rate) = try await enter(request, routeContext, scope: .read, operation: "get")
        let key = routeContext.parameters.get("key").map { $0.removingPercentEncoding ?? $0 } ?? ""
        guard
            let found = try await ExchangeStore.record(
                key, of: dataset, client: context.client, logger: routeContext.logger)
        else { throw await refused(APIError.notFound("record"), caller, dataset, "get") }
        try await audit(call(caller, dataset, "get", status: 200, records: 1))
        return respond(ByteBuffer(string: found), rate: rate)
    }

    @Sendable func changes(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let (caller, dataset, rate) = try await enter(request, routeContext, scope: .read, operation: "changes")
        do {
            let query = request.uri.queryParameters
            let limit = try pageSize(query.get("limit"))
            var since: Int64 = 0
            if let text = query.get("since") {
                guard let value = Int64(text), value >= 0 else {
                    throw APIError(
                        .badRequest, code: "invalid_parameter", message: "since is a change number from this API (≥ 0)",
                        field: "since")
                }
                since = value
            }
            var body = ByteBuffer()
            body.writeString("{\"datasetId\":")
            body.writeString(jsonString(dataset.datasetId))
            body.writeString(",\"changes\":[")
            var count = 0
            var last = since
            try await ExchangeStore.changes(
                of: dataset, since: since, limit: limit, client: context.client, logger: routeContext.logger
            ) { sequence, key, record in
                count += 1
                if count > 1 { body.writeInteger(UInt8(ascii: ",")) }
                body.writeString("{\"change\":\(sequence),\"key\":\(jsonString(key)),\"record\":\(record)}")
                last = sequence
            }
            body.writeString("],\"nextSince\":\(last)}")
            try await audit(call(caller, dataset, "changes", status: 200, records: count))
            return respond(body, rate: rate)
        } catch let error as APIError {
            throw await refused(error, caller, dataset, "changes")
        }
    }

    // MARK: - Catalogue

    /// Satu Data metadata of a dataset, with its contract.
    struct DatasetMetadata: Encodable {
        let datasetId: String
        let name: String
        let description: String?
        let producer: String
        let requestId: String
        let classification: String?
        let updateFrequency: String?
        let contractId: String
        let contractVersion: Int
        let primaryKey: [String]
        let fields: [FieldDefinition]
        let consumers: [String]
        let provisionedAt: Date
        let updatedAt: Date
        let recordsPath: String
        let changesPath: String

        init(_ dataset: HubDataset) {
            datasetId = dataset.datasetId
            name = dataset.name
            description = dataset.definition.description
            producer = dataset.agencyCode
            requestId = dataset.requestId
            classification = dataset.definition.classification
            updateFrequency = dataset.definition.updateFrequency
            contractId = dataset.contractId
            contractVersion = dataset.contractVersion
            primaryKey = dataset.definition.primaryKey
            fields = dataset.definition.fields
            consumers = dataset.consumers
            provisionedAt = dataset.provisionedAt
            updatedAt = dataset.updatedAt
            recordsPath = "/v1/datasets/\(dataset.datasetId)/records"
            changesPath = "/v1/datasets/\(dataset.datasetId)/changes"
        }
    }

    /// Datasets the caller may see: with an exchange key, its dataset; with an account, the
    /// agency's own and those it consumes (office-wide roles see all).
    @Sendable func list(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let visible: (HubDataset) -> Bool
        if isExchangeKey(request) {
            let caller = try await credentials.authenticate(request)
            visible = { $0.datasetId == caller.datasetId }
        } else {
            let account = try routeContext.require(Set(Role.allCases))
            visible = { dataset in
                account.agencyCode.map { $0 == dataset.agencyCode || dataset.consumers.contains($0) } ?? true
            }
        }
        let datasets = try await DatasetStore.provisioned(client: context.client, logger: routeContext.logger).filter(
            visible
        ).map(DatasetMetadata.init)
        return try JSONResponse.make(["datasets": datasets])
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let datasetId = routeContext.parameters.get("dataset") ?? ""
        if isExchangeKey(request) {
            let caller = try await credentials.authenticate(request)
            guard caller.datasetId == datasetId,
                let dataset = try await HubDataset.find(datasetId, client: context.client, logger: routeContext.logger)
            else {
                throw APIError.notFound("dataset")
            }
            try await audit(call(caller, dataset, "contract", status: 200))
            return try JSONResponse.make(DatasetMetadata(dataset))
        }
        let account = try routeContext.require(Set(Role.allCases))
        guard let dataset = try await HubDataset.find(datasetId, client: context.client, logger: routeContext.logger),
            account.agencyCode.map({ $0 == dataset.agencyCode || dataset.consumers.contains($0) }) ?? true
        else {
            throw APIError.notFound("dataset")
        }
        return try JSONResponse.make(DatasetMetadata(dataset))
    }

    // MARK: - Helpers

    /// Authenticates, rate-limits and authorises an exchange call on `{dataset}`.
    private func enter(_ request: Request, _ routeContext: JembatanRequestContext, scope: Scope, operation: String)
        async throws -> (ExchangeCaller, HubDataset, RateLimiter.Decision)
    {
        let caller: ExchangeCaller
        if scope == .write && !isExchangeKey(request) && request.headers[.authorization] != nil {
            caller = try await producerAccount(request, routeContext)
        } else {
            caller = try await credentials.authenticate(request)
        }
        let decision = await limiter.take(caller.credentialId, ratePerMinute: caller.ratePerMinute)
        guard decision.allowed else {
            throw RateLimited(decision: decision)
        }
        let datasetId = routeContext.parameters.get("dataset") ?? ""
        guard caller.datasetId == datasetId,
            let dataset = try await HubDataset.find(datasetId, client: context.client, logger: context.logger)
        else {
            try? await audit(
                AuditChain.Call(
                    actor: caller.credentialId, agencyCode: caller.agencyCode, datasetId: datasetId,
                    operation: operation, status: 404))
            throw APIError.notFound("dataset")
        }
        do {
            try caller.authorize(scope, on: datasetId)
        } catch let error as APIError {
            throw await refused(error, caller, dataset, operation)
        }
        return (caller, dataset, decision)
    }

    /// A push by a signed-in producer account (the workspace's record-file form) for its own
    /// agency's provisioned dataset: authorised like a write key of that dataset, rate limited and
    /// written to the same audit chain with the account as actor (`akun:{name}`).
    private func producerAccount(_ request: Request, _ routeContext: JembatanRequestContext) async throws
        -> ExchangeCaller
    {
        let account = try routeContext.require([.producer])
        let datasetId = routeContext.parameters.get("dataset") ?? ""
        guard let dataset = try await HubDataset.find(datasetId, client: context.client, logger: context.logger),
            let agency = account.agencyCode, dataset.agencyCode == agency
        else {
            throw APIError.notFound("dataset")
        }
        guard dataset.state == .provisioned else {
            throw APIError(
                .forbidden, code: "dataset_not_provisioned",
                message: "the dataset's API is not provisioned (integration test not passed)", field: "Authorization")
        }
        return ExchangeCaller(
            credentialId: "akun:\(account.name)", agencyCode: agency, scope: .write, datasetId: datasetId,
            requestId: dataset.requestId, ratePerMinute: credentials.defaultRatePerMinute)
    }

    /// Records a refused call in the audit log, then hands the error back to be thrown.
    private func refused(_ error: APIError, _ caller: ExchangeCaller, _ dataset: HubDataset, _ operation: String) async
        -> APIError
    {
        let rejected = error.code == "records_rejected" ? error.violations.count : 0
        try? await audit(call(caller, dataset, operation, status: Int(error.status.code), rejected: rejected))
        return error
    }

    private func call(
        _ caller: ExchangeCaller, _ dataset: HubDataset, _ operation: String, status: Int, records: Int = 0,
        rejected: Int = 0
    ) -> AuditChain.Call {
        AuditChain.Call(
            actor: caller.credentialId, agencyCode: caller.agencyCode, datasetId: dataset.datasetId,
            operation: operation,
            status: status, records: records, rejected: rejected)
    }

    private func audit(_ call: AuditChain.Call) async throws {
        try await context.client.inTransaction(logger: context.logger) { connection in
            try await AuditChain.append(call, on: connection, logger: context.logger)
            try await ExchangeStore.countRead(of: call.actor, on: connection, logger: context.logger)
        }
    }

    private func pageSize(_ text: String?) throws -> Int {
        guard let text else { return Self.defaultPage }
        guard let limit = Int(text), (1...Self.maximumPage).contains(limit) else {
            throw APIError(
                .badRequest, code: "invalid_parameter", message: "limit is 1–\(Self.maximumPage)", field: "limit")
        }
        return limit
    }

    private func isExchangeKey(_ request: Request) -> Bool {
        request.headers[.authorization]?.hasPrefix("Bearer \(ExchangeKey.prefix)") ?? false
    }

    private func respond(_ body: ByteBuffer, status: HTTPResponse.Status = .ok, rate: RateLimiter.Decision) -> Response
    {
        var headers: HTTPFields = [.contentType: "application/json"]
        RateLimited.describe(rate, in: &headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    private func jsonString(_ text: String) -> String {
        var output = ""
        FlatRecordJSON.appendString(text, to: &output)
        return output
    }
}

/// Opaque page cursors: the last key, base64url.
enum Cursor {
    static func encode(_ key: String) -> String {
        Data(key.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        ).replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) -> String? {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text).flatMap { String(data: $0, encoding: .utf8) }
    }
}

/// 429 with `Retry-After` and the key's quota headers.
struct RateLimited: HTTPResponseError {
    let decision: RateLimiter.Decision
    var status: HTTPResponse.Status { .tooManyRequests }

    static func describe(_ decision: RateLimiter.Decision, in headers: inout HTTPFields) {
        headers[HTTPField.Name("RateLimit-Limit")!] = "\(decision.limit)"
        headers[HTTPField.Name("RateLimit-Remaining")!] = "\(decision.remaining)"
        headers[HTTPField.Name("RateLimit-Reset")!] = "\(decision.retryAfter)"
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try APIError(
            .tooManyRequests, code: "rate_limited",
            message: "this key may make \(decision.limit) calls a minute; retry after \(decision.retryAfter) s",
            field: "Authorization"
        )
        .response(from: request, context: context)
        response.headers[.retryAfter] = "\(decision.retryAfter)"
        Self.describe(decision, in: &response.headers)
        return response
    }
}
