import Hummingbird

/// Refuses a request whose path or query carries a NUL character (`%00`): PostgreSQL text cannot
/// hold one, so such a value would otherwise reach a query and fail there as a server error.
/// The answer is 400 naming the parameter, and nothing runs.
public struct InputCharactersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    /// Refuses a request whose path or query holds control characters; calls `next` otherwise.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if request.uri.path.contains("\u{0}") || request.uri.path.lowercased().contains("%00") {
            throw APIError(
                .badRequest, code: "invalid_parameter", message: "the path contains a NUL character", field: "path")
        }
        for (name, value) in request.uri.queryParameters where name.contains("\u{0}") || value.contains("\u{0}") {
            throw APIError(
                .badRequest, code: "invalid_parameter", message: "'\(name)' contains a NUL character",
                field: String(name))
        }
        return try await next(request, context)
    }
}
