import Foundation
import JembatanClient
import JembatanShared
import PostgresNIO
import Testing

extension RealStack {
    /// Nobody waits unknowingly: each task that lands on a person is in their workspace inbox and
    /// in a mail sent through a real SMTP server (STARTTLS and AUTH required), once.
    @Suite("Notifications: inbox and e-mail")
    struct NotificationTests {
        /// A request of its own (its title names it in every subject), walked through every step.
        static func walk(_ tag: String) async throws -> (requestId: String, title: String) {
            var body = submission(datasetName: "notif_\(tag)")
            let title = "Integrasi data notifikasi \(tag) \(UUID().uuidString.prefix(6))"
            body["title"] = title
            let walk = ProcedureWalk(
                client: ServiceHTTP.client, producer: try await Actors.producer, head: try await Actors.head,
                technical: try await Actors.technical, supervisor: try await Actors.supervisor, resilient: false,
                stepSeconds: 60)
            return (try await walk.walk(body), title)
        }

        /// The notifications of `requestId` that carry a mail: (kind, person's address, mail id).
        static func mailed(_ requestId: String) async throws -> [(kind: String, address: String, mailId: Int64)] {
            try await TestDatabase.with { client in
                var rows: [(String, String, Int64)] = []
                for try await row in try await client.query(
                    """
                    SELECT n.kind, m.address, m.mail_id FROM workspace.notifications n
                    JOIN workspace.mails m ON m.notification_id = n.notification_id
                    WHERE n.request_id = \(requestId) ORDER BY m.mail_id
                    """
                ).decode((String, String, Int64).self) { rows.append(row) }
                return rows.map { (kind: $0.0, address: $0.1, mailId: $0.2) }
            }
        }

        /// Waits until the server holds a mail for every queued mail of the request; returns them.
        static func arrived(_ requestId: String, title: String, seconds: Double = 60) async throws -> [SentMail] {
            let deadline = Date().addingTimeInterval(seconds)
            while true {
                let queued = try await mailed(requestId)
                let mails = SentMail.all().filter { $0.subject.contains(title) }
                let ids = Set(mails.map(\.messageID))
                if !queued.isEmpty
                    && queued.allSatisfy({ ids.contains("<mail-\($0.mailId)@diskominfo.pasuruankab.example.go.id>") })
                {
                    return mails
                }
                if Date() > deadline {
                    Issue.record("mails of \(requestId): \(queued.count) queued, \(mails.count) arrived")
                    return mails
                }
                try await Task.sleep(for: .milliseconds(300))
            }
        }

        static func address(_ name: String) -> String { "\(name)@uji.example.go.id" }

        /// True once `condition` holds, false after `seconds`.
        static func until(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try await condition() { return true }
                try await Task.sleep(for: .milliseconds(300))
            }
            return false
        }

        @Test(
            "a request walked through every step tells each person of their task once: a mail through STARTTLS and AUTH with its subject and link, the same in the workspace inbox"
        )
        func walkSendsTheExpectedMails() async throws {
            _ = try await Actors.consumer
            _ = try await Actors.outsideConsumer
            try await TestPeople.shared.person("nt.kepala", .head, password: WorkspaceTests.password)
            let (requestId, title) = try await Self.walk("jalan")
            // The report is published a moment after the walk's last step: its notices are the last.
            let reported = try await Self.until(seconds: 60) {
                try await Self.mailed(requestId).contains { $0.kind == "laporan-terbit" }
            }
            #expect(reported, "the published report is announced")
            let mails = try await Self.arrived(requestId, title: title)
            let queued = try await Self.mailed(requestId)

            // Each queued mail arrived exactly once, to its person, over STARTTLS with AUTH.
            for (kind, address, mailId) in queued {
                let copies = mails.filter { $0.messageID == "<mail-\(mailId)@diskominfo.pasuruankab.example.go.id>" }
                #expect(copies.count == 1, "\(kind) to \(address): \(copies.count) copies")
                guard let mail = copies.first else { continue }
                #expect(mail.recipients == [address])
                #expect(mail.tls && mail.authenticated, "STARTTLS and AUTH were used")
                #expect(mail.sender == "jembatan@diskominfo.pasuruankab.example.go.id")
                #expect(mail.subject.hasPrefix("[Jembatan] "))
                #expect(
                    mail.body.contains("\(WorkspaceBrowser.base)/pemberitahuan/"), "the link into the workspace")
            }
            #expect(mails.count == queued.count, "no mail of this request beyond the queued ones")

            // Who was told what: each task to the one whose step it is.
            func kinds(of name: String) -> Set<String> {
                Set(queued.filter { $0.address == Self.address(name) }.map(\.kind))
            }
            #expect(kinds(of: "kepala-dinas").contains("diajukan"))
            #expect(
                !kinds(of: "kepala-dinas").contains("laporan-terbit"),
                "the report reaches the head through the Kepala Bidang")
            #expect(kinds(of: "tim-teknis").isSuperset(of: ["disposisi", "diterima"]))
            #expect(kinds(of: "dinkes-operator").isSuperset(of: ["api-tersedia", "hasil-diserahkan"]))
            #expect(
                kinds(of: "pengawas").isSuperset(of: ["serahkan", "laporan-terbit"]),
                "delivery is the Kepala Bidang's step")
            #expect(kinds(of: "bappeda-pasuruan") == ["api-tersedia-konsumen", "hasil-diserahkan-konsumen"])
            #expect(kinds(of: "dinsos-sidoarjo").isEmpty, "a consumer agency the request does not name hears nothing")
            #expect(!kinds(of: "dinkes-operator").contains("diajukan"), "the head's task is not the producer's")
            let subjects = Set(mails.map(\.subject))
            #expect(subjects.contains("[Jembatan] Permohonan baru menunggu disposisi: \(title)"))
            #expect(subjects.contains("[Jembatan] Disposisi: \(title)"))

            // The same notice in the workspace: counted unread, listed, opened → read and led to the request.
            let head = WorkspaceBrowser()
            _ = try await head.signIn("nt.kepala", WorkspaceTests.password)
            let tasks = try await head.get("/")
            #expect(tasks.text.contains("belum dibaca"), "the unread count in the navigation")
            let inbox = try await head.get("/pemberitahuan")
            #expect(inbox.text.contains("Permohonan baru menunggu disposisi: \(title)"))
            let id = try await TestDatabase.with { client in
                for try await id in try await client.query(
                    """
                    SELECT n.notification_id FROM workspace.notifications n JOIN identity.accounts a USING (account_id)
                    WHERE a.name = 'nt.kepala' AND n.request_id = \(requestId) AND n.kind = 'diajukan'
                    """
                ).decode(Int64.self) { return id }
                return Int64(0)
            }
            let opened = try await head.get("/pemberitahuan/\(id)")
            #expect(opened.status == 303 && opened.location == "/permohonan/\(requestId)")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM workspace.notifications WHERE notification_id = \(id) AND read_at IS NOT NULL"
                ) == 1, "opened is read")
            #expect(
                try await WorkspaceBrowser().get("/pemberitahuan/\(id)").location?.hasPrefix("/masuk?kembali=") == true,
                "a mail's link opens the sign-in form, which leads back to it")
            let other = try await WorkspaceTests.signedIn("nt.tamu", .consumer, agency: "35.15-dinsos")
            #expect(try await other.get("/pemberitahuan/\(id)").status == 404, "another person's notice is not found")
        }

        @Test(
            "with the SMTP server stopped the walk still completes; once it is started the mails arrive, once each"
        )
        func stoppedMailServerLosesNothing() async throws {
            try await LocalStack.script("stop-mail")
            let requestId: String
            let title: String
            do {
                (requestId, title) = try await Self.walk("henti")
            } catch {
                try await LocalStack.script("start-mail")
                throw error
            }
            // The walk finished with the server down: the mails wait, each tried and told why.
            let tried = try await Self.until(seconds: 30) {
                try await TestDatabase.count(
                    """
                    SELECT count(*)::int FROM workspace.mails m JOIN workspace.notifications n USING (notification_id)
                    WHERE n.request_id = \(requestId) AND m.state = 'pending' AND m.attempts > 0 AND m.last_error IS NOT NULL
                    """) > 0
            }
            #expect(tried, "mails are tried and kept while the server is down")
            #expect(SentMail.all().filter { $0.subject.contains(title) }.isEmpty)
            try await LocalStack.script("start-mail")
            let mails = try await Self.arrived(requestId, title: title)
            let queued = try await Self.mailed(requestId)
            #expect(!queued.isEmpty)
            #expect(mails.count == queued.count, "each mail once: \(mails.count) arrived for \(queued.count) queued")
            #expect(Set(mails.map(\.messageID)).count == mails.count)
            #expect(
                try await TestDatabase.count(
                    """
                    SELECT count(*)::int FROM workspace.mails m JOIN workspace.notifications n USING (notification_id)
                    WHERE n.request_id = \(requestId) AND m.state <> 'sent'
                    """) == 0)
        }
        /// The caller's tasks (reporting's `/v1/tasks`) that are receipts of `requestId`.
        static func receiptTasks(_ requestId: String, token: String) async throws -> [String] {
            let reply = try await ServiceHTTP.call("GET", "reporting", "/v1/tasks", token: token)
            return (reply.json["tasks"] as? [[String: Any]] ?? []).filter {
                $0["requestId"] as? String == requestId && $0["receipt"] != nil
            }.compactMap { $0["receipt"] as? String }
        }

        static func acknowledge(_ requestId: String, _ kind: String, token: String) async throws -> ServiceHTTP.Reply {
            try await ServiceHTTP.call(
                "POST", "reporting", "/v1/requests/\(requestId)/receipts", token: token, json: ["kind": kind])
        }

        @Test(
            "receipts close their tasks: the producer acknowledges the delivered results, the Kepala Bidang then the Kepala Dinas the report; until then each waits on the receiver's task list and clock"
        )
        func receiptsCloseTheirTasks() async throws {
            let (producer, supervisor, head, technical) = (
                try await Actors.producer, try await Actors.supervisor, try await Actors.head,
                try await Actors.technical
            )
            let (requestId, _) = try await Self.walk("terima")
            #expect(try await Self.receiptTasks(requestId, token: producer) == ["results"])
            _ = try await ServiceHTTP.eventually("reporting", "/v1/requests/\(requestId)/steps", token: supervisor) {
                ($0["receipts"] as? [[String: Any]] ?? []).contains { $0["role"] as? String == "supervisor" }
            }
            #expect(try await Self.receiptTasks(requestId, token: supervisor) == ["report"])
            #expect(try await Self.receiptTasks(requestId, token: head).isEmpty, "the head's comes once forwarded")

            let early = try await Self.acknowledge(requestId, "report", token: head)
            #expect(early.status == 409 && early.text.contains("report_not_forwarded"), "\(early.text)")
            #expect(try await Self.acknowledge(requestId, "results", token: technical).status == 403)
            #expect(try await Self.acknowledge(requestId, "kuitansi", token: producer).status == 422)

            #expect(try await Self.acknowledge(requestId, "results", token: producer).status == 201)
            #expect(try await Self.acknowledge(requestId, "results", token: producer).status == 200, "once")
            #expect(try await Self.receiptTasks(requestId, token: producer).isEmpty)
            #expect(try await Self.acknowledge(requestId, "report", token: supervisor).status == 201)
            #expect(try await Self.receiptTasks(requestId, token: supervisor).isEmpty)
            #expect(try await Self.receiptTasks(requestId, token: head) == ["report"], "forwarded to the Kepala Dinas")
            let forwarded = try await Self.noticeBody(requestId, kind: "laporan-diteruskan", to: "kepala-dinas")
            #expect(forwarded?.contains("Kepala Bidang telah menerima laporan") == true, "the head is told")
            #expect(try await Self.acknowledge(requestId, "report", token: head).status == 201)
            #expect(try await Self.receiptTasks(requestId, token: head).isEmpty)

            let steps = try await ServiceHTTP.call("GET", "reporting", "/v1/requests/\(requestId)/steps", token: head)
            let receipts = steps.json["receipts"] as? [[String: Any]] ?? []
            #expect(receipts.map { $0["role"] as? String ?? "" } == ["producer", "supervisor", "head"])
            #expect(receipts.allSatisfy { $0["acknowledgedAt"] != nil && ($0["workingDays"] as? Double ?? -1) >= 0 })
            #expect(
                receipts.map { $0["acknowledgedBy"] as? String ?? "" } == [
                    "dinkes-operator", "pengawas", "kepala-dinas",
                ])
        }

        @Test(
            "a dataset's new contract version tells each consumer agency of it what changed, in words, and that it breaks their reads"
        )
        func newContractVersionNotifiesConsumers() async throws {
            let (producer, technical) = (try await Actors.producer, try await Actors.technical)
            _ = try await Actors.consumer
            _ = try await Actors.outsideConsumer
            let name = "notif_kontrak"
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer, json: submission(datasetName: name))
            let requestId = try #require(submitted.json["requestId"] as? String)
            _ = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: try await Actors.head,
                json: ["note": "x"])
            _ = try await ServiceHTTP.eventually("evaluation", "/v1/requests/\(requestId)/review", token: technical) {
                $0["state"] as? String == "awaiting_decision"
            }
            #expect(try await Agreement.agree(requestId, token: technical).status == 200)
            _ = try await ServiceHTTP.eventually("validation", "/v1/requests/\(requestId)", token: producer) {
                $0["state"] as? String == "awaiting_decision"
            }
            // The producer sends it back; the team returns it; the producer drops a column and adds one.
            _ = try await FinalEvaluation.decide(
                requestId, token: producer, ["decision": "reject", "reasons": ["kolom wilayah tidak dipakai"]])
            _ = try await ServiceHTTP.eventually("evaluation", "/v1/requests/\(requestId)/review", token: technical) {
                $0["state"] as? String == "awaiting_decision"
            }
            let returned = try await ServiceHTTP.call(
                "POST", "evaluation", "/v1/requests/\(requestId)/decision", token: technical,
                json: ["decision": "return", "reasons": [["message": "ganti kode_wilayah dengan nama_puskesmas"]]])
            #expect(returned.status == 200, "\(returned.text)")
            _ = try await ServiceHTTP.eventually("intake", "/v1/requests/\(requestId)", token: producer) {
                $0["state"] as? String == "returned"
            }
            var revised = submission(datasetName: name)
            revised["datasets"] = [
                [
                    "name": name, "primaryKey": ["kode_puskesmas"], "classification": "public",
                    "updateFrequency": "monthly",
                    "fields": [
                        ["name": "kode_puskesmas", "type": "string", "required": true],
                        ["name": "nama_puskesmas", "type": "string", "required": false],
                    ],
                ]
            ]
            let resubmitted = try await ServiceHTTP.call(
                "PUT", "intake", "/v1/requests/\(requestId)", token: producer, json: revised)
            #expect(resubmitted.status == 200, "\(resubmitted.text)")
            _ = try await ServiceHTTP.eventually("evaluation", "/v1/requests/\(requestId)/review", token: technical) {
                $0["state"] as? String == "awaiting_decision" && $0["version"] as? Int == 2
            }
            let second = try await Agreement.agree(requestId, token: technical)
            #expect(second.json["contractVersion"] as? Int == 2, "\(second.text)")

            let datasetId = "\(name)-\(requestId.prefix(8))"
            let body = try await Self.noticeBody(
                requestId, kind: "kontrak-berubah:\(datasetId)", to: "bappeda-pasuruan")
            #expect(body?.contains("kolom kode_wilayah dihapus") == true, "\(body ?? "no notice")")
            #expect(body?.contains("kolom baru nama_puskesmas (string, opsional)") == true)
            #expect(body?.contains("MEMUTUS pembacaan") == true)
            #expect(
                try await Self.noticeBody(requestId, kind: "kontrak-berubah:\(datasetId)", to: "dinsos-sidoarjo")
                    == nil,
                "an agency that does not read the dataset is not told")
            let mailed = try await Self.until(seconds: 20) {
                SentMail.all().contains {
                    $0.subject.contains("Kontrak dataset \(name) berubah (versi 1 → 2) — memutus pembacaan")
                        && $0.recipients == [Self.address("bappeda-pasuruan")]
                }
            }
            #expect(mailed, "the consumer agency's mail")
        }

        /// The body of the notification of `kind` about `requestId` that `name` got (waits up to 30 s).
        static func noticeBody(_ requestId: String, kind: String, to name: String) async throws -> String? {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let body: String? = try await TestDatabase.with { client in
                    for try await body in try await client.query(
                        """
                        SELECT n.body FROM workspace.notifications n JOIN identity.accounts a USING (account_id)
                        WHERE a.name = \(name) AND n.request_id = \(requestId) AND n.kind = \(kind)
                        """
                    ).decode(String.self) { return body }
                    return nil
                }
                if let body { return body }
                if name == "dinsos-sidoarjo" {
                    try await Task.sleep(for: .seconds(3))
                    return nil
                }
                try await Task.sleep(for: .milliseconds(300))
            }
            return nil
        }
    }
}
