import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// `/v1/profiles`: the SOP profiles (every role reads them); an admin adds a profile, or a new
/// version of one, as data. A stored version never changes: requests pin it.
struct ProfilesController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/profiles", use: list)
        router.get("v1/profiles/:profile", use: show)
        router.post("v1/profiles", use: add)
    }

    struct Listed: Encodable {
        let defaultProfile: String
        let profiles: [SOPProfile]
    }

    @Sendable func list(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require(Set(Role.allCases))
        let choice = try await ProfileChoice.load(context, logger: routeContext.logger)
        return try JSONResponse.make(
            Listed(defaultProfile: choice.defaultID, profiles: choice.profiles.values.sorted { $0.id < $1.id }))
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require(Set(Role.allCases))
        let id = routeContext.parameters.get("profile") ?? ""
        guard SOPProfile.isValidID(id) else { throw APIError.notFound("profile") }
        var version: Int?
        if let text = request.uri.queryParameters.get("version") {
            guard let number = Int(text), (1...1_000_000).contains(number) else {
                throw APIError(
                    .badRequest, code: "invalid_parameter", message: "version is an integer from 1", field: "version")
            }
            version = number
        }
        let found = try await context.client.withConnection { connection in
            try await ProfileReader.profile(id, version: version, on: connection, logger: routeContext.logger)
        }
        guard let found else { throw APIError.notFound("profile") }
        return try JSONResponse.make(found)
    }

    /// Stores a new profile, or the next version of one; the same id and version twice is refused.
    @Sendable func add(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.admin])
        let profile = try await JSONResponse.decode(SOPProfile.self, from: request)
        let violations = profile.violations
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = String(decoding: try encoder.encode(profile), as: UTF8.self)
        let logger = routeContext.logger
        try await context.client.inTransaction(logger: logger) { connection in
            if let latest = try await ProfileStore.latestVersion(of: profile.id, on: connection, logger: logger),
                profile.version <= latest
            {
                throw APIError(
                    .conflict, code: "version_exists",
                    message:
                        "profile \(profile.id) already has version \(latest): a stored version never changes; send version \(latest + 1)",
                    field: "version")
            }
            try await ProfileStore.insert(profile, body: body, by: account.name, on: connection, logger: logger)
        }
        return try JSONResponse.make(profile, status: .created)
    }
}
