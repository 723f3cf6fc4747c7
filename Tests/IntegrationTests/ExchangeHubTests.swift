import Foundation
import JembatanShared
import PostgresNIO
import Testing

extension RealStack {
    /// SOP steps 5–7 and the exchange API on the real stack: credentials, push, read, limits, audit.
    @Suite("Exchange hub")
    struct ExchangeHubTests {
        /// A dataset with one field per kind of rule the hub checks on ingest.
        static func checkedDataset(_ name: String) -> [String: Any] {
            [
                "name": name,
                "primaryKey": ["kode_faskes"],
                "classification": "public",
                "updateFrequency": "monthly",
                "fields": [
                    ["name": "kode_faskes", "type": "string", "required": true, "pattern": "^[A-Z]{2}[0-9]{3}$"],
                    ["name": "kode_wilayah", "type": "region_code", "required": true],
                    ["name": "jenis", "type": "string", "required": true, "allowedValues": ["negeri", "swasta"]],
                    ["name": "jumlah_dokter", "type": "integer", "required": false, "minimum": 0, "maximum": 500],
                    ["name": "tanggal_izin", "type": "date", "required": false],
                    ["name": "aktif", "type": "boolean", "required": false],
                ],
            ]
        }

        /// Submits, dispositions and agrees a request with `dataset`; waits for the integration test. Returns (request id, dataset id, test JSON).
        static func provision(_ dataset: [String: Any]) async throws -> (
            requestId: String, datasetId: String, test: [String: Any]
        ) {
            var body = submission()
            body["datasets"] = [dataset]
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer, json: body)
            let requestId = try #require(submitted.json["requestId"] as? String, "\(submitted.text)")
            _ = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: try await Actors.head,
                json: ["note": "Tindak lanjuti"])
            _ = try await ServiceHTTP.eventually(
                "evaluation", "/v1/requests/\(requestId)/review", token: try await Actors.technical
            ) { $0["state"] as? String == "awaiting_decision" }
            let agreed = try await Agreement.agree(requestId, token: try await Actors.technical)
            #expect(agreed.status == 200, "\(agreed.text)")
            let endpoints = try await ServiceHTTP.eventually(
                "provisioning", "/v1/requests/\(requestId)/endpoints", token: try await Actors.technical
            ) {
                !(($0["integrationTests"] as? [Any]) ?? []).isEmpty
            }
            let test = try #require((endpoints["integrationTests"] as? [[String: Any]])?.last)
            let datasetId = try #require((endpoints["endpoints"] as? [[String: Any]])?.first?["datasetId"] as? String)
            return (requestId, datasetId, test)
        }

        /// Collects the agency's key of `scope` for the request.
        static func collect(_ requestId: String, scope: String, token: String) async throws -> (id: String, key: String)
        {
            let listed = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/requests/\(requestId)/credentials", token: token)
            let credential = try #require(
                (listed.json["credentials"] as? [[String: Any]])?.first { $0["scope"] as? String == scope },
                "\(listed.text)")
            let id = try #require(credential["credentialId"] as? String)
            let collected = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/credentials/\(id)/collect", token: token)
            #expect(collected.status == 200, "\(collected.text)")
            return (id, try #require(collected.json["key"] as? String))
        }

        static func push(
            _ datasetId: String, key: String, ndjson lines: [String], query: String = "",
            headers: [String: String] = [:]
        ) async throws -> ServiceHTTP.Reply {
            try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/datasets/\(datasetId)/records\(query)", token: key,
                rawBody: Data((lines.joined(separator: "\n") + "\n").utf8), contentType: "application/x-ndjson",
                headers: headers)
        }

        static func storedRecords(_ datasetId: String) async throws -> Int {
            let table = try await TestDatabase.with { client -> String in
                for try await table in try await client.query(
                    "SELECT storage_table FROM provisioning.datasets WHERE dataset_id = \(datasetId)"
                ).decode(String.self) { return table }
                return ""
            }
            return try await TestDatabase.count(
                PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM provisioning.\(table)"))
        }

        @Test(
            "an agreed contract is provisioned: integration test evidence, credentials per agency (secret once, hash only), supervisor's delivery recorded"
        )
        func provisioning() async throws {
            let (requestId, datasetId, test) = try await Self.provision(Self.checkedDataset("faskes_provisioning"))
            #expect(test["passed"] as? Bool == true, "\(test)")
            let checks = (test["evidence"] as? [[String: Any]] ?? []).compactMap { $0["check"] as? String }
            #expect(
                checks == [
                    "storage", "synthetic_record_valid", "write_with_write_scope", "read_back_with_read_scope",
                    "wrong_scope_refused", "cleanup",
                ])
            #expect(try await Self.storedRecords(datasetId) == 0, "the integration test leaves no record behind")

            let producerView = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/requests/\(requestId)/credentials", token: try await Actors.producer)
            let producerScopes = (producerView.json["credentials"] as? [[String: Any]] ?? []).map {
                "\($0["agencyCode"] ?? "")/\($0["scope"] ?? "")/\($0["state"] ?? "")"
            }.sorted()
            #expect(
                producerScopes == ["35.14-dinkes/read/awaiting_collection", "35.14-dinkes/write/awaiting_collection"])
            let consumerView = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/requests/\(requestId)/credentials", token: try await Actors.consumer)
            #expect(
                (consumerView.json["credentials"] as? [[String: Any]] ?? []).map { $0["scope"] as? String } == ["read"])
            let outsider = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/requests/\(requestId)/credentials",
                token: try await Actors.otherAgencyProducer)
            #expect(outsider.status == 404)

            let (writeId, writeKey) = try await Self.collect(
                requestId, scope: "write", token: try await Actors.producer)
            #expect(writeKey.hasPrefix("jbk_\(writeId)_") && writeKey.count == 69)
            let again = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/credentials/\(writeId)/collect", token: try await Actors.producer)
            #expect(
                again.status == 409
                    && again.json["error"].flatMap { ($0 as? [String: Any])?["code"] as? String } == "already_collected"
            )
            let stored = try await TestDatabase.count(
                "SELECT count(*)::int FROM provisioning.credentials WHERE credential_id = \(writeId) AND length(secret_hash) = 32"
            )
            #expect(stored == 1, "only a 32-byte hash is stored")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.credentials WHERE request_id = \(requestId)") == 3,
                "producer read+write, one consumer read")

            let notSupervisor = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/requests/\(requestId)/delivery", token: try await Actors.producer,
                json: ["note": "x"])
            #expect(notSupervisor.status == 403)
            let delivered = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/requests/\(requestId)/delivery", token: try await Actors.supervisor,
                json: ["note": "Endpoint dan kunci disampaikan ke Dinkes dan Bappeda"])
            #expect(delivered.status == 201, "\(delivered.text)")
            let twice = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/requests/\(requestId)/delivery", token: try await Actors.supervisor,
                json: ["note": "lagi"])
            #expect(twice.status == 409)
            let events = try await TopicReader.collect([.provisioning], where: { $0.keyText == requestId }) {
                $0.count >= 3
            }
            let types = events.compactMap(\.eventType)
            #expect(
                types == [
                    EventType.integrationTestPassed.rawValue, EventType.apiProvisioned.rawValue,
                    EventType.resultsDelivered.rawValue,
                ])
            let provisioned = try #require(events.first { $0.eventType == EventType.apiProvisioned.rawValue })
            let text = String(decoding: provisioned.value, as: UTF8.self)
            #expect(text.contains(writeId) && !text.contains(writeKey), "events name credentials, never secrets")
        }

        @Test(
            "an integration test that fails announces nothing: the failure is an event with the evidence, and no key is issued"
        )
        func failedIntegrationTest() async throws {
            var dataset = Self.checkedDataset("faskes_unknown_reference")
            var fields = dataset["fields"] as! [[String: Any]]
            fields.append(["name": "kode_kbli", "type": "string", "required": true, "references": "kbli.kode"])
            dataset["fields"] = fields
            let (requestId, _, test) = try await Self.provision(dataset)
            #expect(test["passed"] as? Bool == false)
            let failed = (test["evidence"] as? [[String: Any]] ?? []).first { $0["passed"] as? Bool == false }
            #expect(failed?["check"] as? String == "synthetic_record_valid")
            #expect((failed?["detail"] as? String ?? "").contains("kode_kbli"), "\(failed ?? [:])")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.credentials WHERE request_id = \(requestId)") == 0)
            let events = try await TopicReader.collect([.provisioning], seconds: 30, where: { $0.keyText == requestId })
            { !$0.isEmpty }
            #expect(events.compactMap(\.eventType) == [EventType.integrationTestFailed.rawValue])
            let announced = try await TestDatabase.count(
                "SELECT count(*)::int FROM provisioning.outbox WHERE message_key = \(requestId) AND event_type <> \(EventType.integrationTestFailed.rawValue)"
            )
            #expect(announced == 0, "nothing but the failure is published")
            let delivery = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/requests/\(requestId)/delivery", token: try await Actors.supervisor,
                json: ["note": "x"])
            #expect(delivery.status == 409, "nothing to deliver before the test passes")

            // No dead end: run again before the fix, it fails again; load the missing list, it passes.
            let technical = try await Actors.technical
            let early = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/requests/\(requestId)/integration-test", token: technical)
            #expect(early.status == 201 && early.json["passed"] as? Bool == false, "\(early.text)")
            let csv = "kode,nama\n62010,Aktivitas pemrograman komputer\n"
            let loaded = try await ServiceHTTP.call(
                "PUT", "provisioning", "/v1/reference/kbli", token: technical, rawBody: Data(csv.utf8),
                contentType: "text/csv")
            #expect(loaded.status == 200, "\(loaded.text)")
            let fixed = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/requests/\(requestId)/integration-test", token: technical)
            #expect(fixed.status == 201 && fixed.json["passed"] as? Bool == true, "\(fixed.text)")
            let again = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/requests/\(requestId)/integration-test", token: technical)
            #expect(again.json.errorCode == "test_not_failed", "a passed test is not run again")
            let after = try await TopicReader.collect([.provisioning], seconds: 30, where: { $0.keyText == requestId })
            {
                $0.count >= 4
            }
            #expect(
                after.compactMap(\.eventType) == [
                    EventType.integrationTestFailed.rawValue, EventType.integrationTestFailed.rawValue,
                    EventType.integrationTestPassed.rawValue, EventType.apiProvisioned.rawValue,
                ])
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.credentials WHERE request_id = \(requestId)") > 0)
            let steps = try await ServiceHTTP.eventually(
                "reporting", "/v1/requests/\(requestId)/steps", token: try await Actors.head
            ) { ($0["steps"] as? [[String: Any]] ?? []).contains { $0["phase"] as? String == "delivery" } }
            let phases = (steps["steps"] as? [[String: Any]] ?? []).compactMap { $0["phase"] as? String }
            #expect(Array(phases.suffix(3)) == ["fix", "integration_test", "delivery"], "\(phases)")
        }

        @Test(
            "credential rules: scope, mistyped key, revocation at once, rotation with overlap, expiry; another agency's dataset is invisible"
        )
        func credentialRules() async throws {
            let (requestId, datasetId, _) = try await Self.provision(Self.checkedDataset("faskes_credentials"))
            let (writeId, writeKey) = try await Self.collect(
                requestId, scope: "write", token: try await Actors.producer)
            let (readId, readKey) = try await Self.collect(requestId, scope: "read", token: try await Actors.consumer)
            let record = #"{"kode_faskes":"PK001","kode_wilayah":"35.14.01","jenis":"negeri"}"#
            #expect(try await Self.push(datasetId, key: writeKey, ndjson: [record]).status == 200)
            #expect(
                try await Self.push(datasetId, key: readKey, ndjson: [record]).json.errorCode == "insufficient_scope")
            #expect(
                try await ServiceHTTP.call("GET", "provisioning", "/v1/datasets/\(datasetId)/records", token: writeKey)
                    .json.errorCode == "insufficient_scope")
            #expect(
                try await ServiceHTTP.call("GET", "provisioning", "/v1/datasets/\(datasetId)/records", token: readKey)
                    .status == 200)
            var mistyped = Array(readKey)
            mistyped[30] = mistyped[30] == "A" ? "B" : "A"
            #expect(
                try await ServiceHTTP.call(
                    "GET", "provisioning", "/v1/datasets/\(datasetId)/records", token: String(mistyped)
                ).json.errorCode == "invalid_credential")

            // BOLA: keys and accounts of one dataset reach nothing of another.
            let (otherRequest, otherDataset, _) = try await Self.provision(Self.checkedDataset("faskes_other"))
            #expect(
                try await ServiceHTTP.call(
                    "GET", "provisioning", "/v1/datasets/\(otherDataset)/records", token: readKey
                ).status == 404)
            #expect(try await Self.push(otherDataset, key: writeKey, ndjson: [record]).status == 404)
            let otherCredentials = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/requests/\(otherRequest)/credentials", token: try await Actors.technical)
            let otherWrite = try #require(
                (otherCredentials.json["credentials"] as? [[String: Any]])?.first {
                    $0["scope"] as? String == "write"
                }?["credentialId"] as? String)
            #expect(
                try await ServiceHTTP.call(
                    "POST", "provisioning", "/v1/credentials/\(otherWrite)/collect",
                    token: try await Actors.otherAgencyProducer
                ).status == 404)
            #expect(
                try await ServiceHTTP.call(
                    "POST", "provisioning", "/v1/credentials/\(otherWrite)/collect", token: try await Actors.consumer
                ).status == 404)
            let outsiderList = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/datasets", token: try await Actors.outsideConsumer)
            #expect(
                (outsiderList.json["datasets"] as? [[String: Any]] ?? []).isEmpty,
                "a consumer not named in any contract sees no dataset")
            let consumerList = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/datasets", token: try await Actors.consumer)
            let listed = try #require(
                (consumerList.json["datasets"] as? [[String: Any]])?.first { $0["datasetId"] as? String == datasetId })
            for field in [
                "name", "producer", "classification", "updateFrequency", "contractVersion", "fields", "primaryKey",
                "recordsPath",
            ] {
                #expect(listed[field] != nil, "Satu Data metadata has \(field)")
            }
            let keyList = try await ServiceHTTP.call("GET", "provisioning", "/v1/datasets", token: readKey)
            #expect(
                (keyList.json["datasets"] as? [[String: Any]] ?? []).compactMap { $0["datasetId"] as? String } == [
                    datasetId
                ])

            // Rotation: the new key works at once, the old one until the overlap ends (here: now).
            let rotated = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/credentials/\(readId)/rotate", token: try await Actors.consumer,
                json: ["overlapMinutes": 0])
            #expect(rotated.status == 201, "\(rotated.text)")
            let newKey = try #require(rotated.json["key"] as? String)
            #expect(
                try await ServiceHTTP.call("GET", "provisioning", "/v1/datasets/\(datasetId)/records", token: newKey)
                    .status == 200)
            #expect(
                try await ServiceHTTP.call("GET", "provisioning", "/v1/datasets/\(datasetId)/records", token: readKey)
                    .json.errorCode == "credential_expired")
            let overlapping = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/credentials/\(writeId)/rotate", token: try await Actors.producer,
                json: ["overlapMinutes": 60])
            let newWriteKey = try #require(overlapping.json["key"] as? String)
            #expect(
                try await Self.push(datasetId, key: writeKey, ndjson: [record]).status == 200,
                "the old key works during the overlap")
            #expect(try await Self.push(datasetId, key: newWriteKey, ndjson: [record]).status == 200)

            // Revocation is effective on the next call.
            let newId = try #require(rotated.json["credentialId"] as? String)
            #expect(
                try await ServiceHTTP.call(
                    "POST", "provisioning", "/v1/credentials/\(newId)/revoke", token: try await Actors.consumer
                ).status == 200)
            #expect(
                try await ServiceHTTP.call("GET", "provisioning", "/v1/datasets/\(datasetId)/records", token: newKey)
                    .json.errorCode == "credential_revoked")
        }

        @Test(
            "a batch that breaks the contract is refused naming record, field and rule, and changes nothing; partial acceptance stores the valid ones"
        )
        func contractValidation() async throws {
            let (requestId, datasetId, _) = try await Self.provision(Self.checkedDataset("faskes_validation"))
            let (_, key) = try await Self.collect(requestId, scope: "write", token: try await Actors.producer)
            let lines = [
                #"{"kode_faskes":"PK001","kode_wilayah":"35.14.01","jenis":"negeri","jumlah_dokter":4,"tanggal_izin":"2024-02-29","aktif":true}"#,
                #"{"kode_faskes":"PK002","kode_wilayah":"35.14.02","jenis":"negeri","warna":"biru"}"#,
                #"{"kode_faskes":"PK003","jenis":"negeri"}"#,
                #"{"kode_faskes":"PK004","kode_wilayah":"35.14.03","jenis":"negeri","jumlah_dokter":"empat"}"#,
                #"{"kode_faskes":"PK005","kode_wilayah":"35.14.03","jenis":"koperasi"}"#,
                #"{"kode_faskes":"pk-6","kode_wilayah":"35.14.03","jenis":"negeri"}"#,
                #"{"kode_faskes":"PK007","kode_wilayah":"35.14.03","jenis":"negeri","jumlah_dokter":-1}"#,
                #"{"kode_faskes":"PK008","kode_wilayah":"35.14.03","jenis":"negeri","jumlah_dokter":501}"#,
                #"{"kode_faskes":"PK009","kode_wilayah":"35.99.99","jenis":"negeri"}"#,
                #"{"kode_faskes":"PK010","kode_wilayah":"35.14.03","jenis":"negeri","tanggal_izin":"2023-02-29"}"#,
                #"{"kode_faskes":"PK011","kode_wilayah":"35.14.03","jenis":"negeri""#,
                #"{"kode_faskes":"PK012","kode_wilayah":"35.14.03","jenis":"negeri","aktif":"ya"}"#,
            ]
            let refused = try await Self.push(datasetId, key: key, ndjson: lines)
            #expect(refused.status == 422)
            #expect(refused.json.errorCode == "records_rejected")
            let violations = ((refused.json["error"] as? [String: Any])?["violations"] as? [[String: Any]] ?? []).map {
                "\($0["field"] ?? "")/\($0["rule"] ?? "")"
            }
            #expect(
                violations == [
                    "line 2: warna/unknown_field", "line 3: kode_wilayah/required", "line 4: jumlah_dokter/type",
                    "line 5: jenis/enum",
                    "line 6: kode_faskes/pattern", "line 7: jumlah_dokter/minimum", "line 8: jumlah_dokter/maximum",
                    "line 9: kode_wilayah/reference",
                    "line 10: tanggal_izin/type", "line 11/syntax", "line 12: aktif/type",
                ])
            #expect(try await Self.storedRecords(datasetId) == 0, "a refused batch changes nothing")

            let partial = try await Self.push(datasetId, key: key, ndjson: lines, query: "?partial=true")
            #expect(partial.status == 200, "\(partial.text)")
            #expect(
                partial.json["received"] as? Int == 12 && partial.json["accepted"] as? Int == 1
                    && partial.json["rejected"] as? Int == 11)
            #expect((partial.json["errors"] as? [Any])?.count == 11)
            #expect(try await Self.storedRecords(datasetId) == 1)

            let csv = "kode_faskes,jenis,kode_wilayah,warna\nPK020,negeri,35.14.01,x\n"
            let badHeader = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/datasets/\(datasetId)/records", token: key, rawBody: Data(csv.utf8),
                contentType: "text/csv")
            #expect(
                badHeader.status == 422 && badHeader.text.contains("warna"),
                "an unknown CSV column is refused before any row")
            let wrongType = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/datasets/\(datasetId)/records", token: key, rawBody: Data("a;b".utf8),
                contentType: "text/plain")
            #expect(wrongType.status == 415)
        }

        @Test("a retried batch with the same Idempotency-Key is harmless; the key cannot be reused for another body")
        func idempotentRetry() async throws {
            let (requestId, datasetId, _) = try await Self.provision(Self.checkedDataset("faskes_idempotent"))
            let (writeId, key) = try await Self.collect(requestId, scope: "write", token: try await Actors.producer)
            let lines = (1...5).map {
                #"{"kode_faskes":"PK00\#($0)","kode_wilayah":"35.14.01","jenis":"swasta","jumlah_dokter":\#($0)}"#
            }
            let first = try await Self.push(
                datasetId, key: key, ndjson: lines, headers: ["Idempotency-Key": "kirim-2026-11-22-001"])
            let retry = try await Self.push(
                datasetId, key: key, ndjson: lines, headers: ["Idempotency-Key": "kirim-2026-11-22-001"])
            #expect(first.status == 200 && retry.status == 200)
            #expect(
                first.json["batchId"] as? String == retry.json["batchId"] as? String,
                "the retry answers with the first batch")
            #expect(first.json["inserted"] as? Int == 5)
            let reused = try await Self.push(
                datasetId, key: key, ndjson: Array(lines.prefix(2)),
                headers: ["Idempotency-Key": "kirim-2026-11-22-001"])
            #expect(reused.status == 422 && reused.json.errorCode == "idempotency_key_reused")
            let ingested = try await TestDatabase.count(
                "SELECT count(*)::int FROM provisioning.outbox WHERE message_key = \(requestId) AND event_type = \(EventType.recordsIngested.rawValue)"
            )
            #expect(ingested == 1, "one batch, one records.ingested event")
            let usage = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/credentials/\(writeId)", token: try await Actors.producer)
            #expect((usage.json["usage"] as? [String: Any])?["records"] as? Int == 5)
        }

        @Test(
            "reads: cursor pages stay stable while records change, filters on declared fields, get by key, the changes feed"
        )
        func reads() async throws {
            let (requestId, datasetId, _) = try await Self.provision(Self.checkedDataset("faskes_reads"))
            let (_, writeKey) = try await Self.collect(requestId, scope: "write", token: try await Actors.producer)
            let (_, readKey) = try await Self.collect(requestId, scope: "read", token: try await Actors.consumer)
            let lines = (100..<350).map {
                #"{"kode_faskes":"PK\#($0)","kode_wilayah":"35.14.0\#($0 % 3 + 1)","jenis":"\#($0 % 2 == 0 ? "negeri" : "swasta")"}"#
            }
            #expect(try await Self.push(datasetId, key: writeKey, ndjson: lines).json["inserted"] as? Int == 250)
            let feed = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/datasets/\(datasetId)/changes?limit=1000", token: readKey)
            let since = try #require(feed.json["nextSince"] as? Int)
            #expect((feed.json["changes"] as? [Any])?.count == 250)

            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await ServiceHTTP.call(
                    "GET", "provisioning",
                    "/v1/datasets/\(datasetId)/records?limit=100\(cursor.map { "&after=\($0)" } ?? "")", token: readKey)
                #expect(page.status == 200, "\(page.text)")
                seen += (page.json["records"] as? [[String: Any]] ?? []).compactMap { $0["kode_faskes"] as? String }
                cursor = page.json["nextCursor"] as? String
                pages += 1
                if pages == 1 {
                    // Between pages: records on seen and unseen pages change, new ones arrive.
                    let changes = [
                        #"{"kode_faskes":"PK105","kode_wilayah":"35.14.01","jenis":"swasta","aktif":false}"#,
                        #"{"kode_faskes":"PK300","kode_wilayah":"35.14.01","jenis":"swasta","aktif":false}"#,
                        #"{"kode_faskes":"PK999","kode_wilayah":"35.14.01","jenis":"swasta"}"#,
                    ]
                    #expect(try await Self.push(datasetId, key: writeKey, ndjson: changes).status == 200)
                }
            } while cursor != nil && pages < 10
            let original = Set(lines.indices.map { "PK\(100 + $0)" })
            #expect(seen.count == Set(seen).count, "no record twice")
            #expect(original.isSubset(of: Set(seen)), "no record skipped")

            let changed = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/datasets/\(datasetId)/changes?since=\(since)", token: readKey)
            #expect(
                ((changed.json["changes"] as? [[String: Any]]) ?? []).compactMap { $0["key"] as? String } == [
                    "PK105", "PK300", "PK999",
                ])
            _ = try await Self.push(
                datasetId, key: writeKey,
                ndjson: [#"{"kode_faskes":"PK999","kode_wilayah":"35.14.01","jenis":"swasta"}"#])
            let after = try #require(changed.json["nextSince"] as? Int)
            let none = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/datasets/\(datasetId)/changes?since=\(after)", token: readKey)
            #expect((none.json["changes"] as? [Any])?.isEmpty == true, "an identical re-push is not a change")

            let filtered = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/datasets/\(datasetId)/records?kode_wilayah=35.14.02&limit=1000",
                token: readKey)
            let regions = Set(
                ((filtered.json["records"] as? [[String: Any]]) ?? []).compactMap { $0["kode_wilayah"] as? String })
            #expect(regions == ["35.14.02"])
            #expect(
                try await ServiceHTTP.call(
                    "GET", "provisioning", "/v1/datasets/\(datasetId)/records?warna=biru", token: readKey
                ).status == 400)
            #expect(
                try await ServiceHTTP.call(
                    "GET", "provisioning", "/v1/datasets/\(datasetId)/records?limit=5000", token: readKey
                ).status == 400)
            let one = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/datasets/\(datasetId)/records/PK105", token: readKey)
            #expect(one.json["aktif"] as? Bool == false)
            let twice = [
                #"{"kode_faskes":"PK998","kode_wilayah":"35.14.01","jenis":"negeri"}"#,
                #"{"kode_faskes":"PK998","kode_wilayah":"35.14.02","jenis":"swasta"}"#,
            ]
            #expect(try await Self.push(datasetId, key: writeKey, ndjson: twice).json["inserted"] as? Int == 1)
            let last = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/datasets/\(datasetId)/records/PK998", token: readKey)
            #expect(last.json["jenis"] as? String == "swasta", "the last record of a key in a batch wins")
            #expect(
                try await ServiceHTTP.call(
                    "GET", "provisioning", "/v1/datasets/\(datasetId)/records/PK000", token: readKey
                ).status == 404)
        }

        @Test("a large CSV is streamed: more rows than a JSON body may hold, without the body in the service's memory")
        func streamingCSV() async throws {
            let (requestId, datasetId, _) = try await Self.provision(Self.checkedDataset("faskes_stream"))
            let (_, key) = try await Self.collect(requestId, scope: "write", token: try await Actors.producer)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "jembatan-stream-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: file) }
            let rows = 400_000
            var text = "kode_faskes,kode_wilayah,jenis,jumlah_dokter,tanggal_izin,aktif\n"
            text.reserveCapacity(rows * 100)
            let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            for index in 0..<rows {
                let code =
                    "\(letters[index / 26_000 % 26])\(letters[index / 1000 % 26])\(String(format: "%03d", index % 1000))"
                text +=
                    "\(code),35.14.0\(index % 3 + 1),\(index % 2 == 0 ? "negeri" : "swasta"),\(index % 500),2025-0\(index % 9 + 1)-1\(index % 9),\(index % 2 == 0)"
                text += "\n"
            }
            try Data(text.utf8).write(to: file)
            let bodyBytes = text.utf8.count
            try #require(bodyBytes > 16 << 20, "the body must exceed the 16 MiB a JSON array may have")
            let pid = try await LocalStack.script("pid", "provisioning").trimmingCharacters(in: .whitespacesAndNewlines)
            let before = try Self.peakRSS(pid: pid)
            let reply = try await ServiceHTTP.upload(
                "provisioning", "/v1/datasets/\(datasetId)/records", token: key, file: file, contentType: "text/csv")
            #expect(reply.status == 200, "\(reply.text.prefix(500))")
            let distinct = Set(
                (0..<rows).map {
                    "\(letters[$0 / 26_000 % 26])\(letters[$0 / 1000 % 26])\(String(format: "%03d", $0 % 1000))"
                }
            ).count
            #expect(reply.json["accepted"] as? Int == rows)
            #expect(try await Self.storedRecords(datasetId) == distinct)
            let growth = try Self.peakRSS(pid: pid) - before
            #expect(growth < bodyBytes, "peak memory grew \(growth) bytes for a \(bodyBytes)-byte body")
        }

        static func peakRSS(pid: String) throws -> Int {
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }

        @Test("each key has a rate: beyond it 429 with Retry-After; quota usage is visible")
        func rateLimit() async throws {
            let (requestId, datasetId, _) = try await Self.provision(Self.checkedDataset("faskes_rate"))
            let (readId, readKey) = try await Self.collect(requestId, scope: "read", token: try await Actors.consumer)
            let limited = try await ServiceHTTP.call(
                "PATCH", "provisioning", "/v1/credentials/\(readId)", token: try await Actors.technical,
                json: ["ratePerMinute": 3])
            #expect(limited.status == 200, "\(limited.text)")
            var statuses: [Int] = []
            var remaining: [String] = []
            for _ in 0..<4 {
                let reply = try await ServiceHTTP.call(
                    "GET", "provisioning", "/v1/datasets/\(datasetId)/records", token: readKey)
                statuses.append(reply.status)
                remaining.append(reply.header("RateLimit-Remaining") ?? "-")
                if reply.status == 429 { #expect(Int(reply.header("Retry-After") ?? "") ?? 0 >= 1) }
            }
            #expect(statuses == [200, 200, 200, 429])
            #expect(remaining == ["2", "1", "0", "0"])
            let usage = try await ServiceHTTP.call(
                "GET", "provisioning", "/v1/credentials/\(readId)", token: try await Actors.consumer)
            #expect((usage.json["usage"] as? [String: Any])?["requests"] as? Int == 3, "\(usage.text)")
        }

        @Test("every exchange call is in the hash-chained log; `jembatan audit verify` names the first tampered entry")
        func auditChain() async throws {
            let (requestId, datasetId, _) = try await Self.provision(Self.checkedDataset("faskes_audit"))
            let (writeId, key) = try await Self.collect(requestId, scope: "write", token: try await Actors.producer)
            _ = try await Self.push(
                datasetId, key: key, ndjson: [#"{"kode_faskes":"PK001","kode_wilayah":"35.14.01","jenis":"negeri"}"#])
            let entry = try await TestDatabase.count(
                """
                SELECT seq::int FROM provisioning.exchange_audit WHERE actor = \(writeId) AND operation = 'push' AND status = 200 AND records = 1 AND dataset_id = \(datasetId)
                """)
            #expect(entry > 0)
            let intact = try await Self.operator("audit", "verify")
            #expect(intact.status == 0 && intact.output.contains("intact"), "\(intact.output)")
            _ = try await TestDatabase.count(
                "WITH t AS (UPDATE provisioning.exchange_audit SET records = 1000 WHERE seq = \(entry) RETURNING 1) SELECT count(*)::int FROM t"
            )
            let broken = try await Self.operator("audit", "verify")
            _ = try await TestDatabase.count(
                "WITH t AS (UPDATE provisioning.exchange_audit SET records = 1 WHERE seq = \(entry) RETURNING 1) SELECT count(*)::int FROM t"
            )
            #expect(broken.status != 0)
            #expect(broken.output.contains("entry \(entry):"), "\(broken.output)")
        }

        @Test("the provisioning OpenAPI document describes every route it serves, with its methods")
        func openAPIComplete() async throws {
            let document = try await ServiceHTTP.call("GET", "provisioning", "/openapi.json")
            let paths = try #require(document.json["paths"] as? [String: [String: Any]])
            let served: [String: Set<String>] = [
                "/v1/requests/{id}/endpoints": ["get"], "/v1/requests/{id}/credentials": ["get"],
                "/v1/requests/{id}/delivery": ["post"],
                "/v1/credentials/{credential}": ["get", "patch"], "/v1/credentials/{credential}/collect": ["post"],
                "/v1/credentials/{credential}/rotate": ["post"], "/v1/credentials/{credential}/revoke": ["post"],
                "/v1/reference": ["get"], "/v1/reference/{set}": ["put"], "/v1/datasets": ["get"],
                "/v1/requests/{id}/integration-test": ["post"], "/v1/requests/{id}/hand-over": ["post"],
                "/v1/datasets/{dataset}": ["get"],
                "/v1/datasets/{dataset}/records": ["get", "post"], "/v1/datasets/{dataset}/records/{key}": ["get"],
                "/v1/datasets/{dataset}/changes": ["get"],
            ]
            for (path, methods) in served {
                #expect(Set(paths[path]?.keys.map { $0 } ?? []) == methods, "\(path)")
            }
            let schemes = ((document.json["components"] as? [String: Any])?["securitySchemes"] as? [String: Any])?.keys
                .sorted()
            #expect(schemes == ["bearer", "exchangeKey"])
        }

        /// Runs a shell command and returns its output.
        static func shell(_ command: String) async throws -> String {
            let log = FileManager.default.temporaryDirectory.appendingPathComponent(
                "jembatan-shell-\(UUID().uuidString).log")
            defer { try? FileManager.default.removeItem(at: log) }
            let status: Int32 = await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: system("\(command) >'\(log.path)' 2>&1 </dev/null")) }.start()
            }
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            guard status == 0 else { throw LocalStack.StackError(command: command, output: output) }
            return output
        }

        /// Runs the operator executable against the test stack.
        static func `operator`(_ arguments: String...) async throws -> (status: Int32, output: String) {
            try await `operator`(arguments)
        }

        /// Runs the operator executable against the test stack (arguments are joined for the shell: quote paths).
        static func `operator`(_ arguments: [String], environment: [String: String] = [:]) async throws -> (
            status: Int32, output: String
        ) {
            let log = FileManager.default.temporaryDirectory.appendingPathComponent(
                "jembatan-operator-\(UUID().uuidString).log")
            defer { try? FileManager.default.removeItem(at: log) }
            let binary = LocalStack.root.appendingPathComponent(".build/debug/jembatan").path
            let extra = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
            let command =
                "JEMBATAN_POSTGRES_PORT=\(LocalStack.postgresPort) JEMBATAN_KAFKA_BROKERS=\(LocalStack.brokers) LD_LIBRARY_PATH='\(LocalStack.root.path)/.local/lib' \(extra) '\(binary)' \(arguments.joined(separator: " ")) >'\(log.path)' 2>&1 </dev/null"
            let status: Int32 = await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: system(command)) }.start()
            }
            return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    /// `error.code` of an API error body.
    var errorCode: String? { (self["error"] as? [String: Any])?["code"] as? String }
}
