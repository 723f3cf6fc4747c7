import Foundation
import JembatanShared
import PostgresNIO
import Testing

extension RealStack {
    /// Stored and published reports, the monthly report, and the read model rebuilt from the topics (the pages people read are the workspace's: WorkspaceTests and Tests/Browser).
    @Suite("Reports and replay")
    struct ReportingTests {
        static func storedReports(_ subject: String, token: String) async throws -> [[String: Any]] {
            let reply = try await ServiceHTTP.call("GET", "reporting", "/v1/reports?subject=\(subject)", token: token)
            #expect(reply.status == 200, "\(reply.text)")
            return reply.json["reports"] as? [[String: Any]] ?? []
        }

        @Test(
            "calendar years are data: an admin loads a decree (each wrong date named, nothing stored), others may read but not load"
        )
        func calendarYears() async throws {
            let admin = try await TestAccounts.shared.token("admin-kalender", .admin)
            let bad = try await ServiceHTTP.call(
                "PUT", "reporting", "/v1/calendar/years/2099", token: admin,
                json: ["year": 2099, "decree": "SKB uji", "holidays": ["2099-02-30", "2098-01-01"], "cutiBersama": []])
            #expect(bad.status == 422, "\(bad.text)")
            let fields = ((bad.json["error"] as? [String: Any])?["violations"] as? [[String: Any]] ?? []).compactMap {
                $0["field"] as? String
            }
            #expect(fields == ["holidays[0]", "holidays[1]"])
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM reporting.calendar_years WHERE year = 2099")
                    == 0)
            let year: [String: Any] = [
                "year": 2099, "decree": "SKB uji 2099", "holidays": ["2099-01-01", "2099-08-17"],
                "cutiBersama": ["2099-12-24"],
            ]
            let head = try await Actors.head
            #expect(
                try await ServiceHTTP.call("PUT", "reporting", "/v1/calendar/years/2099", token: head, json: year)
                    .status == 403)
            let loaded = try await ServiceHTTP.call(
                "PUT", "reporting", "/v1/calendar/years/2099", token: admin, json: year)
            #expect(loaded.status == 200 && loaded.json["holidays"] as? Int == 2, "\(loaded.text)")
            let listed = try await ServiceHTTP.call("GET", "reporting", "/v1/calendar/years", token: head)
            let years = (listed.json["years"] as? [[String: Any]] ?? []).compactMap { $0["year"] as? Int }
            #expect(years.contains(2026) && years.contains(2099), "the built-in decree and the loaded one: \(years)")
            #expect(listed.json["provisionalYears"] is [Int])
        }

        @Test(
            "a completed request's integration report is stored once with its PDF and announced with report.published; the monthly report counts it"
        )
        func publishedReports() async throws {
            let requestId = try await ProcedureTests.walkToCompletion(dataset: "published_probe")
            let head = try await Actors.head
            var stored: [[String: Any]] = []
            for _ in 0..<60 where stored.isEmpty {
                stored = try await Self.storedReports(requestId, token: head)
                if stored.isEmpty { try await Task.sleep(for: .seconds(1)) }
            }
            #expect(stored.count == 1, "one report per completed request: \(stored)")
            let report = try #require(stored.first)
            #expect(report["kind"] as? String == "integration" && report["version"] as? Int == 1)
            #expect(report["formats"] as? [String] == ["html", "pdf"], "printed when stored")
            let path = try #require(report["path"] as? String)
            let html = try await ServiceHTTP.call("GET", "reporting", path, token: head)
            #expect(html.status == 200 && html.text.contains("8. Keputusan akhir") && html.text.contains(requestId))
            let pdf = try await ServiceHTTP.call("GET", "reporting", "\(path)/document.pdf", token: head)
            #expect(pdf.status == 200 && pdf.text.hasPrefix("%PDF"))
            #expect(
                try await ServiceHTTP.call("GET", "reporting", path, token: try await Actors.otherAgencyProducer).status
                    == 404, "another agency's report is not found")
            #expect(
                try await Self.storedReports(requestId, token: try await Actors.producer).count == 1,
                "the producing agency reads its own")

            let published = try await TopicReader.collect([.reporting], where: { $0.keyText == requestId }) {
                messages in
                messages.contains { $0.eventType == EventType.reportPublished.rawValue }
            }
            let announcement = try #require(published.first { $0.eventType == EventType.reportPublished.rawValue })
            let payload = try CloudEventCodec.payload(ReportPublished.self, from: announcement.value)
            #expect(payload.path == path && payload.kind == "integration" && payload.sha256.count == 64)
            // Three more rounds of the publisher: still one report, one announcement.
            try await Task.sleep(for: .seconds(5))
            #expect(try await Self.storedReports(requestId, token: head).count == 1)
            let again = try await TopicReader.collect(
                [.reporting], seconds: 8,
                where: { $0.keyText == requestId && $0.eventType == EventType.reportPublished.rawValue }
            ) { _ in false }
            #expect(again.count == 1, "announced exactly once")

            // The monthly report of this month counts the completion for the agency, and can be published now.
            let month = String(EventTime.format(Date()).prefix(7))
            let monthly = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/monthly-reports/\(month)/report.json", token: head)
            #expect(monthly.status == 200, "\(monthly.text)")
            let dinkes = (monthly.json["agencies"] as? [[String: Any]] ?? []).first {
                $0["agencyCode"] as? String == "35.14-dinkes"
            }
            #expect(
                (dinkes?["completed"] as? Int ?? 0) >= 1 && (dinkes?["stepsMeasured"] as? Int ?? 0) >= 1,
                "\(dinkes ?? [:])")
            #expect(monthly.json["provisional"] as? Bool == true)
            let publication = try await ServiceHTTP.call(
                "POST", "reporting", "/v1/monthly-reports/\(month)/publications", token: head, json: [:])
            #expect(
                publication.status == 201 && publication.json["kind"] as? String == "monthly", "\(publication.text)")
            let page = try await ServiceHTTP.call(
                "GET", "reporting", try #require(publication.json["path"] as? String), token: head)
            #expect(page.text.contains("Kepatuhan mutu baku waktu per instansi") && page.text.contains("35.14-dinkes"))
            let bad = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/monthly-reports/2026-13/report.json", token: head)
            #expect(
                bad.status == 400 && (bad.json["error"] as? [String: Any])?["field"] as? String == "month",
                "\(bad.text)")
            #expect(
                try await ServiceHTTP.call(
                    "GET", "reporting", "/v1/monthly-reports/\(month)/report.json", token: try await Actors.producer
                ).status == 403,
                "the monthly report covers every agency")
        }

        @Test(
            "replaying the topics from the beginning rebuilds a read model identical to the live one, and a tampered live row is found"
        )
        func replay() async throws {
            let supervisor = try await Actors.supervisor
            _ = try await ProcedureTests.walkToCompletion(dataset: "replay_probe")
            // Background work of earlier tests (runs after pushes) may still be arriving: a real difference persists, a race does not.
            var outcome: [String: Any] = [:]
            for attempt in 0..<4 {
                let reply = try await ServiceHTTP.call(
                    "POST", "reporting", "/v1/read-model/replays", token: supervisor, json: [:])
                #expect(reply.status == 200, "\(reply.text)")
                outcome = reply.json
                if outcome["identical"] as? Bool == true { break }
                if attempt < 3 { try await Task.sleep(for: .seconds(3)) }
            }
            #expect(outcome["identical"] as? Bool == true, "\(String(describing: outcome["differences"]))")
            #expect(
                (outcome["requests"] as? Int ?? 0) >= 2
                    && (outcome["timelineEntries"] as? Int ?? 0) > (outcome["requests"] as? Int ?? 0))

            // The comparison can fail: change one live row and the replay names it.
            let victim = try await ProcedureTests.walkToCompletion(dataset: "replay_victim")
            try await TestDatabase.with { client in
                _ = try await client.query(
                    "UPDATE reporting.requests SET title = 'diubah tanpa peristiwa' WHERE request_id = \(victim)")
            }
            let tampered = try await ServiceHTTP.call(
                "POST", "reporting", "/v1/read-model/replays", token: supervisor, json: [:])
            #expect(tampered.json["identical"] as? Bool == false)
            let differences = tampered.json["differences"] as? [String] ?? []
            #expect(
                differences.contains { $0.contains("only in live") && $0.contains(victim) }
                    && differences.contains { $0.contains("only in replay") && $0.contains(victim) },
                "\(differences)")
            try await TestDatabase.with { client in
                _ = try await client.query(
                    "UPDATE reporting.requests SET title = 'Integrasi data fasilitas kesehatan' WHERE request_id = \(victim)"
                )
            }
            #expect(
                try await ServiceHTTP.call(
                    "POST", "reporting", "/v1/read-model/replays", token: try await Actors.producer, json: [:]
                ).status == 403)
        }

    }
}
