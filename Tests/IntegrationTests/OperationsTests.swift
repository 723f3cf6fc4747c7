import Foundation
import JembatanShared
import PostgresNIO
import Testing

extension RealStack {
    /// The maintenance SOP through the operator command: checks and incidents, backups, dead-letter redrive.
    @Suite("Operations (maintenance SOP)")
    struct OperationsTests {
        static func check(_ extra: String...) async throws -> (status: Int32, output: String) {
            try await ExchangeHubTests.operator(
                ["ops", "check", "--port-base", String(LocalStack.portBase), "--disk-minimum-mib", "1"] + extra)
        }

        static func waitReady(_ service: String) async throws {
            for _ in 0..<100 {
                if (try? await ServiceHTTP.call("GET", service, "/readyz"))?.status == 200 { return }
                try await Task.sleep(for: .milliseconds(200))
            }
            Issue.record("\(service) did not become ready")
        }

        @Test(
            "ops check records a stopped service as an incident, escalates it when it stays open, and closes it after the restart"
        )
        func incidents() async throws {
            let healthy = try await Self.check()
            #expect(healthy.status == 0, "\(healthy.output)")
            #expect(
                healthy.output.contains("ok   service:validation") && healthy.output.contains("ok   postgresql")
                    && healthy.output.contains("ok   topics"))
            // Each service's own numbers, as Prometheus scrapes them.
            for service in ["intake", "evaluation", "provisioning", "validation", "reporting"] {
                let line = healthy.output.split(separator: "\n").first { $0.contains("health:\(service) ") } ?? ""
                #expect(
                    line.hasPrefix("ok") && line.contains("lag ") && line.contains("outbox ")
                        && line.contains("consumer loop turned") && line.contains("live"), "\(line)")
            }
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM operations.incidents WHERE closed_at IS NULL")
                    == 0)

            try await LocalStack.script("stop", "validation")
            let failing = try await Self.check()
            #expect(failing.status != 0 && failing.output.contains("FAIL service:validation"), "\(failing.output)")
            #expect(failing.output.contains("incident") && failing.output.contains("opened: service:validation"))
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM operations.incidents WHERE component = 'service:validation' AND closed_at IS NULL"
                ) == 1)
            let still = try await Self.check("--escalate-after-minutes", "0")
            #expect(still.output.contains("escalated to the head: service:validation"), "\(still.output)")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM operations.incidents WHERE component = 'service:validation' AND closed_at IS NULL"
                ) == 1,
                "a failing component keeps one open incident")

            try await LocalStack.script("start", "validation")
            try await Self.waitReady("validation")
            let recovered = try await Self.check()
            #expect(
                recovered.status == 0 && recovered.output.contains("closed: service:validation"), "\(recovered.output)")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM operations.incidents WHERE component = 'service:validation' AND closed_at IS NOT NULL AND escalated_at IS NOT NULL"
                ) >= 1)
            let events = try await TopicReader.collect(
                [.operations], where: { $0.eventType?.hasPrefix("id.jembatan.incident.") == true }
            ) { messages in
                messages.contains { $0.eventType == EventType.incidentClosed.rawValue }
            }
            let kinds = events.compactMap(\.eventType)
            #expect(
                kinds.contains(EventType.incidentOpened.rawValue)
                    && kinds.contains(EventType.incidentEscalated.rawValue)
                    && kinds.contains(EventType.incidentClosed.rawValue), "\(kinds)")
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM operations.outbox WHERE published_at IS NULL")
                    == 0, "every record announced")

            // The monthly maintenance report in reporting is built from those events.
            let month = String(EventTime.format(Date()).prefix(7))
            let report = try await ServiceHTTP.eventually(
                "reporting", "/v1/maintenance-reports/\(month)/report.json", token: try await Actors.head
            ) { report in
                (report["incidents"] as? [[String: Any]] ?? []).contains {
                    $0["component"] as? String == "service:validation" && $0["closedAt"] != nil
                }
            }
            let incident = (report["incidents"] as? [[String: Any]] ?? []).last {
                $0["component"] as? String == "service:validation"
            }
            #expect(incident?["escalatedAt"] != nil)
            #expect(
                (report["checks"] as? Int ?? 0) >= 4
                    && (report["components"] as? [[String: Any]] ?? []).contains {
                        $0["component"] as? String == "service:validation"
                    })
            let page = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/maintenance-reports/\(month)/report", token: try await Actors.head)
            #expect(page.text.contains("2. Insiden") && page.text.contains("service:validation"))
        }

        @Test("backup restores into a scratch database with every table equal, and a corrupted backup is detected")
        func backup() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "jembatan-backup-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let made = try await ExchangeHubTests.operator("backup", "create", "--to", "'\(folder.path)'")
            #expect(
                made.status == 0 && made.output.contains("verified: restored into a scratch database"), "\(made.output)"
            )
            let file = try #require(
                try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".dump") })
            let path = folder.appendingPathComponent(file).path
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM operations.backups WHERE verified AND file = \(path)") == 1)
            let manifest =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path + ".manifest.json")))
                as? [String: Any]
            let tables = manifest?["tables"] as? [String: Any] ?? [:]
            #expect(
                tables["intake.requests"] != nil && tables["reporting.events"] != nil && tables.count > 20,
                "every schema's tables are in the manifest")

            // Damage the middle of the backup: the restore or the checksums must say so.
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let middle = bytes.count / 2
            for index in middle..<min(middle + 64, bytes.count) { bytes[index] ^= 0x5A }
            let damaged = folder.appendingPathComponent("damaged.dump").path
            try bytes.write(to: URL(fileURLWithPath: damaged))
            try FileManager.default.copyItem(atPath: path + ".manifest.json", toPath: damaged + ".manifest.json")
            let verdict = try await ExchangeHubTests.operator("backup", "verify", "'\(damaged)'")
            #expect(verdict.status != 0 && verdict.output.contains("NOT VERIFIED"), "\(verdict.output)")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM operations.backups WHERE NOT verified AND file = \(damaged)") == 1,
                "the failed proof is recorded")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM pg_database WHERE datname LIKE 'jembatan_restore_%'") == 0,
                "scratch databases are dropped")
        }

        @Test(
            "a dead letter, redriven with its corrected value after the fix, is applied exactly once; a second redrive of the same record is refused"
        )
        func redrive() async throws {
            // A real submission, rewritten as a new request whose payload lacks its title: both consumers of intake dead-letter it.
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer,
                json: submission(datasetName: "redrive_template"))
            let template = try #require(submitted.json["requestId"] as? String)
            let sample = try #require(
                try await TopicReader.collect(
                    [.intake], where: { $0.keyText == template && $0.eventType == EventType.requestSubmitted.rawValue }
                ) { !$0.isEmpty }.first)
            var envelope = try #require(try JSONSerialization.jsonObject(with: Data(sample.value)) as? [String: Any])
            let requestId = UUID().uuidString.lowercased()
            envelope["id"] = UUID().uuidString.lowercased()
            envelope["subject"] = requestId
            var data = try #require(envelope["data"] as? [String: Any])
            data["requestId"] = requestId
            let title = data["title"]
            data["title"] = nil
            envelope["data"] = data
            let broken = try JSONSerialization.data(withJSONObject: envelope)
            let producer = try TopicReader.producer()
            defer { producer.shutdown() }
            _ = try await producer.deliver(
                topic: Topic.intake.rawValue, key: requestId, value: Array(broken),
                headers: [KafkaHeader("content-type", CloudEventCodec.contentType)])
            let letters = try await TopicReader.collect([.deadLetter], where: { $0.keyText == requestId }) {
                $0.count >= 2
            }
            #expect(letters.count == 2, "evaluation and reporting each gave up on it")
            let listed = try await ExchangeHubTests.operator("dlq", "list")
            #expect(listed.output.contains("title"), "the reason names the field: \(listed.output.suffix(600))")

            data["title"] = title
            envelope["data"] = data
            let fixed = FileManager.default.temporaryDirectory.appendingPathComponent("fixed-\(requestId).json")
            defer { try? FileManager.default.removeItem(at: fixed) }
            try JSONSerialization.data(withJSONObject: envelope).write(to: fixed)
            let first = try #require(letters.first)
            let second = try #require(letters.last)
            let redriven = try await ExchangeHubTests.operator(
                "dlq", "redrive", "\(first.partition):\(first.offset)", "--value-file", "'\(fixed.path)'", "--reason",
                "'title restored'")
            #expect(
                redriven.status == 0 && redriven.output.contains("redriven to jembatan.intake.v1"), "\(redriven.output)"
            )
            _ = try await ServiceHTTP.eventually("reporting", "/v1/requests/\(requestId)", token: try await Actors.head)
            {
                ($0["request"] as? [String: Any])?["state"] as? String == "submitted"
            }
            let again = try await ExchangeHubTests.operator(
                "dlq", "redrive", "\(second.partition):\(second.offset)", "--reason", "'retry'")
            #expect(again.status != 0 && again.output.contains("already redriven"), "\(again.output)")
            let twice = try await ExchangeHubTests.operator(
                "dlq", "redrive", "\(first.partition):\(first.offset)", "--value-file", "'\(fixed.path)'", "--reason",
                "'again'")
            #expect(twice.status != 0 && twice.output.contains("already redriven"))
            let onTopic = try await TopicReader.collect([.intake], seconds: 8, where: { $0.keyText == requestId }) {
                _ in false
            }
            #expect(onTopic.count == 2, "the broken record and exactly one redriven copy")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM reporting.timeline WHERE request_id = \(requestId)") == 1, "applied once"
            )
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM operations.redrives WHERE sent_at IS NOT NULL AND original_topic = 'jembatan.intake.v1' AND replaced"
                ) >= 1)
            let announced = try await TopicReader.collect(
                [.operations],
                where: { $0.keyText == requestId && $0.eventType == EventType.deadLetterRedriven.rawValue }
            ) { !$0.isEmpty }
            #expect(announced.count == 1)
            let lag = try await ExchangeHubTests.operator("lag", "--all")
            #expect(lag.status == 0 && lag.output.contains("jembatan-reporting: total lag"), "\(lag.output)")
        }
    }
}
