import ArgumentParser
import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// The operator executable: topics, tail, demo.
@main
struct JembatanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jembatan",
        abstract:
            "Operate Jembatan: accounts, topics, tail events, dead letters, lag, replay, maintenance checks and backups, reference lists, audit log, a demo request through every SOP step.",
        subcommands: [
            AccountsCommand.self, TopicsCommand.self, TailCommand.self, DemoCommand.self, ReferenceCommand.self,
            AuditCommand.self, BenchCommand.self,
            DeadLetterCommand.self, LagCommand.self, ReplayCommand.self, OpsCommand.self, BackupCommand.self,
            AsyncAPICommand.self, FaultsCommand.self, CalendarCommand.self,
        ]
    )

    /// Runs the chosen subcommand; a database error is printed with its real cause (PostgresNIO's own
    /// description is deliberately generic), which names neither the password nor bound values.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as PSQLError {
            FileHandle.standardError.write(
                Data("Error: the database refused or failed: \(String(reflecting: error))\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

/// Writes one line to standard output immediately (scripts and CI read it through a pipe).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Reads the shared configuration or exits with the reason.
func loadConfiguration() throws -> JembatanConfiguration {
    do {
        return try JembatanConfiguration(service: nil)
    } catch {
        throw ValidationError("invalid configuration: \(error)")
    }
}

/// A logger that stays out of the way: the operator's own output is the point, and each command
/// reports what failed itself (with the broker down, librdkafka alone would print hundreds of
/// "Connection refused" lines at error level before `ops check` could say "broker: FAIL").
func quietLogger() -> Logger {
    var logger = Logger(label: "jembatan")
    logger.logLevel = .critical
    return logger
}

/// `jembatan topics create`: every topic, explicitly, with several partitions.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "Manage topics.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create every Jembatan topic (existing ones are left alone).")

        @Option(help: "Partitions per topic.")
        var partitions = Topic.defaultPartitions

        func run() async throws {
            let configuration = try loadConfiguration()
            let outcomes = try await KafkaAdmin.createTopics(
                Topic.allCases.map(\.rawValue), partitions: partitions, configuration: configuration.kafka,
                logger: quietLogger())
            for topic in Topic.allCases {
                say(
                    "\(topic.rawValue): \(outcomes[topic.rawValue] == .created ? "created with \(partitions) partitions" : "already exists")"
                )
            }
        }
    }
}

/// `jembatan asyncapi`: the AsyncAPI 3 document of every topic and event type, from the code.
struct AsyncAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asyncapi",
        abstract: "Print the AsyncAPI 3.0 document of every topic and event type (docs/asyncapi.json is this output).")

    func run() async throws {
        FileHandle.standardOutput.write(Data(try AsyncAPIDocument.json().utf8))
    }
}
