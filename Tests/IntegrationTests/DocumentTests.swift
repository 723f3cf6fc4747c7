import Foundation
import JembatanShared
import PostgresNIO
import Testing

extension RealStack {
    /// Naskah dinas on the real stack: the request letter numbered by the agency's scheme.
    @Suite("Documents of record: the numbered request letter")
    struct DocumentNumberingTests {
        static func letters(of agency: String) async throws -> [String] {
            try await TestDatabase.with { client in
                var numbers: [String] = []
                for try await number in try await client.query(
                    "SELECT number FROM intake.documents WHERE agency_code = \(agency) AND kind = 'surat_permohonan'"
                ).decode(String.self) { numbers.append(number) }
                return numbers
            }
        }

        /// The sequence part of a standard number (`000.5.2/007/agency/XII/2026` → 7).
        static func sequence(_ number: String) -> Int? {
            let parts = number.split(separator: "/")
            return parts.count == 5 ? Int(parts[1]) : nil
        }

        @Test(
            "concurrent submissions get consecutive numbers: no gap, no duplicate; refused and rolled-back ones take none"
        )
        func numbering() async throws {
            let producer = try await Actors.producer
            // Twelve submissions at once.
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        let reply = try await ServiceHTTP.call(
                            "POST", "intake", "/v1/requests", token: producer,
                            json: submission(datasetName: "surat_\(index)"))
                        #expect(reply.status == 201, "\(reply.text)")
                        return reply.json["requestId"] as? String ?? ""
                    }
                }
                var ids: [String] = []
                for try await id in group { ids.append(id) }
                return ids
            }
            var numbers = try await Self.letters(of: "35.14-dinkes")
            var sequences = numbers.compactMap(Self.sequence).sorted()
            #expect(sequences.count == numbers.count, "every number has the standard shape: \(numbers.prefix(3))")
            #expect(sequences == Array(1...sequences.count), "1…n, no gap, no duplicate: \(sequences)")
            #expect(numbers.allSatisfy { $0.hasPrefix("000.5.2/") && $0.contains("/35.14-dinkes/") })
            for id in ids {
                let documents = try await ServiceHTTP.call(
                    "GET", "intake", "/v1/requests/\(id)/documents", token: producer)
                #expect((documents.json["documents"] as? [[String: Any]])?.count == 1, "one letter per request")
            }

            // A refused submission (incomplete) and a transaction that rolls back take no number.
            var incomplete = submission(datasetName: "surat_salah")
            incomplete["title"] = ""
            #expect(
                try await ServiceHTTP.call("POST", "intake", "/v1/requests", token: producer, json: incomplete).status
                    == 422)
            struct Abandoned: Error {}
            // PostgresNIO wraps the closure's error in its transaction error.
            await #expect(throws: (any Error).self) {
                try await TestDatabase.with { client in
                    try await client.withTransaction(logger: .init(label: "test")) { connection in
                        _ = try await DocumentSequence.next(
                            schema: SchemaName("intake"), agency: "35.14-dinkes", kind: "surat_permohonan",
                            year: WIB.calendar.component(.year, from: Date()), on: connection, logger: .init(label: "t")
                        )
                        throw Abandoned()
                    }
                }
            }
            // An Idempotency-Key sent twice is one request and one letter.
            for _ in 0..<2 {
                let reply = try await ServiceHTTP.call(
                    "POST", "intake", "/v1/requests", token: producer, json: submission(datasetName: "surat_sekali"),
                    headers: ["Idempotency-Key": "surat-sekali-\(ids.count)"])
                #expect(reply.status == 201)
            }
            numbers = try await Self.letters(of: "35.14-dinkes")
            sequences = numbers.compactMap(Self.sequence).sorted()
            #expect(sequences == Array(1...sequences.count), "still 1…n after the refusals: \(sequences.suffix(4))")

            // The printable letter, for the agency and the office; not for another agency.
            let documents = try await ServiceHTTP.call(
                "GET", "intake", "/v1/requests/\(ids[0])/documents", token: producer)
            let letter = try #require((documents.json["documents"] as? [[String: Any]])?.first)
            let page = try await ServiceHTTP.call(
                "GET", "intake", "/v1/documents/\(letter["documentId"] as? String ?? "")", token: try await Actors.head)
            #expect(page.status == 200 && page.text.contains(letter["number"] as? String ?? "?"))
            #expect(page.text.contains("Surat Permohonan") && page.text.contains("Integrasi data fasilitas kesehatan"))
            #expect(
                try await ServiceHTTP.call(
                    "GET", "intake", "/v1/documents/\(letter["documentId"] as? String ?? "")",
                    token: try await Actors.otherAgencyProducer
                ).status == 404)
        }

        @Test("an agency's own numbering scheme is followed; a broken pattern is refused naming the rule")
        func ownScheme() async throws {
            let admin = try await TestAccounts.shared.token("admin-naskah", .admin)
            let broken = try await ServiceHTTP.call(
                "PUT", "intake", "/v1/numbering-schemes/35.15-bappeda/surat_permohonan", token: admin,
                json: ["pattern": "{klasifikasi}/{nomor}", "classification": "800"])
            #expect(broken.status == 422 && broken.text.contains("{tahun}"))
            let set = try await ServiceHTTP.call(
                "PUT", "intake", "/v1/numbering-schemes/35.15-bappeda/surat_permohonan", token: admin,
                json: ["pattern": "B-{nomor:4}/{klasifikasi}/{bulan}/{tahun}", "classification": "800"])
            #expect(set.status == 200, "\(set.text)")
            #expect(
                try await ServiceHTTP.call(
                    "PUT", "intake", "/v1/numbering-schemes/35.15-bappeda/surat_permohonan",
                    token: try await Actors.head, json: ["classification": "800"]
                ).status == 403)
            var other = submission(datasetName: "surat_bappeda")
            other["agencyCode"] = "35.15-bappeda"
            let reply = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.otherAgencyProducer, json: other)
            #expect(reply.status == 201, "\(reply.text)")
            let numbers = try await Self.letters(of: "35.15-bappeda")
            let parts = WIB.calendar.dateComponents([.year, .month], from: Date())
            #expect(
                numbers.last == "B-0001/800/\(NumberingScheme.roman(parts.month ?? 1))/\(parts.year ?? 0)",
                "\(numbers)")
        }

        @Test(
            "the head's disposition sheet: every field on the numbered sheet and in the event; bad fields refused, nothing stored"
        )
        func dispositionSheet() async throws {
            let producer = try await Actors.producer
            let head = try await Actors.head
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer, json: submission(datasetName: "disposisi_uji"))
            let requestId = try #require(submitted.json["requestId"] as? String)
            let tomorrow = Date().addingTimeInterval(86_400)
            let formatter = DateFormatter()
            formatter.timeZone = WIB.calendar.timeZone
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd"
            let refused = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: head,
                json: ["note": "x", "urgency": "kilat", "deadline": "2020-01-01"])
            #expect(refused.status == 422)
            let fields = Set(
                ((refused.json["error"] as? [String: Any])?["violations"] as? [[String: Any]] ?? []).compactMap {
                    $0["field"] as? String
                })
            #expect(fields == ["urgency", "deadline"], "each broken rule named: \(refused.text)")
            let count = try await TestDatabase.count(
                "SELECT count(*)::int FROM intake.documents WHERE request_id = \(requestId)")
            #expect(count == 1, "only the letter: a refused disposition stores no sheet")

            let done = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: head,
                json: [
                    "note": "Mohon ditindaklanjuti", "addressee": "Bidang Aplikasi Informatika",
                    "instruction": "Kaji struktur data dan siapkan kontrak", "urgency": "sangat_segera",
                    "deadline": formatter.string(from: tomorrow),
                ])
            #expect(done.status == 200, "\(done.text)")
            let listed = try await ServiceHTTP.call(
                "GET", "intake", "/v1/requests/\(requestId)/documents", token: head)
            let sheet = try #require(
                (listed.json["documents"] as? [[String: Any]])?.first { $0["kind"] as? String == "lembar_disposisi" })
            let number = try #require(sheet["number"] as? String)
            let page = try await ServiceHTTP.call(
                "GET", "intake", "/v1/documents/\(sheet["documentId"] as? String ?? "")", token: head)
            for text in [
                "LEMBAR DISPOSISI", number, "Bidang Aplikasi Informatika", "Kaji struktur data dan siapkan kontrak",
                "Sangat segera", "kepala-dinas",
            ] {
                #expect(page.text.contains(text), "the sheet shows \(text)")
            }
            // The event announces the sheet (reporting stores it as read).
            var announced = ""
            for _ in 0..<100 {
                announced = try await TestDatabase.with { client in
                    for try await text in try await client.query(
                        "SELECT envelope::text FROM reporting.events WHERE request_id = \(requestId) AND event_type = \(EventType.requestDispositioned.rawValue)"
                    ).decode(String.self) { return text }
                    return ""
                }
                if !announced.isEmpty { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(announced.contains("sangat_segera") && announced.contains(number), "\(announced.prefix(400))")
        }

        @Test("the head declines with a reason instead of a disposition: a terminal state, announced; nothing after it")
        func decline() async throws {
            let producer = try await Actors.producer
            let head = try await Actors.head
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer, json: submission(datasetName: "ditolak_kadis"))
            let requestId = try #require(submitted.json["requestId"] as? String)
            let empty = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/decline", token: head, json: ["reason": " "])
            #expect(empty.status == 422 && empty.text.contains("reason"), "\(empty.text)")
            let byProducer = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/decline", token: producer, json: ["reason": "x"])
            #expect(byProducer.status == 403)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM intake.requests WHERE request_id = \(requestId) AND state = 'submitted'")
                    == 1, "refusals change nothing")
            let declined = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/decline", token: head,
                json: ["reason": "Data ini sudah tersedia di Satu Data Kabupaten"])
            #expect(declined.status == 200 && declined.json["state"] as? String == "declined", "\(declined.text)")
            let after = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: head, json: ["note": "lanjut"])
            #expect(after.status == 409, "a declined request is not dispositioned")
            // Reporting shows it closed as declined, and the head's task is gone.
            _ = try await ServiceHTTP.eventually("reporting", "/v1/requests/\(requestId)", token: head) {
                ($0["request"] as? [String: Any])?["state"] as? String == "declined"
            }
            let tasks = try await ServiceHTTP.call("GET", "reporting", "/v1/tasks", token: head)
            #expect(!tasks.text.contains(requestId), "no task remains on a declined request")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM reporting.events WHERE request_id = \(requestId) AND event_type = \(EventType.requestDeclined.rawValue) AND envelope::text LIKE '%Satu Data Kabupaten%'"
                ) == 1, "announced once, with the reason")
        }
    }
}
