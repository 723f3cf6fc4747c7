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

/// `jembatan faults`: drive N requests through the whole procedure over HTTP while a fault
/// schedule kills services, pauses the broker and restarts PostgreSQL; then prove from the
/// database and the topics that every acknowledged request completed exactly once.
struct FaultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faults",
        abstract: "Fault-injection run against a local stack (deploy/local/faults.sh starts one).")

    @Option(help: "Requests to drive through every step.")
    var requests = 200

    @Option(help: "Requests in flight at once.")
    var concurrency = 16

    @Option(help: "Port of the intake service; the others follow.")
    var intakePort = 8081

    @Option(
        help:
            "The stack script that carries out the faults (kill, start, start-second, pause, resume, restart-postgres)."
    )
    var stackScript = "deploy/local/stack.sh"

    @Option(help: "Seconds the broker stays paused (SIGSTOP).")
    var brokerPauseSeconds = 20

    @Option(help: "Seed of the fault schedule's random moments.")
    var seed: UInt64 = 2026

    @Flag(help: "Run the workload without faults (a baseline).")
    var noFaults = false

    @Flag(
        help:
            "Harder rounds: PostgreSQL crashes (kill -9 of the postmaster, crash recovery) while the broker is frozen longer than the session timeout, services killed while their relays wait for the frozen broker, and a second crash after the thaw."
    )
    var hard = false

    func run() async throws {
        let started = Date()
        let configuration = try loadConfiguration()
        let suffix = String(UUID().uuidString.lowercased().prefix(6))
        let tokens = try await withAccountAdministration { administration in
            var tokens: [Role: String] = [:]
            for (role, agency) in [
                (Role.producer, "35.14-dinkes" as String?), (.head, nil), (.technical, nil), (.supervisor, nil),
            ] {
                tokens[role] = try await administration.create(
                    name: "faults-\(role.rawValue)-\(suffix)", role: role, agencyCode: agency,
                    validFor: .seconds(86_400), createdBy: "jembatan faults"
                ).text
            }
            return tokens
        }
        let deadLettersBefore = try await Self.deadLetterCount(configuration.kafka)
        let client = ServiceClient(host: "127.0.0.1", intakePort: intakePort, timeout: 30)
        let walker = ProcedureWalk(
            client: client, producer: tokens[.producer]!, head: tokens[.head]!, technical: tokens[.technical]!,
            supervisor: tokens[.supervisor]!, resilient: true)
        say(
            "faults: \(requests) requests, \(concurrency) at a time\(noFaults ? ", no faults" : ", \(hard ? "hard " : "")fault schedule seed \(seed)")"
        )
        let progress = Progress()
        let requests = self.requests
        let concurrency = self.concurrency
        let schedule =
            noFaults ? nil : FaultSchedule(script: stackScript, brokerPause: brokerPauseSeconds, seed: seed, hard: hard)
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let schedule {
                group.addTask { try await schedule.run { progress.completed.load(ordering: .relaxed) >= requests } }
            }
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { walkers in
                    var next = 0
                    func launch() {
                        let index = next
                        next += 1
                        walkers.addTask {
                            do {
                                _ = try await walker.walk(index: index) { id in
                                    progress.acknowledged.withLock { $0.append(id) }
                                }
                            } catch {
                                progress.failures.withLock { $0.append("request #\(index): \(error)") }
                            }
                            let done = progress.completed.add(1, ordering: .relaxed).newValue
                            if done % 50 == 0 {
                                say("faults: \(done)/\(requests) walked (\(Int(Date().timeIntervalSince(started))) s)")
                            }
                        }
                    }
                    for _ in 0..<min(concurrency, requests) { launch() }
                    while try await walkers.next() != nil { if next < requests { launch() } }
                }
            }
            try await group.waitForAll()
        }
        let walked = Date().timeIntervalSince(started)
        let failures = progress.failures.withLock { $0 }
        say("faults: workload finished in \(Int(walked)) s; \(failures.count) walks failed")
        for failure in failures.prefix(10) { say("   \(failure)") }
        let verdict = try await Checker(configuration: configuration, deadLettersBefore: deadLettersBefore).verify(
            progress.acknowledged.withLock { $0 })
        say("faults: \(verdict.passed ? "PASSED" : "FAILED") in \(Int(Date().timeIntervalSince(started))) s")
        if !verdict.passed || !failures.isEmpty { throw ExitCode(1) }
    }

    final class Progress: Sendable {
        let acknowledged = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        let completed = Atomic<Int>(0)
    }

    static func deadLetterCount(_ kafka: KafkaConfiguration) async throws -> Int64 {
        try await KafkaOffsets.watermarks(
            topics: [Topic.deadLetter.rawValue], configuration: kafka, logger: quietLogger()
        ).values.reduce(0) { $0 + $1.high }
    }
}

extension ProcedureWalk {
    /// The workload's request number `index`: its own dataset, retried through every fault.
    func walk(index: Int, acknowledged: @Sendable (String) -> Void) async throws -> String {
        try await walk(
            Self.submission(title: "Uji ketahanan \(index)", dataset: "fasilitas_\(index)"),
            idempotencyKey: "faults-walk-\(index)-\(UUID().uuidString)", acknowledged: acknowledged)
    }
}

/// The faults, at random moments while the workload runs: kill -9 of each service (and of two
/// instances of validation at once), the broker paused, PostgreSQL restarted.
struct FaultSchedule: Sendable {
    let script: String
    let brokerPause: Int
    let seed: UInt64
    var hard = false

    func stack(_ arguments: String...) async {
        let line = "\(script) \(arguments.joined(separator: " "))"
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: system("\(line) >/dev/null 2>&1")) }.start()
        }
        say("   fault: \(arguments.joined(separator: " "))\(status == 0 ? "" : " (exit \(status))")")
    }

    /// Rounds of faults a quiet minute apart until the workload is done (at least one full round).
    func run(until isDone: @escaping @Sendable () -> Bool) async throws {
        var random = SplitMix(seed: seed)
        var round = 1
        repeat {
            say("   fault round \(round)")
            try await self.round(&random)
            round += 1
            // A quiet minute between rounds: the system must recover and catch up, not only survive.
            for _ in 0..<60 where !isDone() { try await Task.sleep(for: .seconds(1)) }
        } while !isDone()
    }

    func round(_ random: inout SplitMix) async throws {
        func pause(_ random: inout SplitMix) async throws {
            try await Task.sleep(for: .milliseconds(Int(500 + random.next() % 2500)))
        }
        try await pause(&random)
        // Each service killed and restarted; two validation instances killed at once.
        for service in ["provisioning", "evaluation", "intake", "reporting"] {
            await stack("kill", service)
            try await Task.sleep(for: .milliseconds(300))
            await stack("start", service)
            try await pause(&random)
        }
        await stack("start-second", "validation")
        try await pause(&random)
        await stack("kill", "validation")
        await stack("kill", "validation-2")
        await stack("start", "validation")
        await stack("start-second", "validation")
        try await pause(&random)
        await stack("pause", "broker")
        try await Task.sleep(for: .seconds(brokerPause))
        await stack("resume", "broker")
        try await pause(&random)
        await stack("restart-postgres")
        try await pause(&random)
        await stack("kill", "evaluation")
        await stack("kill", "validation-2")
        try await Task.sleep(for: .milliseconds(300))
        await stack("start", "evaluation")
        if hard { try await hardRound(&random) }
    }

    /// What broke in practice, harder: PostgreSQL crashes (no shutdown: its connections vanish
    /// mid-transaction) while the broker has been frozen longer than the consumers' session
    /// timeout; while the broker is still frozen, the relays of the two busiest outboxes wait for
    /// acknowledgements that cannot come (a batch is leased and in flight) and their services are
    /// killed with SIGKILL there; then the thaw, and a second crash while everything catches up.
    func hardRound(_ random: inout SplitMix) async throws {
        try await Task.sleep(for: .milliseconds(Int(500 + random.next() % 2500)))
        let frozen = ContinuousClock.now
        await stack("pause", "broker")
        try await Task.sleep(for: .seconds(3))
        await stack("crash-postgres")
        try await Task.sleep(for: .seconds(2))
        await stack("kill", "intake")
        await stack("kill", "evaluation")
        await stack("start", "intake")
        await stack("start", "evaluation")
        let remaining = Duration.seconds(max(brokerPause, 15)) - (ContinuousClock.now - frozen)
        if remaining > .zero { try await Task.sleep(for: remaining) }
        await stack("resume", "broker")
        try await Task.sleep(for: .milliseconds(Int(2000 + random.next() % 4000)))
        await stack("crash-postgres")
        try await Task.sleep(for: .milliseconds(Int(500 + random.next() % 2500)))
        await stack("kill", "provisioning")
        try await Task.sleep(for: .milliseconds(300))
        await stack("start", "provisioning")
    }
}

/// A small deterministic generator for the schedule.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Proves the run from the database and the topics.
struct Checker: Sendable {
    let configuration: JembatanConfiguration
    let deadLettersBefore: Int64

    struct Verdict {
        var passed = true
    }

    func verify(_ acknowledged: [String]) async throws -> Verdict {
        var verdict = Verdict()
        func check(_ ok: Bool, _ text: String) {
            say("   \(ok ? "ok  " : "FAIL") \(text)")
            if !ok { verdict.passed = false }
        }
        let ids = Set(acknowledged)
        check(ids.count == acknowledged.count, "\(acknowledged.count) requests acknowledged, each once")
        // Quiet first: consumer lag back to 0 and outboxes empty, within two minutes.
        let logger = quietLogger()
        let client = configuration.database.makeClient(logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            var lag: Int64 = -1
            var unpublished = -1
            var unreported = -1
            let deadline = Date().addingTimeInterval(180)
            while Date() < deadline {
                lag =
                    (try? await LagCommand.measure(configuration: configuration.kafka))?.reduce(Int64(0)) {
                        $0 + $1.lag
                    } ?? -1
                unpublished = 0
                for service in ServiceName.allCases {
                    unpublished += try await DatabaseInspection.outboxBacklog(
                        of: service, client: client, logger: logger
                    ).pending
                }
                unreported = try await DatabaseInspection.completedWithoutReport(client: client, logger: logger)
                if lag == 0 && unpublished == 0 && unreported == 0 { break }
                try await Task.sleep(for: .seconds(1))
            }
            check(lag == 0, "consumer lag of every group back to 0 (\(lag))")
            check(unpublished == 0, "every outbox empty (\(unpublished) unpublished)")
            check(unreported == 0, "every completed request has its stored report (\(unreported) waiting)")

            func perRequest(_ outcome: DatabaseInspection.Outcome) async throws -> [String: Int] {
                try await DatabaseInspection.count(outcome, client: client, logger: logger).filter {
                    ids.contains($0.key)
                }
            }
            func exactlyOne(_ counts: [String: Int], _ what: String) {
                let wrong = ids.filter { counts[$0] != 1 }
                check(
                    wrong.isEmpty,
                    "\(what): exactly one for each of \(ids.count) requests\(wrong.isEmpty ? "" : " — \(wrong.count) wrong, e.g. \(wrong.first!) has \(counts[wrong.first!] ?? 0)")"
                )
            }
            exactlyOne(try await perRequest(.completedInReadModel), "completed in the read model")
            exactlyOne(try await perRequest(.agreedContract), "contract version (one agreement each)")
            exactlyOne(try await perRequest(.hubDataset), "hub dataset")
            exactlyOne(try await perRequest(.passedIntegrationTest), "passed integration test")
            exactlyOne(try await perRequest(.acceptedFinalDecision), "accepted final decision")
            exactlyOne(try await perRequest(.storedReport), "stored integration report")
            let credentials = try await perRequest(.credentials)
            let sets = Set(ids.map { credentials[$0] ?? 0 })
            check(
                sets.count == 1 && (sets.first ?? 0) > 0,
                "one credential set per request (\(sets.sorted().map(String.init).joined(separator: ", ")) credentials each)"
            )
        }
        // The topics: each event once in effect (duplicates only as redeliveries of the same event id), in order per request.
        let snapshot = try await TopicSnapshot.read(
            [.intake, .evaluation, .provisioning, .validation, .reporting], configuration: configuration.kafka,
            limit: .seconds(120))
        let messages = snapshot.messages
        var events: [String: [(type: String, id: String, topic: String, offset: Int64)]] = [:]
        var redeliveries = 0
        var seen: Set<String> = []
        for message in messages {
            guard let key = message.keyText, ids.contains(key),
                case .success(let attributes) = CloudEventCodec.attributes(of: message.value, key: key)
            else { continue }
            if !seen.insert(attributes.id).inserted {
                redeliveries += 1
                continue
            }
            events[key, default: []].append((attributes.type.rawValue, attributes.id, message.topic, message.offset))
        }
        let once: [EventType] = [
            .requestSubmitted, .requestDispositioned, .evaluationStarted, .contractAgreed, .integrationTestPassed,
            .apiProvisioned,
            .requestAccepted, .requestCompleted, .reportPublished,
        ]
        var duplicated: [String] = []
        var missing: [String] = []
        var disordered: [String] = []
        for id in ids {
            let list = events[id] ?? []
            for type in once {
                let count = list.filter { $0.type == type.rawValue }.count
                if count > 1 { duplicated.append("\(id) \(type.rawValue) ×\(count)") }
                if count == 0 { missing.append("\(id) \(type.rawValue)") }
            }
            for (first, second) in [
                (EventType.requestSubmitted, EventType.requestDispositioned), (.evaluationStarted, .contractAgreed),
                (.integrationTestPassed, .apiProvisioned),
                (.validationRunCompleted, .requestAccepted), (.requestCompleted, .reportPublished),
            ] {
                if let a = list.first(where: { $0.type == first.rawValue }),
                    let b = list.first(where: { $0.type == second.rawValue }), a.offset > b.offset
                {
                    disordered.append("\(id): \(second.rawValue) before \(first.rawValue)")
                }
            }
        }
        check(
            missing.isEmpty,
            "every step's event on its topic for every request\(missing.isEmpty ? "" : " — missing: \(missing.prefix(3))")"
        )
        check(
            duplicated.isEmpty,
            "no event published twice with different ids\(duplicated.isEmpty ? "" : " — \(duplicated.prefix(3))") (\(redeliveries) redeliveries of the same id, absorbed by inboxes)"
        )
        check(
            disordered.isEmpty,
            "per-request order kept on every topic\(disordered.isEmpty ? "" : " — \(disordered.prefix(3))")")
        let deadLetters = try await FaultsCommand.deadLetterCount(configuration.kafka) - deadLettersBefore
        check(deadLetters == 0, "no dead letters from transient faults (\(deadLetters) new)")
        say(
            "   counted: \(messages.count) records on the topics, \(events.values.reduce(0) { $0 + $1.count }) distinct events of these requests"
                + "; \(snapshot.beyondWatermarks) read past the watermarks the broker reported first; offset gaps: \(snapshot.gaps.isEmpty ? "none" : snapshot.gaps.prefix(5).joined(separator: ", "))"
        )
        return verdict
    }
}
