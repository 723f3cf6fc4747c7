import ArgumentParser
import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// `jembatan accounts`: create (also the first admin), list, revoke.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Manage accounts and their bearer tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account; its token is printed once and never stored.")

        @Option(help: "Unique account name (letters, digits, '-', '_', '.').")
        var name: String

        @Option(help: "producer, head, supervisor, technical, consumer or admin.")
        var role: String

        @Option(help: "Agency code (producer and consumer accounts only).")
        var agency: String?

        @Option(help: "Days until the token expires.")
        var expiresInDays = 365

        func run() async throws {
            guard let role = Role(rawValue: role), role != .system else {
                throw ValidationError("--role: one of producer, head, supervisor, technical, consumer, admin")
            }
            guard (1...3650).contains(expiresInDays) else { throw ValidationError("--expires-in-days: 1…3650") }
            let token = try await withAccountAdministration { administration in
                try await administration.create(
                    name: name, role: role, agencyCode: agency, validFor: .seconds(expiresInDays * 86_400),
                    createdBy: "jembatan accounts create")
            }
            say(
                "account \(name) (\(role.rawValue)\(agency.map { ", agency \($0)" } ?? "")) created; token (shown once):"
            )
            say(token.text)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts (never their tokens).")

        func run() async throws {
            let accounts = try await withAccountAdministration { try await $0.list() }
            let formatter = ISO8601DateFormatter()
            for account in accounts {
                let state =
                    account.revokedAt != nil
                    ? "revoked"
                    : (account.expiresAt < Date()
                        ? "expired" : "active until \(formatter.string(from: account.expiresAt))")
                say("\(account.name)  \(account.role)  \(account.agencyCode ?? "-")  \(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an account's token, effective immediately.")

        @Option(help: "Account name.")
        var name: String

        func run() async throws {
            let revoked = try await withAccountAdministration { try await $0.revoke(name: name) }
            guard revoked else { throw ValidationError("no active account named '\(name)'") }
            say("account \(name) revoked")
        }
    }
}

/// Runs `body` with a connected account administration (identity schema migrated first).
func withAccountAdministration<T: Sendable>(_ body: @Sendable (AccountAdministration) async throws -> T) async throws
    -> T
{
    let configuration = try loadConfiguration()
    let logger = quietLogger()
    let client = configuration.database.makeClient(logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        let administration = AccountAdministration(client: client, logger: logger)
        do {
            try await administration.prepare()
            return try await body(administration)
        } catch let error as AccountError {
            throw ValidationError(error.description)
        }
    }
}
