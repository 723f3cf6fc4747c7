import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import PostgresNIO

/// The outermost middleware of every service: gives each HTTP request an id, writes one access-log
/// line per request and counts it on `/metrics`.
///
/// - The id is the caller's `X-Request-ID` (1–128 visible ASCII characters) or a new UUID; it is
///   returned in the response's `X-Request-ID` and put in the request logger's metadata
///   (`http.request.id`), so every line a handler logs through `context.logger` carries it.
/// - Access line (info; debug for `/livez`, `/readyz` and `/metrics`): method, route (the matched pattern, e.g. `/v1/requests/{id}`), status,
///   duration in seconds, request id.
/// - `jembatan_http_requests_total{method,route,status}` and
///   `jembatan_http_request_duration_seconds{method,route}` (histogram).
/// - An error that is not an HTTP error (a database failure, say) is logged with its full
///   description (`String(reflecting:)`: PostgresNIO's own description is deliberately generic) and
///   answered 503 `database_unavailable` when PostgreSQL cannot be reached, 500 `internal_error`
///   otherwise — never a bare 500 without a body.
public struct RequestObservationMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The response header (and accepted request header) carrying the id.
    public static var header: HTTPField.Name { HTTPField.Name("X-Request-ID")! }

    let logger: Logger
    let database: DatabaseMonitor?

    /// Creates the middleware; `logger` is the service's (its label names the service in the access
    /// lines); while `database` finds PostgreSQL unreachable, requests other than the operational
    /// endpoints are answered 503 at once instead of waiting for the pool.
    public init(logger: Logger, database: DatabaseMonitor? = nil) {
        self.logger = logger
        self.database = database
    }

    static var operationalPaths: Set<String> { ["/livez", "/readyz", "/metrics", "/openapi.json"] }

    /// Times the request, logs its access line and answers database outages as 503.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        let id = Self.requestID(from: request)
        var context = context
        context.logger[metadataKey: LogKey.httpRequestID] = .string(id)
        var response: Response
        do {
            if let database, !database.isReachable, !Self.operationalPaths.contains(request.uri.path) {
                context.logger.error(
                    "Request refused: PostgreSQL is unreachable",
                    metadata: [LogKey.error: .string(database.cause ?? "unknown")])
                throw APIError(
                    .serviceUnavailable, code: "database_unavailable",
                    message: "the database cannot be reached at the moment; retry shortly")
            }
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            response = try Self.unexpected(error, request: request, context: context)
        }
        response.headers[Self.header] = id
        let route = context.endpointPath ?? "unmatched"
        let seconds = (ContinuousClock.now - started).seconds
        let method = request.method.rawValue
        let status = String(response.status.code)
        Counter(
            label: "jembatan_http_requests_total",
            dimensions: [("method", method), ("route", route), ("status", status)]
        ).increment()
        Timer(
            label: "jembatan_http_request_duration_seconds", dimensions: [("method", method), ("route", route)],
            preferredDisplayUnit: .seconds
        )
        .recordNanoseconds(Int64(seconds * 1e9))
        // Probes and scrapes every few seconds would drown the requests people make: debug for those.
        let level: Logger.Level = ["/livez", "/readyz", "/metrics"].contains(route) ? .debug : .info
        context.logger.log(
            level: level, "HTTP request",
            metadata: [
                "http.method": .string(method), "http.route": .string(route), "http.status": .string(status),
                "http.duration_seconds": .string(String(format: "%.4f", seconds)),
            ])
        return response
    }

    /// The caller's id when it is usable, otherwise a new one.
    static func requestID(from request: Request) -> String {
        if let given = request.headers[header], !given.isEmpty, given.count <= 128,
            given.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f })
        {
            return given
        }
        return UUID().uuidString.lowercased()
    }

    /// Logs an unexpected error with its real cause and answers with a body the caller can read.
    static func unexpected(_ error: any Error, request: Request, context: Context) throws -> Response {
        context.logger.error("Request failed", metadata: [LogKey.error: .string(String(reflecting: error))])
        let unavailable = DatabaseFailure.isConnectionProblem(error)
        let answer =
            unavailable
            ? APIError(
                .serviceUnavailable, code: "database_unavailable",
                message: "the database cannot be reached at the moment; retry shortly")
            : APIError(
                .internalServerError, code: "internal_error",
                message: "an unexpected error occurred; the service log has its cause under this request's X-Request-ID"
            )
        return try answer.response(from: request, context: context)
    }
}
