import Foundation
import Hummingbird

/// One rule a field broke.
public struct FieldViolation: Codable, Sendable, Equatable {
    /// Path of the field, e.g. `datasets[0].primaryKey`.
    public var field: String
    /// Machine-readable rule name, e.g. `required`, `max_length`.
    public var rule: String
    /// What to change.
    public var message: String

    /// Creates a violation.
    public init(field: String, rule: String, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }
}

/// An error returned to HTTP clients as `{"error": {code, message, field?, violations?}}`.
///
/// Internals (SQL text, stack traces) never go into it.
public struct APIError: HTTPResponseError, Sendable {
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// Machine-readable code, e.g. `validation_failed`, `not_found`.
    public var code: String
    /// Human message.
    public var message: String
    /// The field at fault, when one is.
    public var field: String?
    /// Every violated rule, when there are several.
    public var violations: [FieldViolation]

    /// Creates an error.
    public init(
        _ status: HTTPResponse.Status, code: String, message: String, field: String? = nil,
        violations: [FieldViolation] = []
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.violations = violations
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
            let violations: [FieldViolation]?
        }
        let error: Detail
    }

    /// Renders the JSON body.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            error: .init(code: code, message: message, field: field, violations: violations.isEmpty ? nil : violations))
        var response = try JSONResponse.make(body, status: status)
        if status == .serviceUnavailable { response.headers[.retryAfter] = "1" }
        return response
    }

    /// 422 listing every violated rule.
    public static func validationFailed(_ violations: [FieldViolation]) -> APIError {
        APIError(
            .unprocessableContent, code: "validation_failed",
            message: "\(violations.count) rule(s) failed; nothing was changed", field: violations.first?.field,
            violations: violations)
    }

    /// 404 that does not reveal whether the object exists for someone else.
    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) not found")
    }
}

/// JSON bodies in and out, with the same date format as events.
public enum JSONResponse {
    /// Encodes `value` as `application/json`.
    public static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try CloudEventCodec.makeEncoder().encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes an optional JSON body: nil when there is none, 400 naming `field` when it is not `T`.
    public static func decodeIfPresent<T: Decodable>(
        _ type: T.Type, from request: Request, expected: String, field: String
    ) async throws -> T? {
        let body = try await request.body.collect(upTo: 4096)
        guard body.readableBytes > 0 else { return nil }
        do {
            return try CloudEventCodec.makeDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            throw APIError(.badRequest, code: "invalid_body", message: "expected \(expected) or no body", field: field)
        }
    }

    /// Decodes the request body as `T`; a bad body is a 400 naming the field and the rule.
    public static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = 1 << 20) async throws
        -> T
    {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "request body exceeds \(limit) bytes")
        }
        do {
            return try CloudEventCodec.makeDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            let text = DecodingErrorText.describe(error)
            throw APIError(.badRequest, code: "invalid_body", message: text, field: DecodingErrorText.field(error))
        }
    }
}

/// `{"asOf": …}`: a check run as of another moment (time given, e.g. by tests and drills).
public struct AsOfBody: Decodable, Sendable {
    /// The moment to check as of; nil: now.
    public let asOf: Date?

    /// The moment of a request's optional `{"asOf"}` body; now when there is none.
    public static func moment(of request: Request) async throws -> Date {
        try await JSONResponse.decodeIfPresent(
            AsOfBody.self, from: request, expected: "{\"asOf\": \"<ISO 8601 time>\"}", field: "asOf")?.asOf ?? Date()
    }
}
