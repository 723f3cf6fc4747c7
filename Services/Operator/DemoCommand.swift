import ArgumentParser
import Foundation
import JembatanClient
import JembatanShared

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `jembatan demo`: one request through every SOP step over HTTP, printing each step.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Walk a demo request through every step of the procedure.")

    @Option(help: "Host the services listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port of the intake service; the others follow (+1 … +4).")
    var intakePort = ServiceName.intake.defaultPort

    @Option(help: "Seconds to wait for each asynchronous step.")
    var timeout: Double = 60

    @Option(
        help:
            "Kemendagri region list (CSV code,label) to load into the hub when it has none (or JEMBATAN_REFERENCE_FILE)."
    )
    var referenceFile: String?

    @Option(help: "Where to write the demo people (username, password, role) as JSON for the browser tests.")
    var peopleFile: String?

    @Option(help: "The workspace's address, printed with the people.")
    var workspaceURL = "http://127.0.0.1:8080"

    func run() async throws {
        // The demo's people: each signs in to the workspace with a password generated for this run
        // (an existing account gets a new one), and holds an API token the scripted walk uses.
        let people = try await DemoPeople.prepare()
        say("0  People of the demo (sign in at \(workspaceURL)/ with these; passwords are new each run):")
        for person in people {
            say(
                "   \(person.username.padding(toLength: 18, withPad: " ", startingAt: 0)) \(person.password)  \(person.role.label)\(person.agency.map { ", \($0)" } ?? "") — \(person.fullName)"
            )
        }
        func token(_ role: Role) -> String { people.first { $0.role == role }!.token }
        let client = ServiceClient(host: host, intakePort: intakePort, timeout: timeout)
        let producer = token(.producer)
        let head = token(.head)
        let technical = token(.technical)
        let supervisor = token(.supervisor)
        let consumer = token(.consumer)
        try await loadRegionCodes(client, token: technical)
        // Each step's document is verified and signed as the step goes, so the report finds none missing.
        let documents = DemoDocuments(client: client, people: people, workspace: workspaceURL)
        say("1  Produsen (Dinas Kesehatan, 35.14) submits a request to share data …")
        // The same scripted walk as the tests and the fault run; the demo narrates each moment and
        // does what happens between them (delivery, keys, a push, a reconciliation).
        let walk = ProcedureWalk(
            client: client, producer: producer, head: head, technical: technical, supervisor: supervisor,
            resilient: false, stepSeconds: timeout)
        let requestId = try await walk.walk(
            DemoData.submission,
            observe: { moment, requestId, answer in
                switch moment {
                case .submitted:
                    say("   request \(requestId) submitted; its letter (Surat Permohonan) signed by the operator")
                    try await documents.complete(.intake, of: requestId)
                    say("1  Kepala Dinas issues the disposition to the technical team …")
                case .dispositioned:
                    try await documents.complete(.intake, of: requestId)
                    say("2  The data definition came with the request; 3 automated technical review of it …")
                case .reviewed:
                    for finding in answer["findings"] as? [[String: Any]] ?? [] {
                        say(
                            "   \(finding["severity"] ?? "")  \(finding["dataset"] ?? "").\(finding["field"] ?? "-")  \(finding["rule"] ?? ""): \(finding["message"] ?? "")"
                        )
                    }
                    say("3  Technical team agrees the dataset contract …")
                case .agreed:
                    say("   contract \(answer["contractId"] ?? "?") version \(answer["contractVersion"] ?? "?") agreed")
                    say("4  Technical team records the interchange document (data needs, API plan) …")
                case .recorded:
                    try await documents.complete(.evaluation, of: requestId)
                    let announced = (answer["contractAnnounced"] as? Bool) == true
                    say(
                        "   recorded: \(answer["phase"] ?? "?")\(announced ? "; the contract is announced to the hub" : "")"
                    )
                case .readyForValidation:
                    try await Self.showProvisioning(requestId, client: client, technical: technical)
                    say("6  Kepala Bidang delivers the integration results to the producer …")
                case .delivered:
                    try await Self.exchange(requestId, client: client, producer: producer, consumer: consumer)
                    say(
                        "7  Produsen checks the integrated data: quality checks and reconciliation with its own system …"
                    )
                case .validated:
                    let verdict =
                        (answer["passed"] as? Bool) == true
                        ? "every check passed"
                        : "failed: \((answer["failedChecks"] as? [String] ?? []).joined(separator: ", "))"
                    say(
                        "   validation run \(answer["runId"] ?? "?"): score \(answer["score"] ?? "?") / 100, \(verdict)"
                    )
                    try await Self.reconcile(requestId, client: client, producer: producer, technical: technical)
                    say("8  Produsen's final evaluation: accepts, on the evidence of that run …")
                case .accepted:
                    try await documents.complete(.validation, of: requestId)
                    say("9  Reporting records the completed request and prepares the integration report …")
                case .handedOver:
                    try await documents.complete(.provisioning, of: requestId)
                case .approved:
                    break
                case .completed:
                    // Reporting reads five topics in no fixed order: wait until every step's event
                    // is on the timeline, so the demo never shows a step as missing.
                    let expected: Set<String> = [
                        EventType.requestSubmitted, .requestDispositioned, .evaluationStarted, .phaseRecorded,
                        .contractAgreed, .integrationTestPassed,
                        .apiProvisioned, .resultsDelivered, .requestAccepted,
                    ].reduce(into: []) { $0.insert($1.rawValue) }
                    let detail =
                        (try? await client.waitFor(.reporting, "/v1/requests/\(requestId)", token: head) { body in
                            expected.isSubset(
                                of: Set(
                                    (body["timeline"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }))
                        }) ?? answer
                    for entry in detail["timeline"] as? [[String: Any]] ?? [] {
                        let actor = entry["actor"] as? [String: Any]
                        say(
                            "   \(entry["occurredAt"] ?? "")  \(EventType.label(of: entry["type"] as? String ?? ""))  by \(actor?["id"] ?? "?")"
                        )
                    }
                }
            })
        say("demo request completed: \(requestId)")
        // The integration report, numbered when reporting publishes it: Kepala Bidang's paraf, Kepala Dinas's signature.
        try await documents.complete(.reporting, of: requestId, seconds: 60)
        say("Naskah dinas of the demo request (sign in first; the verification page needs no sign-in):")
        for line in try await documents.lines(of: requestId) { say(line) }
        say(
            "Integration result report (sign in first): \(workspaceURL)/permohonan/\(requestId)/laporan  ·  …/laporan.pdf"
        )
        // Requests left waiting at a step, so each person finds a task on Tugas saya.
        say("10 Requests left waiting, one per person's task:")
        let walk2 = ProcedureWalk(
            client: client, producer: producer, head: head, technical: technical, supervisor: supervisor,
            resilient: false, stepSeconds: timeout)
        var waiting: [Role: String] = [:]
        for (role, title, moment) in DemoPeople.waiting {
            let dataset = "demo_\(role.rawValue)_\(UUID().uuidString.lowercased().prefix(6))"
            do {
                _ = try await walk2.walk(
                    ProcedureWalk.submission(title: title, dataset: dataset),
                    observe: { reached, id, _ in
                        if "\(reached)" == "\(moment)" { throw DemoPeople.Parked(requestId: id) }
                    })
            } catch let parked as DemoPeople.Parked {
                waiting[role] = title
                say("   \(parked.requestId)  \(title)  — waits for \(role.label)")
            }
        }
        if let peopleFile {
            try DemoPeople.write(people, waiting: waiting, workspace: workspaceURL, to: peopleFile)
            say("   people written to \(peopleFile)")
        }
    }
}

/// The demo's people and the requests the demo leaves waiting for them.
enum DemoPeople {
    struct Person: Sendable {
        let username: String
        let fullName: String
        let nip: String
        let position: String
        let role: Role
        let agency: String?
        let password: String
        let token: String
    }

    /// Thrown by the observer to leave a request at a step.
    struct Parked: Error {
        let requestId: String
    }

    static let cast: [(String, String, String, String, Role, String?)] = [
        (
            "operator.dinkes", "Rina Wulandari, S.Kom.", "199003152015032004", "Pengelola Data, Dinas Kesehatan",
            .producer, "35.14-dinkes"
        ),
        (
            "kepala.diskominfo", "Drs. Bambang Sutrisno, M.Si.", "197005121995031002",
            "Kepala Dinas Komunikasi dan Informatika", .head, nil
        ),
        ("tim.teknis", "Agus Prasetyo, S.T.", "198507242010011007", "Pranata Komputer Ahli Muda", .technical, nil),
        (
            "kabid.aptika", "Siti Rahmawati, S.Kom., M.T.", "198109032006042011", "Kepala Bidang Aplikasi Informatika",
            .supervisor, nil
        ),
        (
            "operator.bappeda", "Dewi Lestari, S.E.", "199206182019032012", "Analis Data, Bappeda", .consumer,
            "35.14-bappeda"
        ),
        ("admin.jembatan", "Admin Jembatan", "", "Administrator Sistem, Diskominfo", .admin, nil),
    ]

    /// Who has a request waiting, its title, and the moment after which the demo leaves it.
    static let waiting: [(Role, String, ProcedureWalk.Moment)] = [
        (.head, "Integrasi data stunting balita", .submitted),
        (.technical, "Integrasi data rumah tidak layak huni", .reviewed),
        (.supervisor, "Integrasi data sarana air bersih", .readyForValidation),
        (.producer, "Integrasi data imunisasi dasar", .delivered),
    ]

    /// Creates each person (or gives an existing one a new password) and an API token for the walk.
    static func prepare() async throws -> [Person] {
        try await withAccountAdministration { administration in
            var people: [Person] = []
            let existing = Set(try await administration.list().filter { $0.deactivatedAt == nil }.map(\.name))
            for (username, fullName, nip, position, role, agency) in cast {
                let password = generatedPassword()
                if existing.contains(username) {
                    try await administration.setPassword(username: username, password: password, by: "jembatan demo")
                } else {
                    try await administration.create(
                        PersonDetails(
                            username: username, fullName: fullName, nip: nip, position: position, role: role,
                            agencyCode: agency, email: "\(username)@pasuruankab.example.go.id"),
                        password: password, createdBy: "jembatan demo")
                }
                let token = try await administration.issueToken(
                    username: username, label: "demo (jembatan demo)", validFor: .seconds(86_400),
                    createdBy: "jembatan demo")
                people.append(
                    Person(
                        username: username, fullName: fullName, nip: nip, position: position, role: role,
                        agency: agency, password: password, token: token.text))
            }
            return people
        }
    }

    /// The people as JSON (no tokens): what `make run` prints and the browser tests sign in with.
    static func write(_ people: [Person], waiting: [Role: String], workspace: String, to path: String) throws {
        let entries: [[String: Any]] = people.map {
            [
                "username": $0.username, "password": $0.password, "role": $0.role.rawValue,
                "agency": $0.agency ?? NSNull(), "name": $0.fullName, "expectTask": waiting[$0.role] ?? NSNull(),
            ]
        }
        let data = try JSONSerialization.data(
            withJSONObject: ["workspace": workspace, "people": entries], options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        // Passwords: readable by the one who ran the demo only.
        chmod(path, 0o600)
    }
}

extension DemoCommand {
    /// Step 5: the API on the exchange hub and its integration unit test.
    static func showProvisioning(_ requestId: String, client: ServiceClient, technical: String) async throws {
        say("5  API prepared on the exchange hub; integration unit test …")
        let provisioned = try await client.waitFor(
            .provisioning, "/v1/requests/\(requestId)/endpoints", token: technical
        ) {
            !(($0["integrationTests"] as? [Any]) ?? []).isEmpty
        }
        for endpoint in provisioned["endpoints"] as? [[String: Any]] ?? [] {
            say("   endpoint \(endpoint["path"] ?? "?")")
        }
        var passed = false
        for test in provisioned["integrationTests"] as? [[String: Any]] ?? [] {
            passed = (test["passed"] as? Bool) == true
            for line in test["checks"] as? [String] ?? [] { say("   \(line)") }
        }
        guard passed else {
            throw ValidationError("the integration unit test failed (see the checks above); the API was not announced")
        }
    }

    /// After the delivery: each agency's key (shown once), a push by the producer and a read by the consumer.
    static func exchange(_ requestId: String, client: ServiceClient, producer: String, consumer: String) async throws {
        say("   producer and consumer collect their keys (shown once) …")
        let writeKey = try await client.collectKey(requestId: requestId, scope: "write", token: producer)
        let readKey = try await client.collectKey(requestId: requestId, scope: "read", token: consumer)
        let endpoints = try await client.send(
            "GET", .provisioning, "/v1/requests/\(requestId)/endpoints", token: producer)
        let datasetId = (endpoints["endpoints"] as? [[String: Any]])?.first?["datasetId"] as? String ?? "?"
        let pushed = try await client.sendRaw(
            "POST", .provisioning, "/v1/datasets/\(datasetId)/records", token: writeKey, contentType: "text/csv",
            body: DemoData.records)
        say("   producer pushed CSV: \(pushed["accepted"] ?? "?") accepted, \(pushed["rejected"] ?? "?") rejected")
        let page = try await client.send(
            "GET", .provisioning, "/v1/datasets/\(datasetId)/records?limit=10", token: readKey)
        say("   consumer 35.14-bappeda read \((page["records"] as? [Any])?.count ?? 0) records")
    }

    /// The producer's own system against the hub (step 8's reconciliation).
    static func reconcile(_ requestId: String, client: ServiceClient, producer: String, technical: String) async throws
    {
        let endpoints = try await client.send(
            "GET", .provisioning, "/v1/requests/\(requestId)/endpoints", token: technical)
        let datasetId = (endpoints["endpoints"] as? [[String: Any]])?.first?["datasetId"] as? String ?? "?"
        let reconciled = try await client.sendRaw(
            "POST", .validation, "/v1/requests/\(requestId)/reconciliations?dataset=\(datasetId)&declaredCount=3",
            token: producer,
            contentType: "text/csv", body: DemoData.records)
        say(
            "   reconciliation: \(reconciled["matched"] ?? "?") matched, \((reconciled["missingInHub"] as? [String: Any])?["count"] ?? "?") missing in the hub, \((reconciled["extraInHub"] as? [String: Any])?["count"] ?? "?") extra, \(reconciled["changedCount"] ?? "?") changed"
        )
    }

    /// The hub checks region codes against the Kemendagri list; load it once if it is missing.
    func loadRegionCodes(_ client: ServiceClient, token: String) async throws {
        let lists = try await client.send("GET", .provisioning, "/v1/reference", token: token)
        if (lists["lists"] as? [[String: Any]] ?? []).contains(where: { $0["referenceSet"] as? String == "wilayah" }) {
            return
        }
        guard let path = referenceFile ?? ProcessInfo.processInfo.environment["JEMBATAN_REFERENCE_FILE"],
            FileManager.default.fileExists(atPath: path)
        else {
            say(
                "   (no Kemendagri region list loaded and none given with --reference-file: the integration test will say so)"
            )
            return
        }
        let summary = try await ReferenceUpload.put(
            set: "wilayah", file: URL(fileURLWithPath: path), token: token,
            baseURL: client.url(.provisioning, "").absoluteString)
        say("   Kemendagri region list loaded into the hub: \(summary["codes"] ?? "?") codes")
    }
}

/// The demo's request: a health office sharing its community health centre register.
enum DemoData {
    /// What the health office pushes once the API is ready (CSV, header first).
    static let records = """
        kode_puskesmas,nama_puskesmas,kode_wilayah,jumlah_tenaga_kesehatan
        P3514010101,Puskesmas Purwodadi,35.14.01,42
        P3514020101,Puskesmas Tutur,35.14.02,35
        P3514030101,"Puskesmas Puspo, Kab. Pasuruan",35.14.03,28

        """

    static var submission: [String: Any] {
        [
            "title": "Integrasi data fasilitas kesehatan",
            "purpose": "Berbagi pakai data puskesmas untuk Satu Data Kabupaten",
            "profile": "pasuruan",
            "legalBasis": "Perpres 39/2019 tentang Satu Data Indonesia; Perbup Pasuruan tentang Satu Data Kabupaten",
            "contactPerson": ["name": "Siti Rahmawati", "email": "data@dinkes.example.go.id", "phone": "0343-000000"],
            "intendedConsumers": ["35.14-bappeda", "35.14-dinsos"],
            "attachments": [
                [
                    "name": "dokumen-informasi-data-dan-aplikasi.pdf", "mediaType": "application/pdf",
                    "sizeBytes": 482133,
                ]
            ],
            "datasets": [
                [
                    "name": "puskesmas",
                    "description": "Daftar puskesmas dan wilayah layanannya",
                    "primaryKey": ["kode_puskesmas"],
                    "classification": "public",
                    "updateFrequency": "monthly",
                    "fields": [
                        ["name": "kode_puskesmas", "type": "string", "required": true, "description": "Kode Kemenkes"],
                        ["name": "nama_puskesmas", "type": "string", "required": true],
                        [
                            "name": "kode_wilayah", "type": "region_code", "required": true,
                            "description": "Kode wilayah Kemendagri",
                        ],
                        ["name": "jumlah_tenaga_kesehatan", "type": "integer", "required": false],
                    ],
                ]
            ],
        ]
    }
}

extension ServiceClient {
    /// A body that is not JSON (CSV, NDJSON); the answer must be 2xx.
    func sendRaw(
        _ method: String, _ service: ServiceName, _ path: String, token: String, contentType: String, body: String
    ) async throws
        -> [String: Any]
    {
        try await send(method, service, path, token: token, body: Data(body.utf8), contentType: contentType)
    }

    /// The agency's key of `scope` for the request, collected (its secret is only in this answer).
    func collectKey(requestId: String, scope: String, token: String) async throws -> String {
        let listed = try await send("GET", .provisioning, "/v1/requests/\(requestId)/credentials", token: token)
        guard
            let credential = (listed["credentials"] as? [[String: Any]] ?? []).first(where: {
                $0["scope"] as? String == scope
            }),
            let id = credential["credentialId"] as? String
        else { throw ValidationError("no \(scope) credential was issued for this agency") }
        let collected = try await send("POST", .provisioning, "/v1/credentials/\(id)/collect", token: token)
        guard let key = collected["key"] as? String else {
            throw ValidationError("collecting credential \(id) returned no key")
        }
        say("   \(credential["agencyCode"] ?? "?") collected its \(scope) key \(id)")
        return key
    }

    /// Polls `path` until it answers 2xx and `isDone` holds, for at most the client's timeout.
    func waitFor(_ service: ServiceName, _ path: String, token: String, isDone: ([String: Any]) -> Bool) async throws
        -> [String: Any]
    {
        try await eventually(service, path, token: token, seconds: timeout, isDone)
    }
}
