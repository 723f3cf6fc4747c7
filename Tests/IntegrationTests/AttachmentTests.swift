import Foundation
import JembatanShared
import Testing

extension RealStack {
    /// The files of steps 1 and 2, stored for real.
    @Suite("Attachments: stored in PostgreSQL with their hash, checked by content")
    struct AttachmentTests {
        static func upload(_ requestId: String, kind: String, name: String, _ bytes: Data, token: String) async throws
            -> ServiceHTTP.Reply
        {
            try await ServiceHTTP.call(
                "POST", "intake",
                "/v1/requests/\(requestId)/attachments?kind=\(kind)&name=\(name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name)",
                token: token, rawBody: bytes, contentType: "application/octet-stream")
        }

        @Test(
            "a PDF and a CSV round-trip with their SHA-256; oversized, disguised and mislabelled files are refused and store nothing; only those who may see the request download"
        )
        func roundTrip() async throws {
            let producer = try await Actors.producer
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer, json: submission(datasetName: "lampiran_uji"))
            let requestId = try #require(submitted.json["requestId"] as? String)

            let pdf = Data("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".utf8)
            let stored = try await Self.upload(
                requestId, kind: "dokumen_aplikasi", name: "Dokumen aplikasi.pdf", pdf, token: producer)
            #expect(stored.status == 201, "\(stored.text)")
            #expect(stored.json["sha256"] as? String == DocumentSeal.sha256(pdf))
            #expect(stored.json["mediaType"] as? String == "application/pdf")
            let csv = Data("kode;nama_puskesmas\n3514010;Puskesmas Bangil\n".utf8)
            let table = try await Self.upload(
                requestId, kind: "dokumen_data", name: "struktur.csv", csv, token: producer)
            #expect(table.status == 201 && table.json["mediaType"] as? String == "text/csv", "\(table.text)")

            let id = try #require(stored.json["attachmentId"] as? String)
            let back = try await ServiceHTTP.call(
                "GET", "intake", "/v1/attachments/\(id)", token: try await Actors.head)
            #expect(back.status == 200 && back.data == pdf, "the same bytes come back")
            #expect(back.header("Content-Type") == "application/pdf")
            #expect(DocumentSeal.sha256(back.data) == stored.json["sha256"] as? String)

            // An executable named .pdf, a PNG named .pdf, an unnamed kind, and 20 MB + 1 byte: refused.
            let executable = Data([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00] + Array(repeating: 0, count: 64))
            let disguised = try await Self.upload(
                requestId, kind: "dokumen_aplikasi", name: "laporan.pdf", executable, token: producer)
            #expect(disguised.status == 422 && disguised.text.contains("content_type"), "\(disguised.text)")
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
            let mislabelled = try await Self.upload(
                requestId, kind: "dokumen_aplikasi", name: "surat.pdf", png, token: producer)
            #expect(mislabelled.status == 422 && mislabelled.text.contains("the name says PDF but the content is PNG"))
            let wrongKind = try await Self.upload(requestId, kind: "lainnya", name: "surat.pdf", pdf, token: producer)
            #expect(wrongKind.status == 422 && wrongKind.text.contains("\"kind\""))
            var large = Data("%PDF-1.4\n".utf8)
            large.append(Data(count: 20 * 1024 * 1024 + 1 - large.count))
            let oversized = try await Self.upload(
                requestId, kind: "dokumen_aplikasi", name: "besar.pdf", large, token: producer)
            #expect(oversized.status == 413 && oversized.text.contains("20 MB"), "\(oversized.status)")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM intake.attachments WHERE request_id = \(requestId)") == 2,
                "refused uploads store nothing")

            // A consumer agency and another agency's producer do not get the file.
            let consumer = try await ServiceHTTP.call(
                "GET", "intake", "/v1/attachments/\(id)", token: try await Actors.consumer)
            #expect(consumer.status == 403)
            let other = try await ServiceHTTP.call(
                "GET", "intake", "/v1/attachments/\(id)", token: try await Actors.otherAgencyProducer)
            #expect(other.status == 404)
            let listed = try await ServiceHTTP.call(
                "GET", "intake", "/v1/requests/\(requestId)/attachments", token: producer)
            #expect((listed.json["attachments"] as? [[String: Any]])?.count == 2)
        }
    }
}
