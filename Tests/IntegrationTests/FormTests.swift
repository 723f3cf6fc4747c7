import Foundation
import JembatanShared
import Testing

extension RealStack {
    /// The forms behind the steps: bad input comes back on the same page in Indonesian, and nothing is stored.
    @Suite("Workspace forms: refusals on the same page, nothing stored")
    struct FormTests {
        /// The request's page once reporting knows the request (it learns of it from the event a moment later).
        static func requestPage(_ requestId: String, as browser: WorkspaceBrowser) async throws -> WorkspaceBrowser.Page
        {
            var page = try await browser.get("/permohonan/\(requestId)")
            for _ in 0..<40 where page.status != 200 {
                try await Task.sleep(for: .milliseconds(250))
                page = try await browser.get("/permohonan/\(requestId)")
            }
            return page
        }

        /// The notices and field errors of a page, for a failure's message.
        static func messages(_ html: String) -> [String] {
            html.matches(of: /(?:notice|field-error)"[^>]*>([^<]*)/).map { String($0.output.1) }
        }

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

        @Test(
            "uploads through the forms: a DDL fills the dataset, a broken one is named; an oversized or disguised attachment comes back with the rule, nothing stored"
        )
        func uploads() async throws {
            let producer = try await WorkspaceTests.signedIn("form.operator", .producer, agency: "35.14-dinkes")
            let form = try await producer.get("/permohonan/baru")
            let csrf = ["_csrf": form.csrf ?? ""]
            let good = Data(
                "CREATE TABLE posyandu (\n  kode_posyandu varchar(12) PRIMARY KEY,\n  nama text NOT NULL,\n  kader integer\n);\nCREATE INDEX posyandu_nama ON posyandu (nama);\n"
                    .utf8)
            let filled = try await producer.postMultipart(
                "/permohonan/baru/ddl", csrf, files: [("ddl", "posyandu.sql", good)])
            #expect(
                filled.status == 200 && filled.text.contains("Dataset posyandu diisi dari DDL"),
                "\(filled.text.suffix(2000))")
            #expect(
                filled.text.contains("kode_posyandu string wajib") && filled.text.contains("value=\"kode_posyandu\""))
            #expect(
                filled.text.contains("Bagian DDL yang tidak diambil") && filled.text.contains("Baris 6"),
                "what intake could not read is listed by line")
            let broken = try await producer.postMultipart(
                "/permohonan/baru/ddl", csrf, files: [("ddl", "salah.sql", Data("SELECT * FROM posyandu;".utf8))])
            #expect(broken.status == 422 && broken.text.contains("Tidak ada CREATE TABLE yang terbaca"))
            let noToken = try await producer.postMultipart(
                "/permohonan/baru/ddl", [:], files: [("ddl", "posyandu.sql", good)])
            #expect(noToken.status == 403, "a file form is checked for its CSRF token like any other")

            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer,
                json: submission(datasetName: "form_lampiran"))
            let requestId = try #require(submitted.json["requestId"] as? String)
            let page = try await Self.requestPage(requestId, as: producer)
            #expect(page.text.contains("Lampirkan"))
            let fields = ["_csrf": page.csrf ?? "", "kind": "dokumen_aplikasi"]
            var large = Data("%PDF-1.4\n".utf8)
            large.append(Data(count: 20 * 1024 * 1024 + 1 - large.count))
            let oversized = try await producer.postMultipart(
                "/permohonan/\(requestId)/lampiran", fields, files: [("berkas", "besar.pdf", large)])
            #expect(
                oversized.status == 413 && oversized.text.contains("Berkas paling besar 20 MB."), "\(oversized.status)")
            let disguised = try await producer.postMultipart(
                "/permohonan/\(requestId)/lampiran", fields,
                files: [("berkas", "surat.pdf", Data([0x4D, 0x5A, 0x90, 0, 3]))])
            #expect(disguised.status == 422 && disguised.text.contains("Isi berkas bukan PDF"))
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM intake.attachments WHERE request_id = \(requestId)") == 0,
                "refused uploads store nothing")
            let stored = try await producer.postMultipart(
                "/permohonan/\(requestId)/lampiran", fields,
                files: [("berkas", "dokumen aplikasi.pdf", Data("%PDF-1.4\n%%EOF\n".utf8))])
            #expect(
                stored.status == 303 && stored.location?.contains("selesai=lampiran") == true,
                "\(stored.status) \(Self.messages(stored.text))")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM intake.attachments WHERE request_id = \(requestId)") == 1)
        }

        @Test(
            "the producer withdraws with a reason; the Kepala Bidang publishes a month's report; a wrong month is named"
        )
        func withdrawAndPublish() async throws {
            let producer = try await WorkspaceTests.signedIn("form.operator", .producer, agency: "35.14-dinkes")
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer,
                json: submission(datasetName: "form_tarik"))
            let requestId = try #require(submitted.json["requestId"] as? String)
            let page = try await Self.requestPage(requestId, as: producer)
            #expect(page.text.contains("Tarik permohonan"))
            let empty = try await producer.post(
                "/permohonan/\(requestId)/langkah/tarik", ["_csrf": page.csrf ?? "", "reason": " "])
            #expect(empty.status == 422 && empty.text.contains("galat-tarik"), "\(Self.messages(empty.text))")
            let withdrawn = try await producer.post(
                "/permohonan/\(requestId)/langkah/tarik",
                ["_csrf": page.csrf ?? "", "reason": "Data sudah dibagi lewat SIPD"])
            #expect(withdrawn.status == 303)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM intake.requests WHERE request_id = \(requestId) AND state = 'withdrawn'")
                    == 1)

            let supervisor = try await WorkspaceTests.signedIn("form.kabid", .supervisor)
            let reports = try await supervisor.get("/laporan")
            #expect(reports.text.contains("Terbitkan laporan bulanan"))
            let before = try await TestDatabase.count(
                "SELECT count(*)::int FROM reporting.reports WHERE kind = 'monthly'")
            let wrong = try await supervisor.post(
                "/laporan/terbitkan", ["_csrf": reports.csrf ?? "", "month": "2026-13"])
            #expect(wrong.status == 422 && wrong.text.contains("galat-bulan"))
            let published = try await supervisor.post(
                "/laporan/terbitkan", ["_csrf": reports.csrf ?? "", "month": "2026-11"])
            #expect(published.status == 200 && published.text.contains("Laporan bulanan 2026-11 diterbitkan"))
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM reporting.reports WHERE kind = 'monthly'")
                    == before + 1, "a new version is stored")
        }

        @Test(
            "a draft is saved incomplete (what is missing beside its fields, the same draft kept), listed, reopened and submitted; a returned request is revised in the form and the request page shows the change"
        )
        func draftAndRevision() async throws {
            let producer = try await WorkspaceTests.signedIn("draf.operator", .producer, agency: "35.14-dinkes")
            let form = try await producer.get("/permohonan/baru")
            let title = "Draf data gizi \(UUID().uuidString.prefix(6))"
            let dataset = "gizi_\(UUID().uuidString.prefix(6).lowercased())"
            let saved = try await producer.post(
                "/permohonan/baru",
                [
                    "_csrf": form.csrf ?? "", "langkah": "draf", "title": title, "dataset": dataset,
                    "fields": "kode_posyandu string wajib",
                ])
            #expect(saved.status == 200 && saved.text.contains("Draf tersimpan"), "\(Self.messages(saved.text))")
            #expect(saved.text.contains("galat-purpose"), "what is missing is beside its field")
            let draftId = try #require(
                saved.text.firstMatch(of: /name="draftId" value="([0-9a-f-]{36})"/).map { String($0.output.1) })
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM intake.requests WHERE request_id = \(draftId) AND state = 'draft' AND title = \(title)"
                ) == 1)
            let list = try await producer.get("/permohonan")
            #expect(list.text.contains("/permohonan/baru?draf=\(draftId)") && list.text.contains(title))
            let reopened = try await producer.get("/permohonan/baru?draf=\(draftId)")
            #expect(
                reopened.text.contains("value=\"\(title)\"") && reopened.text.contains("kode_posyandu string wajib"))

            let complete: [String: String] = [
                "_csrf": form.csrf ?? "", "draftId": draftId, "title": title,
                "purpose": "Perencanaan gizi", "legalBasis": "Perpres 39/2019", "contactName": "Rina",
                "contactEmail": "rina@dinkes.example.go.id", "consumers": "35.14-bappeda", "dataset": dataset,
                "fields": "kode_posyandu string wajib\njumlah_balita integer", "primaryKey": "kode_posyandu",
                "classification": "public", "updateFrequency": "monthly",
            ]
            let submitted = try await producer.post("/permohonan/baru", complete)
            #expect(submitted.status == 303, "\(submitted.status) \(Self.messages(submitted.text))")
            #expect(submitted.location == "/permohonan/\(draftId)?selesai=ajukan", "the draft itself is submitted")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM intake.requests WHERE request_id = \(draftId) AND state = 'submitted'")
                    == 1)

            // Returned by the technical team, revised in the form, the change shown on the request page.
            _ = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(draftId)/disposition", token: try await Actors.head,
                json: ["note": "Kaji"])
            _ = try await ServiceHTTP.eventually(
                "evaluation", "/v1/requests/\(draftId)/review", token: try await Actors.technical
            ) { $0["state"] as? String == "awaiting_decision" }
            let returned = try await ServiceHTTP.call(
                "POST", "evaluation", "/v1/requests/\(draftId)/decision", token: try await Actors.technical,
                json: [
                    "decision": "return",
                    "reasons": [["field": "\(dataset).nama_posyandu", "message": "tambahkan nama posyandu"]],
                ])
            #expect(returned.status == 200, "\(returned.text)")
            var page = try await producer.get("/permohonan/\(draftId)")
            for _ in 0..<40 where !page.text.contains("Perbaiki dan ajukan ulang") {
                try await Task.sleep(for: .milliseconds(250))
                page = try await producer.get("/permohonan/\(draftId)")
            }
            #expect(page.text.contains("tambahkan nama posyandu"), "the return reason is on the page")
            let revision = try await producer.get("/permohonan/\(draftId)/perbaiki")
            #expect(revision.status == 200 && revision.text.contains("jumlah_balita integer"), "prefilled")
            var changed = complete
            changed.removeValue(forKey: "draftId")
            changed["_csrf"] = revision.csrf ?? ""
            changed["fields"] = "kode_posyandu string wajib\nnama_posyandu string wajib\njumlah_balita integer"
            let resent = try await producer.post("/permohonan/\(draftId)/perbaiki", changed)
            #expect(resent.status == 303, "\(resent.status) \(Self.messages(resent.text))")
            let after = try await producer.get("/permohonan/\(draftId)")
            #expect(after.text.contains("Perubahan pada pengajuan ulang (versi 1 → 2)"))
            #expect(
                after.text.contains("\(dataset).nama_posyandu: kolom ditambahkan (string)"),
                "\(after.text.prefix(3000))")
            let technical = try await WorkspaceTests.signedIn("draf.teknis", .technical)
            #expect(
                try await technical.get("/permohonan/\(draftId)").text.contains("kolom ditambahkan"),
                "the technical team sees the change")
        }

        @Test(
            "Data rujukan: a reference list with a doubled code is named by line and not loaded, a good one shows its count; a calendar year without its decree is refused, with it loaded; a profile is added once; the technical team loads lists only, a producer not at all"
        )
        func referenceData() async throws {
            let admin = try await WorkspaceTests.signedIn("rujukan.admin", .admin)
            let page = try await admin.get("/rujukan")
            #expect(page.status == 200 && page.text.contains("Kalender hari kerja") && page.text.contains("sragen"))
            let list = "kode_uji_\(UUID().uuidString.prefix(6).lowercased())"
            let doubled = try await admin.postMultipart(
                "/rujukan/referensi", ["_csrf": page.csrf ?? "", "name": list],
                files: [("berkas", "kode.csv", Data("kode,label\nA1,Satu\nA1,Dua\n".utf8))])
            #expect(doubled.status == 422 && doubled.text.contains("baris 3: ganda"), "\(Self.messages(doubled.text))")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.reference_codes WHERE reference_set = \(list)") == 0)
            let loaded = try await admin.postMultipart(
                "/rujukan/referensi", ["_csrf": page.csrf ?? "", "name": list],
                files: [("berkas", "kode.csv", Data("kode,label\nA1,Satu\nA2,Dua\nA3,Tiga\n".utf8))])
            #expect(loaded.status == 303)
            let after = try await admin.get(try #require(loaded.location))
            #expect(after.text.contains("Daftar referensi dimuat") && after.text.contains("<code>\(list)</code>"))
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.reference_codes WHERE reference_set = \(list)") == 3)

            let noDecree = try await admin.post(
                "/rujukan/kalender",
                [
                    "_csrf": page.csrf ?? "", "year": "2031", "decree": "", "holidays": "2031-01-01 Tahun Baru",
                    "cutiBersama": "",
                ])
            #expect(
                noDecree.status == 422 && noDecree.text.contains("dasar (SKB): wajib diisi"),
                "\(Self.messages(noDecree.text))")
            let wrongYear = try await admin.post(
                "/rujukan/kalender",
                [
                    "_csrf": page.csrf ?? "", "year": "2031", "decree": "SKB 2030", "holidays": "2030-12-25",
                    "cutiBersama": "",
                ])
            #expect(
                wrongYear.status == 422 && wrongYear.text.contains("libur nasional ke-1: tanggal harus di tahun itu"))
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM reporting.calendar_years WHERE year = 2031")
                    == 0)
            let year = try await admin.post(
                "/rujukan/kalender",
                [
                    "_csrf": page.csrf ?? "", "year": "2031", "decree": "SKB Menteri Agama, Menaker dan MenPAN-RB 2030",
                    "holidays": "2031-01-01 Tahun Baru\n2031-08-17 Hari Kemerdekaan", "cutiBersama": "2031-01-02",
                ])
            #expect(year.status == 303, "\(Self.messages(year.text))")
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM reporting.calendar_years WHERE year = 2031")
                    == 1)

            let source = try String(
                contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                    "../../Shared/JembatanShared/Profiles/Data/sragen.json"), encoding: .utf8)
            let id = "uji_\(UUID().uuidString.prefix(6).lowercased())"
            let profile = Data(source.replacingOccurrences(of: "\"id\": \"sragen\"", with: "\"id\": \"\(id)\"").utf8)
            let added = try await admin.postMultipart(
                "/rujukan/profil", ["_csrf": page.csrf ?? ""], files: [("berkas", "profil.json", profile)])
            #expect(added.status == 303, "\(Self.messages(added.text))")
            #expect(try await admin.get("/rujukan").text.contains("<code>\(id)</code> versi 1"))
            let twice = try await admin.postMultipart(
                "/rujukan/profil", ["_csrf": page.csrf ?? ""], files: [("berkas", "profil.json", profile)])
            #expect(twice.status == 422 && twice.text.contains("Versi profil ini sudah ada"))

            let technical = try await WorkspaceTests.signedIn("rujukan.teknis", .technical)
            let technicalPage = try await technical.get("/rujukan")
            #expect(technicalPage.status == 200 && technicalPage.text.contains("Muat daftar"))
            #expect(!technicalPage.text.contains("Muat kalender"), "the calendar is the admin's")
            #expect(
                try await technical.post("/rujukan/kalender", ["_csrf": technicalPage.csrf ?? "", "year": "2032"])
                    .status
                    == 403)
            let producer = try await WorkspaceTests.signedIn("rujukan.operator", .producer, agency: "35.14-dinkes")
            #expect(try await producer.get("/rujukan").status == 403)
        }

        @Test(
            "the person responsible for a deviation (here the head, for a step ended with its documents unsigned) explains it from the request page, an empty explanation refused; others read it beside the step"
        )
        func justification() async throws {
            let producer = try await WorkspaceTests.signedIn("jelaskan.operator", .producer, agency: "35.14-dinkes")
            let form = try await producer.get("/permohonan/baru")
            let submitted = try await producer.post(
                "/permohonan/baru",
                [
                    "_csrf": form.csrf ?? "", "title": "Penjelasan \(UUID().uuidString.prefix(6))",
                    "purpose": "Perencanaan", "legalBasis": "Perpres 39/2019", "contactName": "Rina",
                    "contactEmail": "rina@dinkes.example.go.id", "consumers": "35.14-bappeda",
                    "dataset": "jelaskan_\(UUID().uuidString.prefix(6).lowercased())",
                    "fields": "kode string wajib", "primaryKey": "kode", "classification": "public",
                    "updateFrequency": "monthly",
                ])
            let location = try #require(submitted.location, "\(Self.messages(submitted.text))")
            let requestId = String(location.dropFirst("/permohonan/".count).prefix(36))
            // The head dispositions from the form; step 1 ends with its sheet and letter unsigned: an
            // output deviation the head answers for.
            let head = try await WorkspaceTests.signedIn("jelaskan.kepala", .head)
            var page = try await Self.requestPage(requestId, as: head)
            for _ in 0..<40 where !page.text.contains("Beri disposisi") {
                try await Task.sleep(for: .milliseconds(250))
                page = try await head.get("/permohonan/\(requestId)")
            }
            let disposition = try await head.post(
                "/permohonan/\(requestId)/langkah/disposisi",
                [
                    "_csrf": page.csrf ?? "", "addressee": "Tim Teknis", "instruction": "Kaji", "urgency": "biasa",
                    "deadline": "", "note": "",
                ])
            #expect(disposition.status == 303, "\(Self.messages(disposition.text))")
            page = try await head.get("/permohonan/\(requestId)")
            for _ in 0..<40 where !page.text.contains("Penyimpangan yang Anda jawab") {
                try await Task.sleep(for: .milliseconds(250))
                page = try await head.get("/permohonan/\(requestId)")
            }
            #expect(page.text.contains("Penyimpangan yang Anda jawab"))
            #expect(
                !(try await producer.get("/permohonan/\(requestId)")).text.contains("Penyimpangan yang Anda jawab"),
                "only the person responsible is asked")
            let phase = try #require(
                page.text.firstMatch(of: /name="phase" value="([a-z_]+)"/).map { String($0.output.1) })
            let startedAt = try #require(
                page.text.firstMatch(of: /name="startedAt" value="([^"]+)"/).map { String($0.output.1) })
            let empty = try await head.post(
                "/permohonan/\(requestId)/penjelasan",
                ["_csrf": page.csrf ?? "", "phase": phase, "startedAt": startedAt, "justification": ""])
            #expect(
                empty.status == 422 && empty.text.contains("Penjelasan: Wajib diisi."), "\(Self.messages(empty.text))")
            let text = "Lembar disposisi ditandatangani setelah Kepala Dinas kembali dari dinas luar"
            // Reporting writes the start to the millisecond, dropping up to one; half a millisecond more
            // still names the same run (a 1 ms window once made the lookup miss).
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let shifted = formatter.string(
                from: try #require(formatter.date(from: startedAt)).addingTimeInterval(-0.0005))
            let saved = try await head.post(
                "/permohonan/\(requestId)/penjelasan",
                ["_csrf": page.csrf ?? "", "phase": phase, "startedAt": shifted, "justification": text])
            #expect(saved.status == 303, "\(Self.messages(saved.text))")
            #expect(
                (try await producer.get("/permohonan/\(requestId)")).text.contains("Penjelasan: \(text)"),
                "it is read beside the step")
            #expect(!(try await head.get("/permohonan/\(requestId)")).text.contains("Penyimpangan yang Anda jawab"))
        }
    }
}
