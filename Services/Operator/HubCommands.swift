import ArgumentParser
import Foundation
import JembatanClient
import JembatanShared

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `jembatan reference import SET FILE`: loads a reference code list (CSV `code,label` with a
/// header row, e.g. the Kemendagri region list) into the hub through provisioning's API.
struct ReferenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference", abstract: "Reference code lists of the hub.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a reference list from a CSV file (code,label; header row first).")

        @Argument(help: "List name, e.g. wilayah.")
        var set: String

        @Argument(help: "CSV file.")
        var file: String

        @Option(help: "Token of an admin or technical account (or JEMBATAN_TOKEN).")
        var token: String?

        @Option(help: "Base URL of the provisioning service.")
        var provisioningURL = "http://127.0.0.1:\(ServiceName.provisioning.defaultPort)"

        func run() async throws {
            guard let token = token ?? ProcessInfo.processInfo.environment["JEMBATAN_TOKEN"] else {
                throw ValidationError("pass --token or set JEMBATAN_TOKEN (an admin or technical account's token)")
            }
            let summary = try await ReferenceUpload.put(
                set: set, file: URL(fileURLWithPath: file), token: token, baseURL: provisioningURL)
            say("reference list \(set): \(summary["codes"] ?? "?") codes imported")
        }
    }
}

/// The HTTP upload shared by `reference import` and the demo.
enum ReferenceUpload {
    static func put(set: String, file: URL, token: String, baseURL: String) async throws -> [String: Any] {
        let client = ServiceClient { _ in baseURL }
        let reply = try await client.upload(
            .provisioning, "/v1/reference/\(set)", method: "PUT", token: token, file: file, contentType: "text/csv")
        guard reply.succeeded else { throw ServiceClient.StatusError(status: reply.status, body: reply.text) }
        return reply.json
    }
}

/// `jembatan audit verify`: walks the exchange API's hash chain and names the first broken entry.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The tamper-evident log of exchange calls.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every entry's hash and link; exit 1 naming the first broken entry.")

        func run() async throws {
            let configuration = try loadConfiguration()
            let logger = quietLogger()
            let client = configuration.database.makeClient(logger: logger)
            let verification = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                return try await AuditChain.verify(client: client, logger: logger)
            }
            if let broken = verification.firstBroken {
                say(
                    "audit log BROKEN at entry \(broken.sequence): \(broken.reason) (\(verification.entries - 1) entries before it hold)"
                )
                throw ExitCode(1)
            }
            say("audit log intact: \(verification.entries) entries, every hash and link holds")
        }
    }
}
