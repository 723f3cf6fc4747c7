import Foundation
import JembatanShared
import Testing

extension RealStack {
    /// The forms behind the steps: bad input comes back on the same page in Indonesian, and nothing is stored.
    @Suite("Workspace forms: refusals on the same page, nothing stored")
    struct FormTests {
        @Test(
            "an incomplete new request and a disposition with a past deadline come back with the rule beside the field; the database holds nothing of them"
        )
        func refusedForms() async throws {
            let producer = try await WorkspaceTests.signedIn("form.operator", .producer, agency: "35.14-dinkes")
            let form = try await producer.get("/permohonan/baru")
            #expect(form.status == 200 && form.text.contains("Ajukan permohonan"))
            let title = "Formulir tidak lengkap \(UUID().uuidString.prefix(6))"
            let refused = try await producer.post(
                "/permohonan/baru",
                ["_csrf": form.csrf ?? "", "title": title, "dataset": "form_uji", "fields": "kode string wajib"])
            #expect(refused.status == 422 && refused.text.contains("Permohonan belum lengkap"))
            #expect(refused.text.contains("galat-purpose") && refused.text.contains("Wajib diisi."))
            #expect(refused.text.contains("value=\"\(title)\""), "what was typed is kept")
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM intake.requests WHERE title = \(title)") == 0)

            // A submitted request; the head's sheet with a deadline in the past is refused.
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer,
                json: submission(datasetName: "form_disposisi"))
            let requestId = try #require(submitted.json["requestId"] as? String)
            let head = try await WorkspaceTests.signedIn("form.kepala", .head)
            var page = try await head.get("/permohonan/\(requestId)")
            for _ in 0..<40 where !page.text.contains("Beri disposisi") {
                try await Task.sleep(for: .milliseconds(250))
                page = try await head.get("/permohonan/\(requestId)")
            }
            #expect(page.text.contains("Beri disposisi"), "the head's form is on the request page")
            let past = try await head.post(
                "/permohonan/\(requestId)/langkah/disposisi",
                [
                    "_csrf": page.csrf ?? "", "addressee": "Tim Teknis", "instruction": "Kaji",
                    "urgency": "segera", "deadline": "2020-01-01", "note": "",
                ])
            #expect(past.status == 422 && past.text.contains("Tanggal tidak boleh sudah lewat"), "\(past.status)")
            #expect(past.text.contains("value=\"2020-01-01\""), "the date typed is kept")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM intake.documents WHERE request_id = \(requestId) AND kind = 'lembar_disposisi'"
                ) == 0, "no sheet is stored")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM intake.requests WHERE request_id = \(requestId) AND state = 'submitted'")
                    == 1)
            let declined = try await head.post(
                "/permohonan/\(requestId)/langkah/tolak", ["_csrf": page.csrf ?? "", "reason": ""])
            #expect(declined.status == 422 && declined.text.contains("galat-reason"), "a decline needs its reason")
        }
    }
}
