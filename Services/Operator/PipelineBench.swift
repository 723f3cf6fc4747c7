import ArgumentParser
import Foundation
import JembatanClient
import JembatanShared
import Logging
import PostgresNIO
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `jembatan bench pipeline`: requests through every step — the saturation rate (closed loop),
/// then a fixed rate at half of it with the latency of each automated hop — next to pgbench
/// TPC-B on the same PostgreSQL in the same run; and each service's footprint and start-to-ready time.
struct PipelineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract:
            "Pipeline throughput, per-hop latency at half saturation, commits/s vs pgbench, RSS and start-to-ready per service."
    )

    @Option(help: "Requests in the saturation run.")
    var saturationRequests = 120

    @Option(help: "Requests in flight during the saturation run.")
    var concurrency = 24

    @Option(help: "Seconds of the fixed-rate run at half the saturation rate.")
    var fixedSeconds = 30

    @Option(help: "Port of the intake service; the others follow.")
    var intakePort = 8081

    @Option(help: "The stack script (stop/start a service for start-to-ready, pid for memory).")
    var stackScript = "deploy/local/stack.sh"

    @Option(help: "Folder with pgbench.")
    var pgBin = "/usr/lib/postgresql/15/bin"

    @Option(help: "File to append the results to (Markdown).")
    var output: String?

    func run() async throws {
        let configuration = try loadConfiguration()
        var lines: [String] = []
        func note(_ line: String) {
            say(line)
            lines.append(line)
        }
        let suffix = String(UUID().uuidString.lowercased().prefix(6))
        let tokens = try await withAccountAdministration { administration in
            var tokens: [Role: String] = [:]
            for (role, agency) in [
                (Role.producer, "35.14-dinkes" as String?), (.head, nil), (.technical, nil), (.supervisor, nil),
            ] {
                tokens[role] = try await administration.create(
                    name: "bench-\(role.rawValue)-\(suffix)", role: role, agencyCode: agency,
                    validFor: .seconds(86_400), createdBy: "jembatan bench"
                ).text
            }
            return tokens
        }
        let walker = ProcedureWalk(
            client: ServiceClient(host: "127.0.0.1", intakePort: intakePort, timeout: 30), producer: tokens[.producer]!,
            head: tokens[.head]!, technical: tokens[.technical]!, supervisor: tokens[.supervisor]!, resilient: true)
        // Footprint at rest, before any load.
        var idle: [String: Int] = [:]
        for service in ServiceName.allCases {
            idle[service.rawValue] = Self.memory(
                pid: try await Self.pid(service.rawValue, script: stackScript), field: "VmRSS:")
        }
        // Warm up (connections, consumer groups), then saturation: a closed loop.
        _ = try await walker.walk(index: 0) { _ in }
        let commitsBefore = try await Self.commits(configuration)
        let saturationStart = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 1
            for _ in 0..<concurrency {
                let index = next
                next += 1
                group.addTask { _ = try await walker.walk(index: index) { _ in } }
            }
            while try await group.next() != nil {
                if next <= saturationRequests {
                    let index = next
                    next += 1
                    group.addTask { _ = try await walker.walk(index: index) { _ in } }
                }
            }
        }
        let saturationSeconds = Date().timeIntervalSince(saturationStart)
        let commitsSaturation = Double(try await Self.commits(configuration) - commitsBefore) / saturationSeconds
        let saturation = Double(saturationRequests) / saturationSeconds
        // Fixed rate at half of it: one walk starts every interval whether or not earlier ones finished.
        let rate = saturation / 2
        let interval = 1 / rate
        let ids = Collected()
        let duration = Double(self.fixedSeconds)
        let fixedCommitsBefore = try await Self.commits(configuration)
        let fixedStart = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var index = 10_000
            while Date().timeIntervalSince(fixedStart) < duration {
                let current = index
                index += 1
                group.addTask {
                    let id = try await walker.walk(index: current) { _ in }
                    ids.ids.withLock { $0.append(id) }
                }
                try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            }
            try await group.waitForAll()
        }
        let fixedElapsed = Date().timeIntervalSince(fixedStart)
        let commitsFixed = Double(try await Self.commits(configuration) - fixedCommitsBefore) / fixedElapsed
        var loaded: [String: Int] = [:]
        for service in ServiceName.allCases {
            loaded[service.rawValue] = Self.memory(
                pid: try await Self.pid(service.rawValue, script: stackScript), field: "VmHWM:")
        }
        // Hop latencies from the events' own times.
        let hops = try await Self.hops(Set(ids.ids.withLock { $0 }), kafka: configuration.kafka)
        // pgbench TPC-B on the same server, same run.
        let pgbench = try await Self.pgbench(configuration: configuration, pgBin: pgBin)
        // Start-to-ready: each service stopped, then started; time until /readyz answers 200.
        var ready: [String: Double] = [:]
        for (index, service) in ServiceName.allCases.enumerated() {
            _ = await Self.shell("\(stackScript) stop \(service.rawValue)")
            let started = Date()
            _ = await Self.shell("\(stackScript) start \(service.rawValue) >/dev/null 2>&1 &")
            let client = ServiceClient(timeout: 2) { _ in "http://127.0.0.1:\(intakePort + index)" }
            while Date().timeIntervalSince(started) < 60 {
                if (try? await client.call("GET", service, "/readyz"))?.status == 200 {
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            ready[service.rawValue] = Date().timeIntervalSince(started)
        }
        let machine =
            "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
        note("")
        note("### Pipeline (`make bench`), \(machine)")
        note("")
        note("| measure | Jembatan | limit in the same run | ratio |")
        note("|---|---|---|---|")
        note(
            "| requests through all 10 steps, closed loop (\(concurrency) in flight) | \(String(format: "%.1f", saturation)) requests/s | — | — |"
        )
        note(
            "| database commits/s at saturation | \(Int(commitsSaturation)) | pgbench TPC-B \(Int(pgbench)) tps | \(String(format: "%.2f", commitsSaturation / pgbench)) × |"
        )
        note(
            "| database commits/s at half saturation (\(String(format: "%.1f", rate)) requests/s fixed rate, \(ids.ids.withLock { $0.count }) requests) | \(Int(commitsFixed)) | pgbench TPC-B \(Int(pgbench)) tps | \(String(format: "%.2f", commitsFixed / pgbench)) × |"
        )
        note("")
        note("Per-hop latency at half saturation (event time to event time, each hop an automated service step):")
        note("")
        note("| hop | p50 | p99 | n |")
        note("|---|---|---|---|")
        for hop in hops { note("| \(hop.name) | \(Self.ms(hop.p50)) | \(Self.ms(hop.p99)) | \(hop.count) |") }
        note("")
        note("| service | RSS idle | peak RSS under load | start to ready |")
        note("|---|---|---|---|")
        for service in ServiceName.allCases {
            note(
                "| \(service.rawValue) | \(idle[service.rawValue]! >> 10) MiB | \(loaded[service.rawValue]! >> 10) MiB | \(String(format: "%.2f", ready[service.rawValue] ?? 0)) s |"
            )
        }
        let totalIdle = idle.values.reduce(0, +) >> 10
        note("| **all five** | **\(totalIdle) MiB** (goal ≤ 150 MiB) | \(loaded.values.reduce(0, +) >> 10) MiB | |")
        if let output {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            handle.seekToEndOfFile()
            handle.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            try handle.close()
        }
    }

    final class Collected: Sendable {
        let ids = Mutex<[String]>([])
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }

    static func shell(_ command: String) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: system(command)) }.start()
        }
    }

    static func pid(_ service: String, script: String) async throws -> Int32 {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pid-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        _ = await shell("\(script) pid \(service) > '\(file.path)'")
        guard
            let pid = Int32(
                (try String(contentsOf: file, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw ValidationError("no pid for \(service)") }
        return pid
    }

    /// KiB of a /proc/<pid>/status field.
    static func memory(pid: Int32, field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    static func commits(_ configuration: JembatanConfiguration) async throws -> Int {
        let logger = quietLogger()
        let client = configuration.database.makeClient(logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await DatabaseInspection.commits(client: client, logger: logger)
        }
    }

    static func pgbench(configuration: JembatanConfiguration, pgBin: String) async throws -> Double {
        let database = configuration.database
        let connection = "-h \(database.host) -p \(database.port) -U \(database.user)"
        _ = await shell(
            "\(pgBin)/psql \(connection) -d postgres -qc 'DROP DATABASE IF EXISTS bench_pgbench' -c 'CREATE DATABASE bench_pgbench' >/dev/null 2>&1"
        )
        _ = await shell("\(pgBin)/pgbench \(connection) -i -s 10 -q bench_pgbench >/dev/null 2>&1")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgbench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        _ = await shell("\(pgBin)/pgbench \(connection) -c 8 -j 2 -T 20 bench_pgbench > '\(file.path)' 2>&1")
        _ = await shell(
            "\(pgBin)/psql \(connection) -d postgres -qc 'DROP DATABASE IF EXISTS bench_pgbench' >/dev/null 2>&1")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst(6).prefix { $0 == "." || $0.isNumber })
        else { throw ValidationError("pgbench gave no tps: \(text.suffix(300))") }
        return tps
    }

    struct Hop {
        let name: String
        let p50: Double
        let p99: Double
        let count: Int
    }

    /// The automated hops: a service reacting to another's event.
    static func hops(_ ids: Set<String>, kafka: KafkaConfiguration) async throws -> [Hop] {
        let pairs: [(String, EventType, EventType)] = [
            ("intake → evaluation: disposition to automated review", .requestDispositioned, .evaluationStarted),
            ("evaluation → provisioning: contract to integration test passed", .contractAgreed, .integrationTestPassed),
            ("provisioning: integration test to API provisioned", .integrationTestPassed, .apiProvisioned),
            ("validation → reporting: acceptance to completion recorded", .requestAccepted, .requestCompleted),
            ("reporting: completion to report published", .requestCompleted, .reportPublished),
        ]
        let messages = try await TopicSnapshot.read(
            [.intake, .evaluation, .provisioning, .validation, .reporting], configuration: kafka, limit: .seconds(120)
        ).messages
        var times: [String: [String: Date]] = [:]
        for message in messages {
            guard let key = message.keyText, ids.contains(key),
                case .success(let attributes) = CloudEventCodec.attributes(of: message.value, key: key)
            else { continue }
            if times[key]?[attributes.type.rawValue] == nil {
                times[key, default: [:]][attributes.type.rawValue] = attributes.time
            }
        }
        return pairs.map { name, from, to in
            let values = times.values.compactMap { events -> Double? in
                guard let start = events[from.rawValue], let end = events[to.rawValue] else { return nil }
                return end.timeIntervalSince(start)
            }.sorted()
            func percentile(_ p: Double) -> Double {
                values.isEmpty ? 0 : values[min(values.count - 1, Int(Double(values.count) * p))]
            }
            return Hop(name: name, p50: percentile(0.5), p99: percentile(0.99), count: values.count)
        }
    }
}
