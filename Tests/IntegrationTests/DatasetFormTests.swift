import Foundation
import JembatanShared
import PostgresNIO
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension RealStack {
    /// The dataset page: keys collected once, an example call that works, a file of records pushed
    /// from the browser (streamed, audited with the person's account), reconciliation.
    @Suite("Workspace dataset page: keys, record files, reconciliation")
    struct DatasetFormTests {
        static func csv(_ rows: Range<Int>, broken: Set<Int> = []) -> Data {
            var text = "kode_faskes,kode_wilayah,jenis\n"
            for row in rows {
                let code = String(
                    format: "%@%03d", String(UnicodeScalar(UInt8(65 + row / 1000 % 26))) + "K", row % 1000)
                text += "\(code),35.14.01,\(broken.contains(row) ? "koperasi" : "negeri")\n"
            }
            return Data(text.utf8)
        }

        @Test(
            "the producer collects its key once, pushes a CSV that breaks the contract (the rows named, nothing stored), then a good one (stored, audited as the account), and reconciles; the consumer collects a read key and its example call answers"
        )
        func recordFileAndKeys() async throws {
            let dataset = "berkas_rekaman_\(UUID().uuidString.prefix(6).lowercased())"
            let (requestId, datasetId, _) = try await ExchangeHubTests.provision(
                ExchangeHubTests.checkedDataset(dataset))
            let producer = try await WorkspaceTests.signedIn("rekaman.operator", .producer, agency: "35.14-dinkes")

            // The request page links the dataset; its page has the contract's fields and the write key.
            var request = try await FormTests.requestPage(requestId, as: producer)
            for _ in 0..<40 where !request.text.contains("/katalog/\(datasetId)") {
                try await Task.sleep(for: .milliseconds(250))
                request = try await producer.get("/permohonan/\(requestId)")
            }
            #expect(request.text.contains("href=\"/katalog/\(datasetId)\""), "Dataset di hub links the dataset")
            #expect(
                request.text.contains("Kontrak dan uji integrasi"), "the integration test's evidence is on the page")
            let contractLink = try #require(
                request.text.firstMatch(of: /href="(\/kontrak\/[^"]+)"/).map { String($0.output.1) })
            let contract = try await producer.get(contractLink)
            #expect(contract.status == 200 && contract.text.contains("kode_faskes"), "the contract reads as a document")
            let page = try await producer.get("/katalog/\(datasetId)")
            #expect(
                page.status == 200 && page.text.contains("kode_faskes") && page.text.contains("paling besar 256 MB"))
            let sample = try await producer.get("/katalog/\(datasetId)/contoh.csv")
            #expect(
                sample.text == "kode_faskes,kode_wilayah,jenis,jumlah_dokter,tanggal_izin,aktif\n", "\(sample.text)")
            let keyForm = try #require(
                page.text.firstMatch(of: /action="(\/katalog\/[^"]+\/kunci\/[^"]+)"/).map { String($0.output.1) },
                "an uncollected key has its button")
            let collected = try await producer.post(keyForm, ["_csrf": page.csrf ?? ""])
            let key = try #require(
                collected.text.firstMatch(of: /class="secret">(jbk_[^<]+)</).map { String($0.output.1) })
            #expect(collected.text.contains("hanya ditampilkan sekali"))
            let again = try await producer.get("/katalog/\(datasetId)")
            #expect(!again.text.contains(key), "the key is not shown a second time")
            let twice = try await producer.post(keyForm, ["_csrf": page.csrf ?? ""])
            #expect(twice.status == 422 && twice.text.contains("sudah diambil"), "\(FormTests.messages(twice.text))")

            // A file with two rows that break the contract: named by line, nothing stored.
            let bad = try await producer.postMultipart(
                "/katalog/\(datasetId)/rekaman", ["_csrf": page.csrf ?? ""],
                files: [("berkas", "faskes.csv", Self.csv(0..<50, broken: [3, 41]))])
            #expect(bad.status == 422, "\(bad.status) \(FormTests.messages(bad.text))")
            #expect(bad.text.contains("2 rekaman melanggar kontrak") && bad.text.contains("baris 5"), "line 5 = row 3")
            #expect(try await ExchangeHubTests.storedRecords(datasetId) == 0, "nothing stored")
            let wrongType = try await producer.postMultipart(
                "/katalog/\(datasetId)/rekaman", ["_csrf": page.csrf ?? ""],
                files: [("berkas", "faskes.xlsx", Data("PK".utf8))])
            #expect(wrongType.status == 422 && wrongType.text.contains(".csv, .ndjson"))

            // A good file of 3 000 rows (larger than any chunk) is streamed through to the hub.
            let good = try await producer.postMultipart(
                "/katalog/\(datasetId)/rekaman", ["_csrf": page.csrf ?? ""],
                files: [("berkas", "faskes.csv", Self.csv(0..<3000))])
            #expect(good.status == 303, "\(good.status) \(FormTests.messages(good.text))")
            let after = try await producer.get(try #require(good.location))
            #expect(after.text.contains("3.000 rekaman diterima hub: 3.000 baru"), "\(FormTests.messages(after.text))")
            #expect(try await ExchangeHubTests.storedRecords(datasetId) == 3000)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.exchange_audit WHERE actor = 'akun:rekaman.operator' AND dataset_id = \(datasetId) AND operation = 'push' AND status = 200 AND records = 3000"
                ) == 1, "the push is in the hub's audit chain under the account")

            // Reconciliation: the OPD holds one record more than the hub.
            let reconciled = try await producer.postMultipart(
                "/katalog/\(datasetId)/rekonsiliasi", ["_csrf": page.csrf ?? "", "declaredCount": "3001"],
                files: [("berkas", "sistem-opd.csv", Self.csv(0..<3001))])
            #expect(reconciled.status == 200, "\(reconciled.status) \(FormTests.messages(reconciled.text))")
            #expect(reconciled.text.contains("Tidak ada di hub: 1 (mis. DK000)"), "\(reconciled.text.suffix(1500))")
            #expect(try await ExchangeHubTests.storedRecords(datasetId) == 3000, "reconciliation stores nothing")

            // The consumer agency: the dataset page, a read key, the example call with it.
            let consumer = try await WorkspaceTests.signedIn("rekaman.bappeda", .consumer, agency: "35.14-bappeda")
            let consumerPage = try await consumer.get("/katalog/\(datasetId)")
            #expect(consumerPage.status == 200 && !consumerPage.text.contains("Kirim berkas rekaman"))
            let readForm = try #require(
                consumerPage.text.firstMatch(of: /action="(\/katalog\/[^"]+\/kunci\/[^"]+)"/).map {
                    String($0.output.1)
                })
            let readKey = try #require(
                try await consumer.post(readForm, ["_csrf": consumerPage.csrf ?? ""]).text.firstMatch(
                    of: /class="secret">(jbk_[^<]+)</
                ).map { String($0.output.1) })
            let example = try #require(
                consumerPage.text.firstMatch(of: /Bearer \$KUNCI_BACA&quot; &quot;([^&]+)\?limit=10/).map {
                    String($0.output.1)
                }, "the example names the hub's records address")
            var call = URLRequest(url: try #require(URL(string: example + "?limit=10")))
            call.setValue("Bearer \(readKey)", forHTTPHeaderField: "Authorization")
            let (data, response) = try await URLSession.shared.data(for: call)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            let records = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["records"] as? [Any]
            #expect(records?.count == 10, "\(String(decoding: data.prefix(300), as: UTF8.self))")
            // Another agency's producer does not see the dataset.
            let other = try await WorkspaceTests.signedIn("rekaman.lain", .producer, agency: "35.15-bappeda")
            #expect(try await other.get("/katalog/\(datasetId)").status == 404)
            #expect(
                try await other.postMultipart(
                    "/katalog/\(datasetId)/rekaman", ["_csrf": (try await other.get("/")).csrf ?? ""],
                    files: [("berkas", "faskes.csv", Self.csv(0..<2))]
                ).status == 404)
        }
    }
}
