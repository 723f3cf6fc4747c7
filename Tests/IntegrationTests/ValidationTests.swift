import Foundation
import JembatanShared
import PostgresNIO
import Testing

extension RealStack {
    /// SOP steps 8–9 on the real stack: scorecards, reconciliation, freshness, the decision on evidence.
    @Suite("Validation")
    struct ValidationTests {
        static var dataset: [String: Any] {
            [
                "name": "faskes_quality",
                "primaryKey": ["kode_faskes"],
                "classification": "public",
                "updateFrequency": "monthly",
                "naturalKey": ["nama_faskes", "kode_wilayah"],
                "rules": [
                    [
                        "name": "tutup_setelah_buka", "field": "tanggal_tutup", "operator": ">=",
                        "otherField": "tanggal_buka",
                    ]
                ],
                "expectedRecords": ["minimum": 5, "maximum": 100],
                "fields": [
                    ["name": "kode_faskes", "type": "string", "required": true, "pattern": "^[A-Z]{2}[0-9]{3}$"],
                    ["name": "nama_faskes", "type": "string", "required": false],
                    ["name": "kode_wilayah", "type": "region_code", "required": true],
                    ["name": "jenis", "type": "string", "required": true, "allowedValues": ["negeri", "swasta"]],
                    ["name": "kelas", "type": "string", "required": false, "references": "kelas_faskes.kode"],
                    ["name": "jumlah_dokter", "type": "integer", "required": false, "minimum": 0, "maximum": 500],
                    ["name": "tanggal_buka", "type": "date", "required": true],
                    ["name": "tanggal_tutup", "type": "date", "required": false],
                ],
            ]
        }

        static func importClasses(_ codes: [String]) async throws {
            let csv = "kode,nama\n" + codes.map { "\($0),Kelas \($0)" }.joined(separator: "\n") + "\n"
            let reply = try await ServiceHTTP.call(
                "PUT", "provisioning", "/v1/reference/kelas_faskes", token: try await Actors.technical,
                rawBody: Data(csv.utf8), contentType: "text/csv")
            #expect(reply.status == 200, "\(reply.text)")
        }

        static func record(
            _ code: String, nama: String? = nil, region: String = "35.14.01", jenis: String = "negeri",
            kelas: String = "A",
            dokter: Int = 5, buka: String = "2020-01-01", tutup: String? = nil
        ) -> String {
            var fields = [
                #""kode_faskes":"\#(code)""#, #""kode_wilayah":"\#(region)""#, #""jenis":"\#(jenis)""#,
                #""kelas":"\#(kelas)""#,
                #""jumlah_dokter":\#(dokter)"#, #""tanggal_buka":"\#(buka)""#,
            ]
            if let nama { fields.append(#""nama_faskes":"\#(nama)""#) }
            if let tutup { fields.append(#""tanggal_tutup":"\#(tutup)""#) }
            return "{" + fields.joined(separator: ",") + "}"
        }

        /// Writes records straight into the hub table, as a legacy bulk load before the contract would have.
        static func legacyLoad(_ datasetId: String, _ records: [(String, String)]) async throws {
            try await TestDatabase.with { client in
                var table = ""
                for try await name in try await client.query(
                    "SELECT storage_table FROM provisioning.datasets WHERE dataset_id = \(datasetId)"
                ).decode(String.self) { table = name }
                for (key, json) in records {
                    var binds = PostgresBindings()
                    binds.append(key)
                    binds.append(json)
                    try await client.query(
                        PostgresQuery(
                            unsafeSQL: """
                                INSERT INTO provisioning.\(table) (record_key, record, change_seq, updated_at) VALUES ($1, $2::jsonb, nextval('provisioning.hub_change_seq'), now())
                                """, binds: binds))
                }
            }
        }

        static func run(_ requestId: String) async throws -> [String: Any] {
            _ = try await ServiceHTTP.eventually(
                "validation", "/v1/requests/\(requestId)", token: try await Actors.producer
            ) { $0["contractId"] != nil }
            let reply = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/validation-runs", token: try await Actors.producer)
            #expect(reply.status == 201, "\(reply.text)")
            return reply.json
        }

        static func failures(_ run: [String: Any]) -> [String: (Int, [String])] {
            var result: [String: (Int, [String])] = [:]
            for dataset in run["datasets"] as? [[String: Any]] ?? [] {
                for check in dataset["checks"] as? [[String: Any]] ?? [] where check["passed"] as? Bool == false {
                    let name = "\(check["dimension"] ?? "")/\(check["rule"] ?? "")/\(check["field"] as? String ?? "-")"
                    result[name] = (check["failures"] as? Int ?? -1, check["examples"] as? [String] ?? [])
                }
            }
            return result
        }

        @Test(
            "the scorecard finds exactly the seeded defects of each kind, names example records, and a run after the fix passes"
        )
        func scorecard() async throws {
            try await Self.importClasses(["A", "B", "C", "D"])
            let (requestId, datasetId, _) = try await ExchangeHubTests.provision(Self.dataset)
            let (_, key) = try await ExchangeHubTests.collect(
                requestId, scope: "write", token: try await Actors.producer)
            var lines = (100..<110).map { Self.record("PK\($0)", nama: "Puskesmas \($0)") }
            lines.append(Self.record("PK110", nama: "Puskesmas 100"))  // natural key: same name and region as PK100
            // Closes before it opens.
            lines.append(Self.record("PK111", nama: "Puskesmas 111", buka: "2021-05-01", tutup: "2020-01-01"))
            lines.append(Self.record("PK112", kelas: "D"))  // class D, withdrawn below
            lines.append(Self.record("PK113"))  // no name: optional, counted
            let pushed = try await ExchangeHubTests.push(datasetId, key: key, ndjson: lines)
            #expect(pushed.status == 200, "\(pushed.text)")
            try await Self.importClasses(["A", "B", "C"])  // the reference list drops D
            try await Self.legacyLoad(
                datasetId,
                [
                    (
                        "PK201",
                        #"{"kode_faskes":"PK201","kode_wilayah":"35.14.01","jenis":"negeri","tanggal_buka":"2020-01-01","jumlah_dokter":"empat"}"#
                    ),
                    (
                        "PK202",
                        #"{"kode_faskes":"PK202","kode_wilayah":"35.14.01","jenis":"koperasi","tanggal_buka":"2020-01-01"}"#
                    ),
                    (
                        "pk-203",
                        #"{"kode_faskes":"pk-203","kode_wilayah":"35.14.01","jenis":"negeri","tanggal_buka":"2020-01-01"}"#
                    ),
                    (
                        "PK204",
                        #"{"kode_faskes":"PK204","kode_wilayah":"35.14.01","jenis":"negeri","tanggal_buka":"2020-01-01","jumlah_dokter":900}"#
                    ),
                    ("PK205", #"{"kode_faskes":"PK205","jenis":"negeri","tanggal_buka":"2020-01-01"}"#),
                ])
            let run = try await Self.run(requestId)
            let found = Self.failures(run)
            #expect(
                Set(found.keys) == [
                    "validity/type/jumlah_dokter", "validity/enum/jenis", "validity/pattern/kode_faskes",
                    "validity/maximum/jumlah_dokter",
                    "completeness/required/kode_wilayah", "validity/reference/kelas",
                    "uniqueness/natural_key/nama_faskes|kode_wilayah", "consistency/tutup_setelah_buka/tanggal_tutup",
                ], "\(found.keys.sorted())")
            #expect(found["validity/type/jumlah_dokter"]?.1 == ["PK201"])
            #expect(found["validity/enum/jenis"]?.1 == ["PK202"])
            #expect(found["validity/pattern/kode_faskes"]?.1 == ["pk-203"])
            #expect(found["validity/maximum/jumlah_dokter"]?.1 == ["PK204"])
            #expect(found["completeness/required/kode_wilayah"]?.1 == ["PK205"])
            #expect(found["validity/reference/kelas"]?.1 == ["PK112"])
            #expect(found["uniqueness/natural_key/nama_faskes|kode_wilayah"]?.1 == ["PK100 = PK110"])
            #expect(found["consistency/tutup_setelah_buka/tanggal_tutup"]?.1 == ["PK111"])
            #expect(run["records"] as? Int == 19 && run["passed"] as? Bool == false)
            let checks = (run["datasets"] as? [[String: Any]])?.first?["checks"] as? [[String: Any]] ?? []
            let name = checks.first { $0["rule"] as? String == "present" && $0["field"] as? String == "nama_faskes" }
            #expect(name?["detail"] as? String == "optional 'nama_faskes' filled in 12 of 19 record(s)")

            // The producer fixes its data at the source and pushes again; the list gets D back.
            try await Self.importClasses(["A", "B", "C", "D"])
            let fixes = [
                Self.record("PK201"), Self.record("PK202"), Self.record("PK204"), Self.record("PK205"),
                Self.record("PK110", nama: "Puskesmas 110"),
                Self.record("PK111", nama: "Puskesmas 111", buka: "2020-01-01", tutup: "2021-05-01"),
            ]
            #expect(try await ExchangeHubTests.push(datasetId, key: key, ndjson: fixes).status == 200)
            try await TestDatabase.with { client in
                try await client.query(
                    PostgresQuery(
                        unsafeSQL:
                            "DELETE FROM provisioning.hub_\(requestId.prefix(8))_faskes_quality_v1 WHERE record_key = 'pk-203'"
                    ))
            }
            let second = try await Self.run(requestId)
            #expect(second["passed"] as? Bool == true, "\(Self.failures(second).keys.sorted())")
            #expect(second["score"] as? Double == 100)
        }

        @Test(
            "reconciliation with the producer's system names records missing in the hub, extra in the hub, and changed ones with their fields"
        )
        func reconciliation() async throws {
            try await Self.importClasses(["A", "B", "C", "D"])
            var definition = Self.dataset
            definition["name"] = "faskes_reconcile"
            let (requestId, datasetId, _) = try await ExchangeHubTests.provision(definition)
            let (_, key) = try await ExchangeHubTests.collect(
                requestId, scope: "write", token: try await Actors.producer)
            let hub = (300..<320).map { Self.record("PK\($0)", nama: "Faskes \($0)") }
            #expect(try await ExchangeHubTests.push(datasetId, key: key, ndjson: hub).status == 200)
            // The source system: PK300 was never sent, PK319 was deleted at the source, PK305 has 7 doctors and class B now.
            var source = ["kode_faskes,nama_faskes,kode_wilayah,jenis,kelas,jumlah_dokter,tanggal_buka"]
            for index in 301..<319 {
                source.append(
                    "PK\(index),Faskes \(index),35.14.01,negeri,\(index == 305 ? "B" : "A"),\(index == 305 ? 7 : 5),2020-01-01"
                )
            }
            source.insert("PK399,Faskes 399,35.14.02,swasta,A,3,2019-06-01", at: 1)
            _ = try await ServiceHTTP.eventually(
                "validation", "/v1/requests/\(requestId)", token: try await Actors.producer
            ) { $0["contractId"] != nil }
            let reply = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/reconciliations?dataset=\(datasetId)&declaredCount=19",
                token: try await Actors.producer,
                rawBody: Data((source.joined(separator: "\n") + "\n").utf8), contentType: "text/csv")
            #expect(reply.status == 201, "\(reply.text)")
            let report = reply.json
            #expect((report["missingInHub"] as? [String: Any])?["examples"] as? [String] == ["PK399"])
            #expect((report["extraInHub"] as? [String: Any])?["examples"] as? [String] == ["PK300", "PK319"])
            #expect(report["changedCount"] as? Int == 1)
            let changed = (report["changed"] as? [[String: Any]])?.first
            #expect(
                changed?["key"] as? String == "PK305" && changed?["fields"] as? [String] == ["jumlah_dokter", "kelas"])
            #expect(
                report["matched"] as? Int == 17 && report["hubRecords"] as? Int == 20
                    && report["sourceRecords"] as? Int == 19)
            #expect(report["consistent"] as? Bool == false)
            let other = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/reconciliations?dataset=\(datasetId)",
                token: try await Actors.otherAgencyProducer,
                rawBody: Data(source.joined(separator: "\n").utf8), contentType: "text/csv")
            #expect(other.status == 404, "another agency cannot reconcile this request")
        }

        @Test(
            "the final evaluation rests on a completed run: none, unknown or stale runs are refused, the supervisor sees but cannot decide, a rejection reopens with the evidence"
        )
        func decisionOnEvidence() async throws {
            try await Self.importClasses(["A", "B", "C", "D"])
            var definition = Self.dataset
            definition["name"] = "faskes_decision"
            let (requestId, datasetId, _) = try await ExchangeHubTests.provision(definition)
            _ = try await ServiceHTTP.eventually(
                "validation", "/v1/requests/\(requestId)", token: try await Actors.producer
            ) { $0["state"] as? String == "awaiting_decision" }
            let producer = try await Actors.producer
            let delivered = try await ServiceHTTP.call(
                "POST", "provisioning", "/v1/requests/\(requestId)/delivery", token: try await Actors.supervisor,
                json: ["note": "Hasil integrasi diserahkan"])
            #expect(delivered.status == 201, "the results are delivered before the producer decides")
            let blind = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/decision", token: producer,
                json: ["decision": "accept"])
            #expect(blind.status == 422 && blind.text.contains("runId"))
            let unknown = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/decision", token: producer,
                json: ["decision": "accept", "runId": "nope"])
            #expect(unknown.json.errorCode == "no_validation_run")
            let (_, key) = try await ExchangeHubTests.collect(requestId, scope: "write", token: producer)
            #expect(
                try await ExchangeHubTests.push(datasetId, key: key, ndjson: (400..<410).map { Self.record("PK\($0)") })
                    .status == 200)
            let run = try await Self.run(requestId)
            let runId = try #require(run["runId"] as? String)
            let supervisor = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/decision", token: try await Actors.supervisor,
                json: ["decision": "accept", "runId": runId])
            #expect(supervisor.status == 403)
            #expect(
                try await ServiceHTTP.call(
                    "GET", "validation", "/v1/requests/\(requestId)/validation-runs/\(runId)",
                    token: try await Actors.supervisor
                ).status == 200, "the supervisor sees")
            try await Task.sleep(for: .milliseconds(20))
            #expect(
                try await ExchangeHubTests.push(datasetId, key: key, ndjson: [Self.record("PK400", dokter: 6)]).status
                    == 200)
            let stale = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/decision", token: producer,
                json: ["decision": "accept", "runId": runId])
            #expect(stale.json.errorCode == "stale_run", "\(stale.text)")
            let fresh = try #require(try await Self.run(requestId)["runId"] as? String)
            let reconciled = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/reconciliations?dataset=\(datasetId)", token: producer,
                rawBody: Data((401..<410).map { Self.record("PK\($0)") }.joined(separator: "\n").utf8),
                contentType: "application/x-ndjson")
            let reconciliationId = try #require(reconciled.json["reconciliationId"] as? String)
            let rejected = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/decision", token: producer,
                json: ["decision": "reject", "runId": fresh, "reasons": ["PK400 hilang di sistem sumber"]])
            #expect(rejected.status == 200, "\(rejected.text)")
            let events = try await TopicReader.collect(
                [.validation], where: { $0.keyText == requestId && $0.eventType == EventType.requestReopened.rawValue }
            ) { !$0.isEmpty }
            let reopened = try CloudEventCodec.payload(RequestReopened.self, from: try #require(events.first).value)
            #expect(
                reopened.evidence?.runId == fresh && reopened.evidence?.reconciliationId == reconciliationId
                    && reopened.evidence?.extraInHub == 1)
            _ = try await ServiceHTTP.eventually(
                "evaluation", "/v1/requests/\(requestId)/review", token: try await Actors.technical
            ) { $0["state"] as? String == "awaiting_decision" }
        }

        @Test(
            "the freshness schedule raises one finding for a monthly dataset not updated for 40 days (time given, not slept)"
        )
        func freshness() async throws {
            try await Self.importClasses(["A", "B", "C", "D"])
            var definition = Self.dataset
            definition["name"] = "faskes_fresh"
            let (requestId, datasetId, _) = try await ExchangeHubTests.provision(definition)
            let (_, key) = try await ExchangeHubTests.collect(
                requestId, scope: "write", token: try await Actors.producer)
            #expect(
                try await ExchangeHubTests.push(datasetId, key: key, ndjson: (500..<506).map { Self.record("PK\($0)") })
                    .status == 200)
            let formatter = ISO8601DateFormatter()
            func check(daysAhead: Double) async throws -> [[String: Any]] {
                let reply = try await ServiceHTTP.call(
                    "POST", "validation", "/v1/freshness-checks", token: try await Actors.supervisor,
                    json: ["asOf": formatter.string(from: Date().addingTimeInterval(daysAhead * 86_400))])
                #expect(reply.status == 200, "\(reply.text)")
                return (reply.json["findings"] as? [[String: Any]] ?? []).filter {
                    $0["datasetId"] as? String == datasetId
                }
            }
            #expect(try await check(daysAhead: 39.5).isEmpty, "39 days is not late for a monthly dataset")
            let late = try await check(daysAhead: 40.5)
            #expect(
                late.count == 1 && late.first?["ageDays"] as? Int == 40 && late.first?["allowedDays"] as? Int == 39,
                "\(late)")
            let again = try await check(daysAhead: 45)
            #expect(again.isEmpty, "one finding per stale period: \(again)")
            #expect(
                try await ServiceHTTP.call(
                    "POST", "validation", "/v1/freshness-checks", token: try await Actors.producer, json: [:]
                ).status == 403)
            let events = try await TopicReader.collect(
                [.validation], where: { $0.keyText == requestId && $0.eventType == EventType.freshnessFinding.rawValue }
            ) { !$0.isEmpty }
            #expect(events.count == 1)
        }
    }
}
