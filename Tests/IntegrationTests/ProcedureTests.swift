import Foundation
import JembatanClient
import JembatanShared
import PostgresNIO
import Testing

extension RealStack {
    /// One request through all five services over real HTTP, real Kafka (tansu) and real PostgreSQL.
    @Suite("SOP path on the real stack")
    struct ProcedureTests {
        /// Submits, dispositions, waits for the provisioned API, accepts; returns the request id.
        /// A request of `dataset` walked through every step, each action answered at once.
        static func walkToCompletion(dataset: String) async throws -> String {
            let walk = ProcedureWalk(
                client: ServiceHTTP.client, producer: try await Actors.producer, head: try await Actors.head,
                technical: try await Actors.technical, supervisor: try await Actors.supervisor, resilient: false,
                stepSeconds: 60)
            return try await walk.walk(submission(datasetName: dataset))
        }

        @Test(
            "a request goes through every step: one event per step on every topic, in order, and the state in each schema"
        )
        func endToEnd() async throws {
            let requestId = try await Self.walkToCompletion(dataset: "puskesmas_e2e")
            let expected = [
                "id.jembatan.request.submitted.v1", "id.jembatan.request.dispositioned.v1",
                "id.jembatan.evaluation.started.v1", "id.jembatan.phase.recorded.v1", "id.jembatan.contract.agreed.v1",
                "id.jembatan.api.integration-test.passed.v1", "id.jembatan.api.provisioned.v1",
                "id.jembatan.results.delivered.v1", "id.jembatan.validation.run-completed.v1",
                "id.jembatan.request.accepted.v1", "id.jembatan.request.completed.v1",
                "id.jembatan.report.published.v1",
            ]
            let events = try await TopicReader.collect(
                [.intake, .evaluation, .provisioning, .validation, .reporting], where: { $0.keyText == requestId }
            ) {
                $0.count >= expected.count
            }
            #expect(Set(events.map(\.eventType)) == Set(expected))
            #expect(events.count == expected.count, "no event is published twice")
            for event in events {
                #expect(event.header("content-type") == "application/cloudevents+json")
                #expect(
                    event.topic == EventType(rawValue: event.eventType ?? "")?.topic.rawValue,
                    "each topic carries only its service's events")
            }
            let intakeOrder = events.filter { $0.topic == Topic.intake.rawValue }.map(\.eventType)
            #expect(
                intakeOrder == ["id.jembatan.request.submitted.v1", "id.jembatan.request.dispositioned.v1"],
                "per-request order is kept")

            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM intake.requests WHERE request_id = \(requestId) AND state = 'dispositioned'"
                ) == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM evaluation.contracts WHERE request_id = \(requestId)") == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.hub_datasets WHERE request_id = \(requestId)") == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.integration_tests WHERE request_id = \(requestId) AND passed"
                ) == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM validation.cases WHERE request_id = \(requestId) AND state = 'accepted' AND decided_by = 'dinkes-operator'"
                ) == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM reporting.requests WHERE request_id = \(requestId) AND state = 'completed'"
                ) == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM reporting.timeline WHERE request_id = \(requestId)") == 9,
                "submitted, dispositioned, review started, agreed, contract announced, test passed, API, delivered, accepted"
            )
            for schema in ["intake", "evaluation", "provisioning", "validation", "reporting"] {
                let unpublished = try await TestDatabase.count(
                    PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(schema).outbox WHERE published_at IS NULL"))
                #expect(unpublished == 0, "\(schema) outbox drained")
            }
        }

        @Test("an incomplete submission is refused with every failed rule and changes nothing")
        func incompleteSubmission() async throws {
            let before = try await TestDatabase.count("SELECT count(*)::int FROM intake.requests")
            var body = submission()
            body["title"] = "  "
            body["profile"] = "jakarta"
            body["datasets"] = [["name": "Bad Name", "primaryKey": [], "fields": []]]
            let reply = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer, json: body)
            #expect(reply.status == 422)
            let error = try #require(reply.json["error"] as? [String: Any])
            #expect(error["code"] as? String == "validation_failed")
            let violations = (error["violations"] as? [[String: Any]] ?? []).map {
                "\($0["field"] ?? "")/\($0["rule"] ?? "")"
            }
            #expect(
                Set(violations) == [
                    "title/required", "profile/enum", "datasets[0].name/pattern", "datasets[0].fields/min_items",
                    "datasets[0].classification/required", "datasets[0].updateFrequency/required",
                ])
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM intake.requests") == before)

            // Each input the profile requires is named when it is missing; the laboratory requires fewer.
            let minimal: [String: Any] = [
                "title": "t", "purpose": "p",
                "datasets": [
                    ["name": "d", "primaryKey": ["a"], "fields": [["name": "a", "type": "string", "required": true]]]
                ],
            ]
            let pasuruan = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer, json: minimal)
            let missing = ((pasuruan.json["error"] as? [String: Any])?["violations"] as? [[String: Any]] ?? []).map {
                "\($0["field"] ?? "")/\($0["rule"] ?? "")"
            }
            #expect(
                Set(missing) == [
                    "legalBasis/required", "contactPerson/required", "intendedConsumers/min_items",
                    "datasets[0].classification/required", "datasets[0].updateFrequency/required",
                ])
            var laboratory = minimal
            laboratory["profile"] = "laboratorium"
            let lab = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer, json: laboratory)
            let labMissing = ((lab.json["error"] as? [String: Any])?["violations"] as? [[String: Any]] ?? []).map {
                "\($0["field"] ?? "")/\($0["rule"] ?? "")"
            }
            #expect(labMissing == ["contactPerson/required"])
            var badValues = submission()
            badValues["contactPerson"] = ["name": "Siti", "email": "not-an-email"]
            badValues["datasets"] = [
                [
                    "name": "d", "primaryKey": ["a"], "classification": "secret", "updateFrequency": "hourly",
                    "fields": [["name": "a", "type": "string", "required": true]],
                ]
            ]
            let invalid = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer, json: badValues)
            let invalidRules = ((invalid.json["error"] as? [String: Any])?["violations"] as? [[String: Any]] ?? []).map
            { "\($0["field"] ?? "")/\($0["rule"] ?? "")" }
            #expect(
                Set(invalidRules) == [
                    "contactPerson.email/format", "datasets[0].classification/enum", "datasets[0].updateFrequency/enum",
                ])

            let wrongType = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer,
                rawBody: Data(#"{"agencyCode": 12}"#.utf8))
            #expect(wrongType.status == 400)
            #expect((wrongType.json["error"] as? [String: Any])?["field"] as? String == "agencyCode")

            let noActor = try await ServiceHTTP.call("POST", "intake", "/v1/requests", json: submission())
            #expect(noActor.status == 401)
            let wrongRole = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.head, json: submission())
            #expect(wrongRole.status == 403)
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM intake.requests") == before)
        }

        @Test(
            "a submission sent again with its Idempotency-Key creates one request and one event; the key with another body is refused"
        )
        func idempotentSubmission() async throws {
            let key = "form-\(UUID().uuidString)"
            let body = submission(datasetName: "idempoten_\(Int.random(in: 1000...9999))")
            let before = try await TestDatabase.count("SELECT count(*)::int FROM intake.requests")
            // Two at once (a double click) and one later (an answer lost on a bad connection).
            let producer = try await Actors.producer
            let encoded = try JSONSerialization.data(withJSONObject: body)
            async let first = ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer, rawBody: encoded, headers: ["Idempotency-Key": key])
            async let second = ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer, rawBody: encoded, headers: ["Idempotency-Key": key])
            let (a, b) = try await (first, second)
            let again = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer, json: body,
                headers: ["Idempotency-Key": key])
            #expect(
                [a.status, b.status, again.status] == [Int](repeating: 201, count: 3),
                "\(a.text) \(b.text) \(again.text)")
            let requestId = try #require(a.json["requestId"] as? String)
            #expect(b.json["requestId"] as? String == requestId)
            #expect(again.json["requestId"] as? String == requestId)
            #expect(again.header("Idempotent-Replayed") == "true")
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM intake.requests") == before + 1)

            var changed = body
            changed["title"] = "Judul lain"
            let reused = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer, json: changed,
                headers: ["Idempotency-Key": key])
            #expect(reused.status == 422)
            #expect((reused.json["error"] as? [String: Any])?["code"] as? String == "idempotency_key_reused")
            #expect((reused.json["error"] as? [String: Any])?["field"] as? String == "Idempotency-Key")
            let blank = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer, json: body,
                headers: ["Idempotency-Key": "two words"])
            #expect(blank.status == 400)
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM intake.requests") == before + 1,
                "refusals change nothing")

            // Read the topic for a while after the first event: a second one would show up here.
            let events = try await TopicReader.collect([.intake], seconds: 8, where: { $0.keyText == requestId }) {
                $0.count >= 2
            }
            #expect(events.map(\.eventType) == ["id.jembatan.request.submitted.v1"], "one submitted event")
        }

        @Test(
            "return → revise → resubmit loop: blocking findings cannot be agreed, the team returns with reasons, the revised version is agreed"
        )
        func returnAndResubmit() async throws {
            let technical = try await Actors.technical
            let producer = try await Actors.producer
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer,
                json: submission(datasetName: "tanpa_kunci", primaryKey: []))
            let requestId = try #require(submitted.json["requestId"] as? String)
            _ = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: try await Actors.head,
                json: ["note": "cek"])
            let evaluation = try await ServiceHTTP.eventually(
                "evaluation", "/v1/requests/\(requestId)/review", token: technical
            ) { $0["state"] as? String == "awaiting_decision" }
            #expect(
                (evaluation["findings"] as? [[String: Any]])?.contains {
                    $0["rule"] as? String == "missing_primary_key" && $0["severity"] as? String == "blocking"
                } == true)

            let refused = try await Agreement.agree(requestId, token: technical)
            #expect(refused.status == 409)
            #expect((refused.json["error"] as? [String: Any])?["code"] as? String == "blocking_findings")
            let noReason = try await ServiceHTTP.call(
                "POST", "evaluation", "/v1/requests/\(requestId)/decision", token: technical,
                json: ["decision": "return"])
            #expect(noReason.status == 422)
            let returned = try await ServiceHTTP.call(
                "POST", "evaluation", "/v1/requests/\(requestId)/decision", token: technical,
                json: [
                    "decision": "return",
                    "reasons": [
                        ["field": "tanpa_kunci.kode_puskesmas", "message": "jadikan kode_puskesmas kunci utama"]
                    ],
                ])
            #expect(returned.status == 200, "\(returned.text)")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM evaluation.contracts WHERE request_id = \(requestId)") == 0)
            _ = try await ServiceHTTP.eventually("intake", "/v1/requests/\(requestId)", token: producer) {
                $0["state"] as? String == "returned"
            }

            var revised = submission(datasetName: "tanpa_kunci")
            revised.removeValue(forKey: "agencyCode")
            let resubmitted = try await ServiceHTTP.call(
                "PUT", "intake", "/v1/requests/\(requestId)", token: producer, json: revised)
            #expect(resubmitted.status == 200, "\(resubmitted.text)")
            #expect(resubmitted.json["version"] as? Int == 2)
            let diff = try await ServiceHTTP.call(
                "GET", "intake", "/v1/requests/\(requestId)/diff?from=1&to=2", token: producer)
            let changes = (diff.json["changes"] as? [[String: Any]] ?? []).map {
                "\($0["path"] ?? "")/\($0["change"] ?? "")"
            }
            #expect(changes == ["tanpa_kunci.primaryKey/primary_key_changed"])

            _ = try await ServiceHTTP.eventually("evaluation", "/v1/requests/\(requestId)/review", token: technical) {
                $0["state"] as? String == "awaiting_decision" && $0["version"] as? Int == 2
            }
            let agreed = try await Agreement.agree(requestId, token: technical)
            #expect(agreed.status == 200, "\(agreed.text)")
            let again = try await Agreement.agree(requestId, token: technical)
            #expect(again.status == 409, "a decision is taken once")

            let expected = [
                "id.jembatan.request.submitted.v1", "id.jembatan.request.dispositioned.v1",
                "id.jembatan.evaluation.started.v1",
                "id.jembatan.request.returned.v1", "id.jembatan.request.resubmitted.v1",
                "id.jembatan.evaluation.started.v1", "id.jembatan.phase.recorded.v1",
                "id.jembatan.contract.agreed.v1",
            ]
            let events = try await TopicReader.collect([.intake, .evaluation], where: { $0.keyText == requestId }) {
                $0.count >= expected.count
            }
            #expect(events.map(\.eventType).sorted { $0 ?? "" < $1 ?? "" } == expected.sorted())
            let returnedEvent = try #require(events.first { $0.eventType == EventType.requestReturned.rawValue })
            let payload = try CloudEventCodec.payload(RequestReturned.self, from: returnedEvent.value)
            #expect(
                payload.reasons == [
                    ReturnReason(field: "tanpa_kunci.kode_puskesmas", message: "jadikan kode_puskesmas kunci utama")
                ])
            #expect(payload.returnedBy.id == "tim-teknis")
        }

        @Test(
            "the automated review names personal data, NIK, region codes, vague types, a public dataset with personal data, and overlap with the hub"
        )
        func reviewRules() async throws {
            let agreedElsewhere = try await Self.walkToCompletion(dataset: "penduduk_rentan")
            #expect(!agreedElsewhere.isEmpty)
            var body = submission(datasetName: "penduduk_rentan")
            body["datasets"] = [
                [
                    "name": "penduduk_rentan", "primaryKey": ["nik"], "classification": "public",
                    "updateFrequency": "monthly",
                    "fields": [
                        ["name": "nik", "type": "integer", "required": true],
                        ["name": "nama", "type": "string", "required": true],
                        ["name": "kode_wilayah", "type": "text", "required": true],
                        ["name": "kode_puskesmas", "type": "string", "required": false],
                    ],
                ]
            ]
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer, json: body)
            let requestId = try #require(submitted.json["requestId"] as? String)
            _ = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: try await Actors.head,
                json: ["note": "x"])
            let review = try await ServiceHTTP.eventually(
                "evaluation", "/v1/requests/\(requestId)/review", token: try await Actors.technical
            ) { $0["state"] as? String == "awaiting_decision" }
            let findings = Set(
                (review["findings"] as? [[String: Any]] ?? []).map {
                    "\($0["severity"] ?? "")/\($0["field"] as? String ?? "-")/\($0["rule"] ?? "")"
                })
            #expect(
                findings == [
                    "warning/nik/personal_data", "warning/nik/nik_format", "warning/nama/personal_data",
                    "warning/kode_wilayah/vague_type", "info/kode_wilayah/reference_code",
                    "blocking/-/classification", "warning/-/overlap_with_hub",
                ])
        }

        @Test("the producer's own DDL becomes dataset definitions over HTTP, with problems by line")
        func ddlImport() async throws {
            let reply = try await ServiceHTTP.call(
                "POST", "intake", "/v1/ddl/import", token: try await Actors.producer,
                rawBody: Data("CREATE TABLE t (id int PRIMARY KEY, lokasi geometry);\nDROP TABLE x;".utf8))
            #expect(reply.status == 200, "\(reply.text)")
            let datasets = try #require(reply.json["datasets"] as? [[String: Any]])
            #expect(datasets.first?["name"] as? String == "t")
            #expect(datasets.first?["primaryKey"] as? [String] == ["id"])
            let problems = (reply.json["problems"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int }
            #expect(problems == [1, 2])
            let head = try await ServiceHTTP.call(
                "POST", "intake", "/v1/ddl/import", token: try await Actors.head,
                rawBody: Data("CREATE TABLE t (id int);".utf8))
            #expect(head.status == 403)
        }

        @Test(
            "the agreed contract reads as JSON, JSON Schema and HTML; the producer's reopen sends the request back to step 3 and a new contract version"
        )
        func contractAndReopen() async throws {
            let producer = try await Actors.producer
            let technical = try await Actors.technical
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer, json: submission(datasetName: "reopen_probe"))
            let requestId = try #require(submitted.json["requestId"] as? String)
            _ = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: try await Actors.head,
                json: ["note": "x"])
            _ = try await ServiceHTTP.eventually("evaluation", "/v1/requests/\(requestId)/review", token: technical) {
                $0["state"] as? String == "awaiting_decision"
            }
            let agreed = try await Agreement.agree(requestId, token: technical)
            let contractId = try #require(agreed.json["contractId"] as? String)

            let contract = try await ServiceHTTP.call(
                "GET", "evaluation", "/v1/contracts/\(contractId)", token: producer)
            #expect(contract.json["consumers"] as? [String] == ["35.14-bappeda"])
            let schema = try await ServiceHTTP.call(
                "GET", "evaluation", "/v1/contracts/\(contractId)/schema.json", token: producer)
            let datasetSchema = try #require(
                (schema.json["schemas"] as? [String: Any])?["reopen_probe"] as? [String: Any])
            #expect(datasetSchema["required"] as? [String] == ["kode_puskesmas", "kode_wilayah"])
            #expect(datasetSchema["x-primaryKey"] as? [String] == ["kode_puskesmas"])
            #expect(
                ((datasetSchema["properties"] as? [String: Any])?["kode_wilayah"] as? [String: Any])?["pattern"]
                    as? String == ContractSchemaPattern.region)
            let html = try await ServiceHTTP.call(
                "GET", "evaluation", "/v1/contracts/\(contractId)/document", token: producer)
            #expect(
                html.text.contains("Dokumen Interchange Data") && html.text.contains("reopen_probe")
                    && html.text.contains("35.14-bappeda"))
            let consumer = try await TestAccounts.shared.token("bappeda-reader", .consumer, agency: "35.14-bappeda")
            #expect(
                try await ServiceHTTP.call("GET", "evaluation", "/v1/contracts/\(contractId)", token: consumer).status
                    == 200, "a listed consumer reads the contract")
            #expect(
                try await ServiceHTTP.call(
                    "GET", "evaluation", "/v1/contracts/\(contractId)", token: try await Actors.otherAgencyProducer
                ).status == 404)

            _ = try await ServiceHTTP.eventually("validation", "/v1/requests/\(requestId)", token: producer) {
                $0["state"] as? String == "awaiting_decision"
            }
            let rejected = try await FinalEvaluation.decide(
                requestId, token: producer,
                ["decision": "reject", "reasons": ["jumlah puskesmas tidak sesuai dengan SIMPUS"]])
            #expect(rejected.status == 200, "\(rejected.text)")
            let reopened = try await ServiceHTTP.eventually(
                "evaluation", "/v1/requests/\(requestId)/review", token: technical
            ) { $0["state"] as? String == "awaiting_decision" }
            #expect(
                (reopened["findings"] as? [[String: Any]])?.contains { $0["rule"] as? String == "reopened_by_producer" }
                    == true)
            let second = try await Agreement.agree(requestId, token: technical)
            #expect(second.json["contractVersion"] as? Int == 2)
            _ = try await ServiceHTTP.eventually("validation", "/v1/requests/\(requestId)", token: producer) {
                $0["state"] as? String == "awaiting_decision"
                    && $0["contractId"] as? String == second.json["contractId"] as? String
            }
            _ = try await FinalEvaluation.decide(requestId, token: producer, ["decision": "accept"])
            _ = try await ServiceHTTP.eventually("reporting", "/v1/requests/\(requestId)", token: producer) {
                ($0["request"] as? [String: Any])?["state"] as? String == "completed"
            }
            let started = try await TopicReader.collect(
                [.evaluation],
                where: { $0.keyText == requestId && $0.eventType == EventType.evaluationStarted.rawValue }
            ) { $0.count >= 2 }
            let triggers = try started.map {
                try CloudEventCodec.payload(EvaluationStarted.self, from: $0.value).trigger
            }
            #expect(triggers == ["disposition", "reopened"])
        }

        @Test(
            "Kaltim on the real stack: acceptance before delivery refused, hand-over, the head sends it back to step 3, then closes it; every step measured"
        )
        func kaltimSendBack() async throws {
            let (producer, head, technical, supervisor) = (
                try await Actors.producer, try await Actors.head, try await Actors.technical,
                try await Actors.supervisor
            )
            var body = submission(datasetName: "kaltim_sendback")
            body["profile"] = "kaltim"
            let submitted = try await ServiceHTTP.call("POST", "intake", "/v1/requests", token: producer, json: body)
            let requestId = try #require(submitted.json["requestId"] as? String, "\(submitted.text)")
            _ = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: head, json: ["note": "Tindak lanjuti"]
            )
            _ = try await ServiceHTTP.eventually("evaluation", "/v1/requests/\(requestId)/review", token: technical) {
                $0["state"] as? String == "awaiting_decision"
            }
            // Step 4 is its own state: agreed, the contract waits for the interchange document.
            let agreed = try await ServiceHTTP.call(
                "POST", "evaluation", "/v1/requests/\(requestId)/decision", token: technical,
                json: ["decision": "agree"])
            #expect(agreed.json["next"] as? String == "interchange_document", "\(agreed.text)")
            _ = try await ServiceHTTP.eventually("reporting", "/v1/requests/\(requestId)", token: head) {
                ($0["request"] as? [String: Any])?["sopStep"] as? Int == 4
            }
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.datasets WHERE request_id = \(requestId)") == 0,
                "nothing is provisioned before the interchange document")
            let recorded = try await ServiceHTTP.call(
                "POST", "evaluation", "/v1/requests/\(requestId)/steps", token: technical,
                json: ["phase": "interchange_document", "note": "Dokumen rumusan integrasi data"])
            #expect(recorded.json["contractAnnounced"] as? Bool == true, "\(recorded.text)")
            _ = try await ServiceHTTP.eventually("validation", "/v1/requests/\(requestId)", token: producer) {
                $0["state"] as? String == "awaiting_decision"
            }
            // The SOP's order: no acceptance of undelivered results, and nothing changes.
            let run = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/validation-runs", token: producer)
            let early = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/decision", token: producer,
                json: ["decision": "accept", "runId": run.json["runId"] as? String ?? "", "note": "sesuai"])
            #expect(early.status == 409 && early.json.errorCode == "not_delivered", "\(early.text)")
            #expect(early.text.contains("Langkah 7"), "names the step: \(early.text)")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM validation.cases WHERE request_id = \(requestId) AND state = 'awaiting_decision'"
                )
                    == 1)
            let accepted = try await FinalEvaluation.decide(requestId, token: producer, ["decision": "accept"])
            #expect(accepted.status == 200, "\(accepted.text)")
            let tooEarly = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/head-review", token: head,
                json: ["decision": "approve"])
            #expect(tooEarly.json.errorCode == "not_handed_over", "step 11 follows the hand-over: \(tooEarly.text)")
            let handedOver = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/requests/\(requestId)/hand-over", token: supervisor,
                json: ["note": "Berita acara serah terima dokumen hasil interchange"])
            #expect(handedOver.status == 201, "\(handedOver.text)")
            let sentBack = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/head-review", token: head,
                json: ["decision": "send_back", "reasons": ["Data kecamatan belum tampil di dasbor"]])
            #expect(sentBack.status == 200, "\(sentBack.text)")
            // Back to step 3: the team reviews again and agrees a second contract version.
            _ = try await ServiceHTTP.eventually("evaluation", "/v1/requests/\(requestId)/review", token: technical) {
                $0["state"] as? String == "awaiting_decision"
            }
            let second = try await Agreement.agree(requestId, token: technical)
            #expect(second.json["contractVersion"] as? Int == 2, "\(second.text)")
            _ = try await ServiceHTTP.eventually("validation", "/v1/requests/\(requestId)", token: producer) {
                $0["state"] as? String == "awaiting_decision"
                    && $0["contractId"] as? String == second.json["contractId"] as? String
            }
            #expect(
                try await FinalEvaluation.decide(requestId, token: producer, ["decision": "accept"]).status == 200)
            #expect(
                try await ServiceHTTP.call(
                    "POST", "provisioning", "/v1/requests/\(requestId)/hand-over", token: supervisor,
                    json: ["note": "Serah terima kedua"]
                ).status == 201)
            let approved = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/head-review", token: head,
                json: ["decision": "approve", "note": "Sesuai; terus dilakukan update"])
            #expect(approved.status == 200, "\(approved.text)")
            _ = try await ServiceHTTP.eventually("reporting", "/v1/requests/\(requestId)", token: head) {
                ($0["request"] as? [String: Any])?["state"] as? String == "completed"
            }
            let steps = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/requests/\(requestId)/steps", token: head)
            let numbers = (steps.json["steps"] as? [[String: Any]] ?? []).compactMap { $0["step"] as? Int }
            #expect(
                numbers == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
                "every step of the Kaltim profile, the second round from step 3: \(numbers)")
            let review = (steps.json["steps"] as? [[String: Any]] ?? [])[10]
            #expect((review["responsible"] as? [String: Any])?["role"] as? String == "head")
            // Step 1's letter and sheet are not signed (nobody signs in this walk): an output deviation,
            // owed by the roles that sign them.
            let lines = steps.json["steps"] as? [[String: Any]] ?? []
            let opening = (lines.first?["deviations"] as? [String]) ?? []
            #expect(
                opening.contains { $0.hasPrefix("naskah: Surat Permohonan") && $0.contains("belum ditandatangani") }
                    && opening.contains { $0.hasPrefix("naskah: Lembar Disposisi") }, "\(opening)")
            // Once the operator signs the letter and the head the sheet, step 1 owes nothing: no deviation to justify.
            try await TestPeople.shared.person(
                "kaltim.operator", .producer, agency: "35.14-dinkes", password: SignatureTests.password,
                nip: "199001012015031002")
            try await TestPeople.shared.person(
                "kaltim.kepala", .head, password: SignatureTests.password, nip: "197001012000031002")
            for (username, kind) in [("kaltim.operator", "surat_permohonan"), ("kaltim.kepala", "lembar_disposisi")] {
                let documents = try await SignatureTests.documents("intake", of: requestId, token: head)
                let id = try #require(documents.first { $0["kind"] as? String == kind }?["documentId"] as? String)
                let browser = WorkspaceBrowser()
                _ = try await browser.signIn(username, SignatureTests.password)
                let page = "/permohonan/\(requestId)/dokumen/intake/\(id)"
                let form = try await browser.get(page)
                let signed = try await browser.post(
                    "\(page)/tanda-tangan", ["_csrf": form.csrf ?? "", "password": SignatureTests.password])
                #expect(signed.text.contains("Naskah ditandatangani"), "\(kind) signed by \(username)")
            }
            let cleared = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/requests/\(requestId)/steps", token: head)
            let first = try #require((cleared.json["steps"] as? [[String: Any]])?.first)
            #expect((first["deviations"] as? [String]) == [], "signed, step 1's documents are no deviation")
            let justified = try await ServiceHTTP.call(
                "POST", "reporting", "/v1/requests/\(requestId)/justifications", token: head,
                json: [
                    "phase": first["phase"] as? String ?? "", "startedAt": first["startedAt"] as? String ?? "",
                    "justification": "Menunggu rapat pimpinan",
                ])
            #expect(justified.json.errorCode == "not_a_deviation", "\(justified.text)")
            let overall = try #require(steps.json["overall"] as? [String: Any])
            #expect(overall["standard"] as? String == "4 months" && overall["endedAt"] != nil)
            let events = try await TopicReader.collect(
                [.validation, .provisioning], where: { $0.keyText == requestId }
            ) {
                $0.contains { $0.eventType == EventType.integrationApproved.rawValue }
                    && $0.filter { $0.eventType == EventType.resultsHandedOver.rawValue }.count >= 2
            }
            #expect(events.filter { $0.eventType == EventType.resultsHandedOver.rawValue }.count == 2)
            #expect(events.filter { $0.eventType == EventType.requestReopened.rawValue }.count == 1)
        }

        @Test("a draft may be incomplete; it says what is missing, and is submitted only when complete")
        func drafts() async throws {
            let producer = try await Actors.producer
            let created = try await ServiceHTTP.call(
                "POST", "intake", "/v1/drafts", token: producer, json: ["title": "Draf data posyandu"])
            #expect(created.status == 201, "\(created.text)")
            let requestId = try #require(created.json["requestId"] as? String)
            let missing = (created.json["missing"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(Set(missing) == ["purpose", "legalBasis", "contactPerson", "intendedConsumers", "datasets"])
            let early = try await ServiceHTTP.call("POST", "intake", "/v1/drafts/\(requestId)/submit", token: producer)
            #expect(early.status == 422)
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM intake.outbox WHERE message_key = \(requestId)")
                    == 0, "nothing announced while a draft")
            let other = try await ServiceHTTP.call(
                "PUT", "intake", "/v1/drafts/\(requestId)", token: try await Actors.otherAgencyProducer,
                json: submission())
            #expect(other.status == 404)
            let completed = try await ServiceHTTP.call(
                "PUT", "intake", "/v1/drafts/\(requestId)", token: producer, json: submission(datasetName: "posyandu"))
            #expect((completed.json["missing"] as? [Any])?.isEmpty == true)
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/drafts/\(requestId)/submit", token: producer)
            #expect(submitted.status == 200, "\(submitted.text)")
            let shown = try await ServiceHTTP.call("GET", "intake", "/v1/requests/\(requestId)", token: producer)
            #expect(shown.json["state"] as? String == "submitted")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM intake.requests WHERE request_id = \(requestId) AND profile = 'pasuruan' AND profile_version = 1"
                ) == 1)
            _ = try await ServiceHTTP.eventually("reporting", "/v1/requests/\(requestId)", token: producer) {
                ($0["request"] as? [String: Any])?["state"] as? String == "submitted"
            }
        }

        @Test(
            "each completeness rule is named with its field",
            arguments: [
                (#"{"title": "\#(String(repeating: "x", count: 201))"}"#, "title/max_length"),
                (#"{"purpose": "\#(String(repeating: "x", count: 4001))"}"#, "purpose/max_length"),
                (#"{"agencyCode": "35 14"}"#, "agencyCode/pattern"),
                (#"{"intendedConsumers": ["bad code!"]}"#, "intendedConsumers[0]/pattern"),
                (#"{"contactPerson": {"name": "Siti"}}"#, "contactPerson/reachable"),
                (#"{"contactPerson": {"name": " ", "phone": "1"}}"#, "contactPerson.name/required"),
                (
                    #"{"attachments": [{"name": "a.pdf", "mediaType": "pdf", "sizeBytes": 0}]}"#,
                    "attachments[0].mediaType/format"
                ),
                (
                    #"{"attachments": [{"name": "a.pdf", "mediaType": "application/pdf", "sizeBytes": 0}]}"#,
                    "attachments[0].sizeBytes/minimum"
                ),
                (
                    #"{"datasets": [{"name": "d", "primaryKey": ["a"], "classification": "public", "updateFrequency": "monthly", "fields": [{"name": "a", "type": "string", "required": true}, {"name": "a", "type": "", "required": true}]}]}"#,
                    "datasets[0].fields[1].name/unique"
                ),
                (
                    #"{"datasets": [{"name": "d", "primaryKey": ["a"], "classification": "public", "updateFrequency": "monthly", "fields": [{"name": "a", "type": "", "required": true}]}]}"#,
                    "datasets[0].fields[0].type/required"
                ),
                (
                    #"{"datasets": [{"name": "d", "primaryKey": ["a"], "classification": "public", "updateFrequency": "monthly", "fields": [{"name": "a", "type": "string", "required": true, "pattern": "^[A-Z"}]}]}"#,
                    "datasets[0].fields[0].pattern/regex"
                ),
                (
                    #"{"datasets": [{"name": "d", "primaryKey": ["a"], "classification": "public", "updateFrequency": "monthly", "fields": [{"name": "a", "type": "integer", "required": true, "minimum": 10, "maximum": 1}]}]}"#,
                    "datasets[0].fields[0].minimum/range"
                ),
                (
                    #"{"datasets": [{"name": "d", "primaryKey": ["a"], "classification": "public", "updateFrequency": "monthly", "fields": [{"name": "a", "type": "string", "required": true}]}, {"name": "d", "primaryKey": ["a"], "classification": "public", "updateFrequency": "monthly", "fields": [{"name": "a", "type": "string", "required": true}]}]}"#,
                    "datasets[1].name/unique"
                ),
            ])
        func completenessRules(change: String, rule: String) async throws {
            var body = submission()
            let changes = try #require(try JSONSerialization.jsonObject(with: Data(change.utf8)) as? [String: Any])
            for (key, value) in changes { body[key] = value }
            let before = try await TestDatabase.count("SELECT count(*)::int FROM intake.requests")
            let reply = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer, json: body)
            #expect(reply.status == 422)
            let rules = ((reply.json["error"] as? [String: Any])?["violations"] as? [[String: Any]] ?? []).map {
                "\($0["field"] ?? "")/\($0["rule"] ?? "")"
            }
            #expect(rules.contains(rule), "\(rules)")
            #expect(
                try await TestDatabase.count("SELECT count(*)::int FROM intake.requests") == before, "nothing changes")
        }

        @Test("a withdrawn request cannot be decided on any more")
        func withdrawal() async throws {
            let producer = try await Actors.producer
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer, json: submission(datasetName: "ditarik"))
            let requestId = try #require(submitted.json["requestId"] as? String)
            _ = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: try await Actors.head,
                json: ["note": "x"])
            _ = try await ServiceHTTP.eventually(
                "evaluation", "/v1/requests/\(requestId)/review", token: try await Actors.technical
            ) { $0["state"] as? String == "awaiting_decision" }
            let withdrawn = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/withdraw", token: producer,
                json: ["reason": "data dipindahkan ke Bappeda"])
            #expect(withdrawn.status == 200)
            _ = try await ServiceHTTP.eventually(
                "evaluation", "/v1/requests/\(requestId)/review", token: try await Actors.technical
            ) { $0["state"] as? String == "withdrawn" }
            let decision = try await Agreement.agree(requestId, token: try await Actors.technical)
            #expect(decision.status == 409)
            _ = try await ServiceHTTP.eventually("reporting", "/v1/requests/\(requestId)", token: try await Actors.head)
            {
                ($0["request"] as? [String: Any])?["state"] as? String == "withdrawn"
            }
        }

        @Test("a decision before the API is provisioned is refused")
        func noBlindAcceptance() async throws {
            let reply = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(UUID().uuidString.lowercased())/decision",
                token: try await Actors.producer,
                json: ["decision": "accept", "runId": UUID().uuidString.lowercased()])
            #expect(reply.status == 409)
            #expect((reply.json["error"] as? [String: Any])?["code"] as? String == "not_provisioned")
        }
    }
}
