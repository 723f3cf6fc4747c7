import Foundation
import JembatanShared
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension RealStack {
    /// The SLA clock of reporting against the request's SOP profile, with the time given (not slept).
    @Suite("SLA clock")
    struct SLATests {
        static func check(asOf: Date) async throws -> [[String: Any]] {
            let reply = try await ServiceHTTP.call(
                "POST", "reporting", "/v1/sla-checks", token: try await Actors.head,
                json: ["asOf": EventTime.format(asOf)])
            #expect(reply.status == 200, "\(reply.text)")
            return reply.json["alerts"] as? [[String: Any]] ?? []
        }

        @Test(
            "a step waiting for the head's disposition warns at 50, 75 and 90 % of its working day and breaches at 100 %, escalated to the head, each once"
        )
        func warningsAndBreach() async throws {
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer,
                json: submission(datasetName: "sla_probe"))
            let requestId = try #require(submitted.json["requestId"] as? String)
            let detail = try await ServiceHTTP.eventually(
                "reporting", "/v1/requests/\(requestId)", token: try await Actors.head
            ) {
                ($0["request"] as? [String: Any])?["state"] as? String == "submitted"
            }
            let startText = try #require((detail["request"] as? [String: Any])?["submittedAt"] as? String)
            let start = try #require(EventTime.parse(startText))
            let calendar = try WorkingCalendar.standard(extraFile: nil)
            func mine(_ alerts: [[String: Any]]) -> [Int] {
                alerts.filter { $0["requestId"] as? String == requestId }.compactMap { $0["threshold"] as? Int }
                    .sorted()
            }
            #expect(mine(try await Self.check(asOf: calendar.adding(workingDays: 0.4, to: start))) == [])
            #expect(mine(try await Self.check(asOf: calendar.adding(workingDays: 0.55, to: start))) == [50])
            #expect(
                mine(try await Self.check(asOf: calendar.adding(workingDays: 0.95, to: start))) == [75, 90],
                "thresholds passed between checks are each reported")
            #expect(
                mine(try await Self.check(asOf: calendar.adding(workingDays: 0.97, to: start))) == [],
                "each threshold once")
            let breach = try await Self.check(asOf: calendar.adding(workingDays: 1.1, to: start)).filter {
                $0["requestId"] as? String == requestId
            }
            #expect(
                breach.count == 1 && breach.first?["threshold"] as? Int == 100
                    && breach.first?["escalatedTo"] as? String == "head", "\(breach)")
            #expect(
                breach.first?["stepName"] as? String
                    == "Melakukan permohonan kepada Kepala Dinas untuk melakukan pengintegrasian atau pertukaran data",
                "the seed's wording of step 1")

            let events = try await TopicReader.collect([.reporting], where: { $0.keyText == requestId }) {
                $0.count >= 4
            }
            #expect(
                events.compactMap(\.eventType)
                    == [EventType.slaWarning, .slaWarning, .slaWarning, .slaBreached].map(\.rawValue))
            let listed = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/sla-alerts", token: try await Actors.producer)
            #expect(
                (listed.json["alerts"] as? [[String: Any]] ?? []).contains {
                    $0["requestId"] as? String == requestId && $0["threshold"] as? Int == 100
                })
            let other = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/sla-alerts", token: try await Actors.otherAgencyProducer)
            #expect(
                !(other.json["alerts"] as? [[String: Any]] ?? []).contains { $0["requestId"] as? String == requestId },
                "another agency does not see them")
            #expect(
                try await ServiceHTTP.call(
                    "POST", "reporting", "/v1/sla-checks", token: try await Actors.producer, json: [:]
                ).status == 403)

            // The head disposes: the next step's clock starts from zero.
            _ = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: try await Actors.head,
                json: ["note": "lanjut"])
            _ = try await ServiceHTTP.eventually("reporting", "/v1/requests/\(requestId)", token: try await Actors.head)
            {
                (($0["request"] as? [String: Any])?["sopStep"] as? Int ?? 0) >= 2
            }
            #expect(mine(try await Self.check(asOf: Date())) == [])
        }

        @Test(
            "the integration result report of a completed request has every section, built from its events, with the time per step against the standard"
        )
        func report() async throws {
            let requestId = try await ProcedureTests.walkToCompletion(dataset: "report_probe")
            let head = try await Actors.head
            let html = try await ServiceHTTP.call("GET", "reporting", "/v1/requests/\(requestId)/report", token: head)
            #expect(html.status == 200 && html.header("Content-Type")?.hasPrefix("text/html") == true)
            for heading in [
                "1. Permohonan dan instansi", "2. Disposisi", "3. Evaluasi teknis dan keputusan",
                "4. Kontrak data (dokumen interchange)",
                "5. Endpoint dan uji integrasi", "6. Penyerahan hasil", "7. Validasi data dan rekonsiliasi",
                "8. Keputusan akhir",
                "9. Mutu baku waktu per langkah", "10. Linimasa",
            ] {
                #expect(html.text.contains(heading), "\(heading)")
            }
            #expect(
                html.text.contains("Uji integrasi: <strong>lulus</strong>")
                    && html.text.contains("<strong>Diterima</strong>"))
            let json = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/requests/\(requestId)/report.json", token: head)
            #expect((json.json["contract"] as? [String: Any])?["contractVersion"] as? Int == 1)
            #expect((json.json["validationRun"] as? [String: Any])?["runId"] != nil)
            let steps = json.json["steps"] as? [[String: Any]] ?? []
            #expect(
                steps.first?["step"] as? Int == 1 && steps.first?["status"] as? String == "on_time",
                "\(steps.first ?? [:])")
            let csv = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/requests/\(requestId)/timeline.csv", token: head)
            let lines = csv.text.split(separator: "\n")
            #expect(
                lines.first == "occurred_at,event_type,actor"
                    && lines.count == ((json.json["timeline"] as? [Any])?.count ?? -1) + 1)
            #expect(
                try await ServiceHTTP.call(
                    "GET", "reporting", "/v1/requests/\(requestId)/report", token: try await Actors.otherAgencyProducer
                ).status == 404)
            let cookie = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/requests/\(requestId)/report", headers: ["Cookie": "jembatan_session=\(head)"])
            #expect(cookie.status == 401, "services take bearer tokens only; people read reports in the workspace")
            #expect(try await ServiceHTTP.call("GET", "reporting", "/v1/requests/\(requestId)/report").status == 401)

            // The PDF, read back with a real tool.
            let answer = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/requests/\(requestId)/report.pdf", token: head)
            let pdf = answer.data
            #expect(answer.status == 200, "\(answer.text.prefix(300))")
            #expect(pdf.starts(with: Array("%PDF".utf8)))
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).pdf")
            try pdf.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let text = try await ExchangeHubTests.shell("pdftotext -layout '\(file.path)' -")
            for heading in [
                "Laporan Hasil Integrasi Data", "1. Permohonan dan instansi", "5. Endpoint dan uji integrasi",
                "7. Validasi data dan rekonsiliasi",
                "8. Keputusan akhir", "9. Mutu baku waktu per langkah", "10. Linimasa",
            ] {
                #expect(text.contains(heading), "PDF text has \(heading)")
            }
        }
    }
}
