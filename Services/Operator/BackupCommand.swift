import ArgumentParser
import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// `jembatan backup`: a PostgreSQL backup proven by restoring it into a scratch database and
/// comparing every table's row count and checksum with the moment the backup was taken.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Back up PostgreSQL and prove the backup by restoring it.",
        subcommands: [Create.self, Verify.self],
        defaultSubcommand: Create.self)

    struct Location: ParsableArguments {
        @Option(help: "Folder with pg_dump, pg_restore (default: /usr/lib/postgresql/15/bin when present, else PATH).")
        var pgBin: String?

        func tool(_ name: String) -> String {
            if let pgBin { return "\(pgBin)/\(name)" }
            let debian = "/usr/lib/postgresql/15/bin/\(name)"
            return FileManager.default.isExecutableFile(atPath: debian) ? debian : name
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract:
                "Write a backup (pg_dump custom format + a manifest of table checksums), then verify it by restoring.")

        @Option(help: "Folder to write the backup into.")
        var to = ".local/backups"

        @OptionGroup var location: Location

        func run() async throws {
            let outcome = try await Operations.with { operations in
                try await Backup(operations: operations, location: location).create(folder: to)
            }
            try report(outcome)
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Restore an existing backup into a scratch database and compare it with its manifest.")

        @Argument(help: "The backup file (its manifest is FILE.manifest.json).")
        var file: String

        @OptionGroup var location: Location

        func run() async throws {
            let outcome = try await Operations.with { operations in
                try await Backup(operations: operations, location: location).verify(file: file, startedAt: Date())
            }
            try report(outcome)
        }
    }

    static func say(_ outcome: BackupCompleted) {
        JembatanOperator.say(
            "backup \(outcome.backupId): \(outcome.file) (\(outcome.sizeBytes) bytes, \(outcome.tables) tables)")
        if outcome.verified {
            JembatanOperator.say("verified: restored into a scratch database, every table equal in rows and checksum")
        } else {
            JembatanOperator.say("NOT VERIFIED:")
            for problem in outcome.problems { JembatanOperator.say("  \(problem)") }
        }
    }
}

private func report(_ outcome: BackupCompleted) throws {
    BackupCommand.say(outcome)
    if !outcome.verified { throw ExitCode(1) }
}

/// Namespace for the free `say` (the subcommands have their own static `say`).
enum JembatanOperator {
    static func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
}

struct Backup: Sendable {
    let operations: Operations
    let location: BackupCommand.Location

    struct Manifest: Codable {
        var backupId: String
        var createdAt: Date
        var database: String
        var tables: [String: TableSum]
    }

    struct TableSum: Codable, Equatable {
        var rows: Int
        var checksum: String
    }

    var database: DatabaseConfiguration { operations.configuration.database }

    /// Row count and an order-independent checksum of every table of the application's schemas.
    static func sums(on connection: PostgresConnection, logger: Logger) async throws -> [String: TableSum] {
        var sums: [String: TableSum] = [:]
        for (schema, table) in try await DatabaseInspection.applicationTables(on: connection, logger: logger) {
            let sum = try await DatabaseInspection.tableSum(
                schema: schema, table: table, on: connection, logger: logger)
            sums["\(schema).\(table)"] = TableSum(rows: sum.rows, checksum: sum.checksum)
        }
        return sums
    }

    func environment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if !database.password.isEmpty { environment["PGPASSWORD"] = database.password }
        return environment
    }

    func run(_ tool: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [location.tool(tool)] + arguments
        process.environment = environment()
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = await Task.detached { pipe.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    var connectionArguments: [String] { ["-h", database.host, "-p", String(database.port), "-U", database.user] }

    func create(folder: String) async throws -> BackupCompleted {
        let logger = operations.logger
        let startedAt = Date()
        let backupId = UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stamp = EventTime.format(startedAt).replacingOccurrences(of: ":", with: "").prefix(17)
        let file = URL(fileURLWithPath: folder).appendingPathComponent("jembatan-\(stamp)-\(backupId.prefix(8)).dump")
            .path
        // The dump and the manifest see the same snapshot: pg_dump attaches to one exported by a transaction held open meanwhile.
        let manifest = try await operations.client.withConnection { connection -> Manifest in
            let snapshot = try await DatabaseInspection.exportSnapshot(on: connection, logger: logger)
            do {
                let dump = try await run(
                    "pg_dump",
                    connectionArguments + [
                        "-d", database.database, "--format=custom", "--snapshot=\(snapshot)", "--file=\(file)",
                    ])
                guard dump.status == 0 else {
                    throw ValidationError("pg_dump failed (\(dump.status)): \(dump.output.prefix(500))")
                }
                let sums = try await Self.sums(on: connection, logger: logger)
                try await DatabaseInspection.endSnapshot(on: connection, commit: true, logger: logger)
                return Manifest(backupId: backupId, createdAt: startedAt, database: database.database, tables: sums)
            } catch {
                try? await DatabaseInspection.endSnapshot(on: connection, commit: false, logger: logger)
                throw error
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: file + ".manifest.json"))
        return try await verify(file: file, startedAt: startedAt, backupId: backupId)
    }

    /// Restores `file` into a scratch database, compares with the manifest, records the outcome, drops the scratch database.
    func verify(file: String, startedAt: Date, backupId: String = UUID().uuidString.lowercased()) async throws
        -> BackupCompleted
    {
        let logger = operations.logger
        var problems: [String] = []
        var manifest: Manifest?
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            manifest = try decoder.decode(
                Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: file + ".manifest.json")))
        } catch {
            problems.append("manifest \(file).manifest.json unreadable: \(error)")
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.intValue ?? 0
        let scratch = SQLIdentifier("jembatan_restore_\(UUID().uuidString.lowercased().prefix(8))")!
        if let manifest {
            try await DatabaseInspection.createDatabase(scratch, client: operations.client, logger: logger)
            do {
                let restore = try await run(
                    "pg_restore",
                    connectionArguments + ["-d", scratch.description, "--no-owner", "--exit-on-error", file])
                if restore.status != 0 {
                    problems.append(
                        "pg_restore failed (\(restore.status)): \(restore.output.split(separator: "\n").prefix(3).joined(separator: " / ").prefix(400))"
                    )
                } else {
                    var scratchConfiguration = database
                    scratchConfiguration.database = scratch.description
                    scratchConfiguration.maximumConnections = 1
                    let client = scratchConfiguration.makeClient(logger: logger)
                    let restored = try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { await client.run() }
                        defer { group.cancelAll() }
                        return try await client.withConnection { try await Self.sums(on: $0, logger: logger) }
                    }
                    for (table, expected) in manifest.tables.sorted(by: { $0.key < $1.key }) {
                        guard let actual = restored[table] else {
                            problems.append("\(table): missing from the restored backup")
                            continue
                        }
                        if actual != expected {
                            problems.append(
                                "\(table): \(expected.rows) rows \(expected.checksum.prefix(8)) when backed up, \(actual.rows) rows \(actual.checksum.prefix(8)) restored"
                            )
                        }
                    }
                    for table in restored.keys where manifest.tables[table] == nil {
                        problems.append("\(table): in the backup but not in its manifest")
                    }
                }
            } catch {
                problems.append("restore failed: \(error)")
            }
            try? await DatabaseInspection.dropDatabase(scratch, client: operations.client, logger: logger)
        }
        let outcome = BackupCompleted(
            backupId: manifest?.backupId ?? backupId, file: file, sizeBytes: size,
            verified: problems.isEmpty && manifest != nil,
            tables: manifest?.tables.count ?? 0, problems: problems, startedAt: startedAt, completedAt: Date())
        try await operations.client.inTransaction(logger: logger) { connection in
            try await MaintenanceStore.recordBackup(
                outcome, tables: try CloudEventCodec.jsonText(manifest?.tables ?? [:]), on: connection, logger: logger)
            try await OperationsSchema.outbox.enqueue(outcome, on: connection, logger: logger)
        }
        return outcome
    }
}
