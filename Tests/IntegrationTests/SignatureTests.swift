import Foundation
import JembatanClient
import JembatanShared
import PostgresNIO
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension RealStack {
    /// Paraf and signature in the workspace, and the verification anyone can do from the QR code.
    @Suite("Documents of record: paraf, signature and verification")
    struct SignatureTests {
        static let password = "tanda-tangan-uji-2026"

        /// The state, and whether a file is stored, of a document as the database holds it.
        static func stored(_ schema: String, _ id: String) async throws -> (String, Bool) {
            try await TestDatabase.with { client in
                for try await (state, hasFile) in try await client.query(
                    PostgresQuery(
                        unsafeSQL: "SELECT state, pdf IS NOT NULL FROM \(schema).documents WHERE document_id = $1",
                        binds: {
                            var b = PostgresBindings()
                            b.append(id)
                            return b
                        }())
                ).decode((String, Bool).self) { return (state, hasFile) }
                return ("missing", false)
            }
        }

        /// The documents `service` keeps for a request, waiting up to a minute for the first.
        static func documents(_ service: String, of requestId: String, token: String) async throws
            -> [[String: Any]]
        {
            for _ in 0..<120 {
                let reply = try await ServiceHTTP.call(
                    "GET", service, "/v1/requests/\(requestId)/documents", token: token)
                if let list = reply.json["documents"] as? [[String: Any]], !list.isEmpty { return list }
                try await Task.sleep(for: .milliseconds(500))
            }
            return []
        }

        /// The texts of the QR codes on every page of `pdf` (pdftoppm renders, zbarimg decodes).
        static func qrCodes(in pdf: Data) async throws -> [String] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("naskah.pdf")
            try pdf.write(to: file)
            _ = try await ExchangeHubTests.shell("pdftoppm -r 150 -png '\(file.path)' '\(folder.path)/halaman'")
            var codes: [String] = []
            for page in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            where page.hasSuffix(".png") {
                // zbarimg exits 4 when a page has no code: only the pages that have one answer.
                let output =
                    (try? await ExchangeHubTests.shell("zbarimg --quiet '\(folder.path)/\(page)'")) ?? ""
                for line in output.split(separator: "\n") where line.hasPrefix("QR-Code:") {
                    codes.append(String(line.dropFirst("QR-Code:".count)))
                }
            }
            return codes
        }

        /// Posts `file` to the public verification page as a browser's file form does.
        static func check(_ address: String, file: Data) async throws -> (Int, String) {
            let boundary = "jembatan-uji-\(UUID().uuidString)"
            var body = Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"naskah.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
                    .utf8)
            body.append(file)
            body.append(Data("\r\n--\(boundary)--\r\n".utf8))
            var request = URLRequest(url: URL(string: address)!)
            request.httpMethod = "POST"
            request.httpBody = body
            request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }

        @Test(
            "the integration report: paraf by the Kepala Bidang, then the Kepala Dinas signs with their password; the QR on the PDF opens a page that says valid, and invalid for a changed file"
        )
        func reportSignedAndVerified() async throws {
            let requestId = try await ProcedureTests.walkToCompletion(dataset: "naskah_ttd")
            let head = try await Actors.head
            let documents = try await Self.documents("reporting", of: requestId, token: head)
            let report = try #require(documents.first { $0["kind"] as? String == "laporan_integrasi" })
            let id = try #require(report["documentId"] as? String)
            #expect(report["verifierRole"] as? String == "supervisor" && report["signerRole"] as? String == "head")
            let page = "/permohonan/\(requestId)/dokumen/reporting/\(id)"

            try await TestPeople.shared.person(
                "ttd.kabid", .supervisor, password: Self.password, nip: "197805122003121002")
            try await TestPeople.shared.person("ttd.kadis", .head, password: Self.password, nip: "197001012000031001")

            // Before the paraf the head has no signature form, and the API refuses a signature.
            let kadis = WorkspaceBrowser()
            _ = try await kadis.signIn("ttd.kadis", Self.password)
            let early = try await kadis.get(page)
            #expect(
                early.status == 200 && early.text.contains("Menunggu paraf Kepala Bidang"), "\(early.text.prefix(300))")
            #expect(!early.text.contains("Tanda tangani</button>"))
            let refused = try await ServiceHTTP.call(
                "POST", "reporting", "/v1/documents/\(id)/signature", token: head, json: ["password": "x"])
            #expect(refused.status == 409 && refused.text.contains("not_verified"), "\(refused.text)")

            // The Kepala Bidang gives the paraf from the document's page.
            let kabid = WorkspaceBrowser()
            _ = try await kabid.signIn("ttd.kabid", Self.password)
            let form = try await kabid.get(page)
            #expect(form.text.contains("Beri paraf"))
            let parafed = try await kabid.post("\(page)/paraf", ["_csrf": form.csrf ?? ""])
            #expect(parafed.text.contains("Paraf Anda tercatat"), "\(parafed.text.prefix(400))")
            #expect(try await Self.stored("reporting", id).0 == "verified")

            // A wrong password signs nothing; the right one signs.
            let signing = try await kadis.get(page)
            #expect(signing.text.contains("Tanda tangani</button>"))
            let wrong = try await kadis.post(
                "\(page)/tanda-tangan", ["_csrf": signing.csrf ?? "", "password": "salah-sekali-123"])
            #expect(wrong.status == 403 && wrong.text.contains("Kata sandi salah"))
            #expect(try await Self.stored("reporting", id) == ("verified", false), "a refused signature stores nothing")
            let signed = try await kadis.post(
                "\(page)/tanda-tangan", ["_csrf": signing.csrf ?? "", "password": Self.password])
            #expect(signed.text.contains("Naskah ditandatangani"), "\(signed.text.prefix(600))")
            #expect(try await Self.stored("reporting", id) == ("signed", true))
            let twice = try await ServiceHTTP.call(
                "POST", "reporting", "/v1/documents/\(id)/signature", token: head, json: ["password": "x"])
            #expect(twice.status == 409, "a signed document is not signed again")

            // The signed PDF: its number and signer in the text, the verification address in the QR code.
            let pdf = try await ServiceHTTP.call("GET", "reporting", "/v1/documents/\(id)/pdf", token: head)
            #expect(pdf.status == 200 && pdf.data.starts(with: Array("%PDF".utf8)))
            let number = try #require(report["number"] as? String)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("ttd-\(id).pdf")
            try pdf.data.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let text = try await ExchangeHubTests.shell("pdftotext '\(file.path)' -")
            #expect(text.contains(number) && text.contains("Uji ttd.kadis") && text.contains("197001012000031001"))
            let codes = try await Self.qrCodes(in: pdf.data)
            let address = "\(WorkspaceBrowser.base)/verifikasi/reporting/\(id)"
            #expect(codes == [address], "one QR code, of the verification address: \(codes)")

            // Anyone, signed in or not, opens the address: the seal holds; the file is the one signed.
            let (status, opened) = try await Self.check(address, file: Data())
            #expect(status == 400 && opened.contains("Pilih berkas PDF"))
            let (anyone, _) = try await URLSession.shared.data(from: URL(string: address)!)
            let shown = String(decoding: anyone, as: UTF8.self)
            #expect(shown.contains("Segel sah") && shown.contains("Uji ttd.kadis") && shown.contains(number))
            let (_, same) = try await Self.check(address, file: pdf.data)
            #expect(same.contains("Berkas sah") && !same.contains("Berkas tidak sah"))
            var changed = pdf.data
            changed[changed.count / 2] ^= 0x20
            let (_, altered) = try await Self.check(address, file: changed)
            #expect(altered.contains("Berkas tidak sah"))
            let keys = try await URLSession.shared.data(
                from: URL(string: "\(WorkspaceBrowser.base)/.well-known/jembatan-keys.json")!
            ).0
            let published = try JSONDecoder().decode(SealKeys.self, from: keys)
            #expect(published.keys.count == 1 && published.keys.first?.algorithm == "Ed25519")
            let verification = try await ServiceHTTP.call("GET", "reporting", "/v1/documents/\(id)/verification")
            let sealText = try #require((verification.json["signature"] as? [String: Any])?["seal"] as? String)
            let sha = try #require((verification.json["signature"] as? [String: Any])?["sha256"] as? String)
            #expect(sha == DocumentSeal.sha256(pdf.data), "the stored SHA-256 is the downloaded file's")
            #expect(!sealText.isEmpty && verification.json["sealValid"] as? Bool == true)
        }

        @Test("the request letter goes straight to the producer's signature; another role cannot sign it")
        func letterSignedByProducer() async throws {
            let producer = try await Actors.producer
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer, json: submission(datasetName: "surat_ttd"))
            let requestId = try #require(submitted.json["requestId"] as? String)
            let letter = try #require(try await Self.documents("intake", of: requestId, token: producer).first)
            let id = try #require(letter["documentId"] as? String)
            #expect(letter["verifierRole"] == nil && letter["signerRole"] as? String == "producer")
            let byHead = try await ServiceHTTP.call(
                "POST", "intake", "/v1/documents/\(id)/signature", token: try await Actors.head,
                json: ["password": Self.password])
            #expect(byHead.status == 403 && byHead.text.contains("wrong_role"))
            try await TestPeople.shared.person(
                "ttd.operator", .producer, agency: "35.14-dinkes", password: Self.password, nip: "199001012015031001")
            let operatorPage = WorkspaceBrowser()
            _ = try await operatorPage.signIn("ttd.operator", Self.password)
            let page = "/permohonan/\(requestId)/dokumen/intake/\(id)"
            let form = try await operatorPage.get(page)
            #expect(!form.text.contains("Beri paraf") && form.text.contains("Tanda tangani</button>"))
            let signed = try await operatorPage.post(
                "\(page)/tanda-tangan", ["_csrf": form.csrf ?? "", "password": Self.password])
            #expect(signed.text.contains("Naskah ditandatangani"), "\(signed.text.prefix(600))")
            #expect(try await Self.stored("intake", id) == ("signed", true))
        }

        @Test(
            "a Kaltim walk leaves each step's document of record, numbered, with its rule: letter, disposition sheet, formulation (step 4), validation report (step 9), hand-over record (step 10), integration report (step 12)"
        )
        func kaltimDocuments() async throws {
            let walk = ProcedureWalk(
                client: ServiceHTTP.client, producer: try await Actors.producer, head: try await Actors.head,
                technical: try await Actors.technical, supervisor: try await Actors.supervisor, resilient: false,
                stepSeconds: 60)
            var body = submission(datasetName: "kaltim_naskah")
            body["profile"] = "kaltim"
            let requestId = try await walk.walk(body)
            let head = try await Actors.head
            var kinds: [String: (owner: String, verifier: String?, signer: String?)] = [:]
            for owner in ["intake", "evaluation", "validation", "provisioning", "reporting"] {
                let documents = try await Self.documents(owner, of: requestId, token: head)
                for document in documents {
                    let kind = document["kind"] as? String ?? ""
                    kinds[kind] = (owner, document["verifierRole"] as? String, document["signerRole"] as? String)
                    let page = try await ServiceHTTP.call(
                        "GET", owner, "/v1/documents/\(document["documentId"] as? String ?? "")", token: head)
                    #expect(page.status == 200 && page.text.contains(document["number"] as? String ?? "?"))
                }
            }
            #expect(kinds["surat_permohonan"]?.owner == "intake" && kinds["surat_permohonan"]?.signer == "producer")
            #expect(kinds["lembar_disposisi"]?.owner == "intake" && kinds["lembar_disposisi"]?.signer == "head")
            #expect(
                kinds["dokumen_rumusan_integrasi"]?.owner == "evaluation"
                    && kinds["dokumen_rumusan_integrasi"]?.verifier == "technical")
            #expect(
                kinds["laporan_hasil_validasi"]?.owner == "validation"
                    && kinds["laporan_hasil_validasi"]?.signer == "producer")
            #expect(
                kinds["berita_acara_serah_terima"]?.owner == "provisioning"
                    && kinds["berita_acara_serah_terima"]?.signer == "supervisor")
            #expect(kinds["laporan_integrasi"]?.owner == "reporting" && kinds["laporan_integrasi"]?.signer == "head")
        }
    }
}
