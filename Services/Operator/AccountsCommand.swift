import ArgumentParser
import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// `jembatan accounts`: create (the first admin, machine accounts), list, set a password
/// (recovery), deactivate. People are otherwise managed on the workspace's accounts page; both
/// write through the same ``AccountAdministration``.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts", abstract: "Manage accounts, their passwords and their API tokens.",
        subcommands: [Create.self, List.self, Password.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create an account: with --full-name a person who signs in to the workspace (password from stdin or generated), otherwise a machine account whose API token is printed once."
        )

        @Option(help: "Unique account name (letters, digits, '-', '_', '.'): the person's sign-in name.")
        var name: String

        @Option(help: "A person's full name: makes a sign-in account with a password instead of a token.")
        var fullName: String?

        @Option(help: "NIP (18 digits).")
        var nip = ""

        @Option(help: "Position (jabatan).")
        var position = ""

        @Option(help: "E-mail address.")
        var email = ""

        @Option(help: "Telephone.")
        var telephone = ""

        @Flag(help: "Read the initial password from standard input instead of generating one.")
        var passwordStdin = false

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
            if let fullName {
                let password = passwordStdin ? (readLine(strippingNewline: true) ?? "") : generatedPassword()
                let person = PersonDetails(
                    username: name, fullName: fullName, nip: nip, position: position, role: role, agencyCode: agency,
                    email: email, telephone: telephone)
                try await withAccountAdministration { administration in
                    try await administration.create(person, password: password, createdBy: "jembatan accounts create")
                }
                say(
                    "account \(name) (\(role.rawValue)\(agency.map { ", agency \($0)" } ?? "")) created for \(fullName)"
                )
                if !passwordStdin { say("initial password (shown once; change it under Akun saya): \(password)") }
                return
            }
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
            for account in accounts {
                let state =
                    account.deactivatedAt != nil
                    ? "deactivated" : (account.hasPassword ? "active" : "active (tokens only)")
                say(
                    "\(account.name)  \(account.role)  \(account.agencyCode ?? "-")  \(account.fullName ?? "-")  \(state)"
                )
            }
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Set an account's password (recovery, e.g. the only admin forgot it); its sessions end. Read from stdin or generated."
        )

        @Option(help: "Account name.")
        var name: String

        @Flag(help: "Read the password from standard input instead of generating one.")
        var passwordStdin = false

        func run() async throws {
            let password = passwordStdin ? (readLine(strippingNewline: true) ?? "") : generatedPassword()
            try await withAccountAdministration { administration in
                try await administration.setPassword(username: name, password: password, by: "jembatan accounts")
            }
            say("password of \(name) set; its sessions ended")
            if !passwordStdin { say("new password (shown once): \(password)") }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deactivate an account: its sessions and every token stop at once.")

        @Option(help: "Account name.")
        var name: String

        func run() async throws {
            let revoked = try await withAccountAdministration { try await $0.revoke(name: name) }
            guard revoked else { throw ValidationError("no active account named '\(name)'") }
            say("account \(name) deactivated")
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
        } catch let error as AccountProblems {
            throw ValidationError(error.description)
        }
    }
}

/// A password for a person to change at first sign-in: 16 characters without look-alikes.
func generatedPassword() -> String {
    let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    var generator = SystemRandomNumberGenerator()
    return String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
}
