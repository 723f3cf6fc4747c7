import Foundation
import Hummingbird
import JembatanShared

/// One dataset on the hub, as its producer and its consumer agencies use it: the contract's
/// fields, freshness and quality; the agency's keys (collected here, shown once); an example
/// call; and for the producer, a file of records to push (up to 256 MB, streamed to the hub) and
/// its own records to reconcile with what the hub holds.
struct DatasetsController: Sendable {
    let context: WorkspaceContext

    func register(on router: RouterGroup<WorkspaceRequestContext>) {
        router.get("katalog/:dataset", use: show)
        router.post("katalog/:dataset/kunci/:credential", use: collect)
        router.post("katalog/:dataset/rekaman", use: push)
        router.get("katalog/:dataset/contoh.csv", use: sample)
        router.post("katalog/:dataset/rekonsiliasi", use: reconcile)
    }

    /// A file of records is at most 256 MB (the form says so; the workspace stops reading beyond).
    static let recordFileLimit = "256 MB"

    // MARK: - Reads

    /// The hub's description of the dataset (provisioning's `GET /v1/datasets/{id}`).
    struct Metadata: Decodable {
        let datasetId: String
        let name: String
        let description: String?
        let producer: String
        let requestId: String
        let classification: String?
        let updateFrequency: String?
        let contractVersion: Int
        let primaryKey: [String]
        let fields: [FieldDefinition]
        let consumers: [String]
        let updatedAt: Date
        let recordsPath: String
    }

    /// A credential as provisioning lists it.
    struct Credential: Decodable {
        let credentialId: String
        let datasetId: String
        let agencyCode: String
        let scope: String
        let state: String
        let expiresAt: Date
        let key: String?
    }

    struct Credentials: Decodable { let credentials: [Credential] }

    struct DatasetView: Sendable {
        struct Field: Sendable {
            let name: String
            let type: String
            let required: Bool
            let rule: String
            let description: String
        }

        struct Key: Sendable {
            let credentialId: String
            let scope: String
            let state: String
            let expires: String
            let collectable: Bool
        }

        struct Problem: Sendable { let text: String }

        let datasetId: String
        let name: String
        let description: String?
        let producer: String
        let requestId: String
        let linkRequest: Bool
        let classification: String
        let frequency: String
        let contractVersion: Int
        let primaryKey: String
        let fields: [Field]
        let consumers: String
        let lastIngest: String
        let freshness: String
        let stale: Bool
        let score: String
        let records: String
        let keys: [Key]
        let hasKeys: Bool
        let readExample: String
        let pushExample: String?
        let csrf: String
        /// The producer's forms (push a file, reconcile).
        let producerForms: Bool
        let limit: String
        var done: String?
        var error: String?
        var problems: [Problem] = []
        var hasProblems = false
        /// A key just collected: shown on this answer only.
        var collectedKey: String?
        var reconciliation: [String] = []
        var hasReconciliation = false
    }

    @Sendable func show(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person()
        var view = try await view(try Self.datasetId(routeContext), person: person)
        let query = request.uri.queryParameters
        if let received = query["diterima"].flatMap({ Int(String($0)) }) {
            let inserted = query["baru"].flatMap { Int(String($0)) } ?? 0
            let updated = query["diperbarui"].flatMap { Int(String($0)) } ?? 0
            view.done =
                "\(Indonesian.integer(received)) rekaman diterima hub: \(Indonesian.integer(inserted)) baru, \(Indonesian.integer(updated)) diperbarui. Jalankan uji mutu dari halaman permohonan."
        }
        return try await render(view, person: person)
    }

    func view(_ datasetId: String, person: SignedIn) async throws -> DatasetView {
        let metadata = try await context.services.get(
            Metadata.self, .provisioning, "/v1/datasets/\(datasetId)", as: person)
        let catalogue = try await context.services.get(DatasetCatalogue.self, .reporting, "/v1/catalogue", as: person)
        let entry = catalogue.datasets.first { $0.datasetId == datasetId }
        let credentials = try await context.services.get(
            Credentials.self, .provisioning, "/v1/requests/\(metadata.requestId)/credentials", as: person
        ).credentials.filter { $0.datasetId == datasetId && $0.agencyCode == person.account.agencyCode }
        let states = [
            "awaiting_collection": "belum diambil", "active": "aktif", "revoked": "dicabut", "expired": "kedaluwarsa",
        ]
        let keys = credentials.map {
            DatasetView.Key(
                credentialId: $0.credentialId, scope: $0.scope == "write" ? "kirim (tulis)" : "baca",
                state: states[$0.state] ?? $0.state, expires: WIB.format($0.expiresAt),
                collectable: $0.state == "awaiting_collection")
        }
        let isProducer = person.account.role == .producer && person.account.agencyCode == metadata.producer
        let hub = context.services.client.url(.provisioning, metadata.recordsPath).absoluteString
        return DatasetView(
            datasetId: datasetId, name: metadata.name, description: metadata.description, producer: metadata.producer,
            requestId: metadata.requestId, linkRequest: person.account.role != .consumer,
            classification: metadata.classification ?? "–", frequency: metadata.updateFrequency ?? "–",
            contractVersion: metadata.contractVersion, primaryKey: metadata.primaryKey.joined(separator: ", "),
            fields: metadata.fields.map(Self.field),
            consumers: metadata.consumers.isEmpty ? "–" : metadata.consumers.joined(separator: ", "),
            lastIngest: WIB.format(entry?.lastIngestAt),
            freshness: entry?.staleSince.map { "terlambat sejak \(WIB.format($0))" }
                ?? (entry?.lastIngestAt == nil ? "belum ada data" : "tepat waktu"),
            stale: entry?.staleSince != nil, score: entry?.qualityScore.map { Indonesian.number($0) } ?? "–",
            records: Indonesian.integer(entry?.records ?? 0), keys: keys, hasKeys: !keys.isEmpty,
            readExample: "curl -H \"Authorization: Bearer $KUNCI_BACA\" \"\(hub)?limit=10\"",
            pushExample: isProducer
                ? "curl -H \"Authorization: Bearer $KUNCI_KIRIM\" -H \"Content-Type: text/csv\" --data-binary @rekaman.csv \"\(hub)\""
                : nil,
            csrf: person.csrf, producerForms: isProducer, limit: Self.recordFileLimit)
    }

    static func field(_ field: FieldDefinition) -> DatasetView.Field {
        var rules: [String] = []
        if let values = field.allowedValues, !values.isEmpty {
            rules.append("salah satu: \(values.joined(separator: ", "))")
        }
        if let list = field.references { rules.append("kode dari daftar referensi \(list)") }
        if let pattern = field.pattern { rules.append("pola \(pattern)") }
        if let minimum = field.minimum { rules.append("≥ \(Indonesian.number(minimum))") }
        if let maximum = field.maximum { rules.append("≤ \(Indonesian.number(maximum))") }
        return DatasetView.Field(
            name: field.name, type: field.type, required: field.required,
            rule: rules.isEmpty ? "–" : rules.joined(separator: "; "), description: field.description ?? "")
    }

    func render(_ view: DatasetView, person: SignedIn, status: HTTPResponse.Status = .ok) async throws -> Response {
        var page = view
        page.hasProblems = !page.problems.isEmpty
        page.hasReconciliation = !page.reconciliation.isEmpty
        return try Pages.render(
            "dataset", title: "Dataset \(view.name)", signedIn: person, active: "/katalog",
            taskCount: try await context.taskCount(person), page: page, status: status)
    }

    static func datasetId(_ routeContext: WorkspaceRequestContext) throws -> String {
        guard let id = routeContext.parameters.get("dataset"), !id.isEmpty,
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
        else { throw PageError.notFound }
        return id
    }

    /// A CSV with the contract's columns as its header row, to fill in and send.
    @Sendable func sample(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person()
        let datasetId = try Self.datasetId(routeContext)
        let metadata = try await context.services.get(
            Metadata.self, .provisioning, "/v1/datasets/\(datasetId)", as: person)
        let header = metadata.fields.map(\.name).joined(separator: ",") + "\n"
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(datasetId).csv\"",
            ], body: .init(byteBuffer: ByteBuffer(string: header)))
    }

    // MARK: - Keys

    /// The agency collects a key: the secret is made now and shown on this answer only.
    @Sendable func collect(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer, .consumer])
        let datasetId = try Self.datasetId(routeContext)
        guard let credential = routeContext.parameters.get("credential"),
            credential.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        else { throw PageError.notFound }
        let reply = try await context.services.submit(
            "POST", .provisioning, "/v1/credentials/\(credential)/collect", as: person)
        var view = try await view(datasetId, person: person)
        guard reply.status < 300, let collected = try? ServiceCalls.decoder.decode(Credential.self, from: reply.data),
            let key = collected.key
        else {
            view.error =
                ServiceCalls.errorCode(reply) == "already_collected"
                ? "Kunci ini sudah diambil. Bila hilang, minta Kepala Bidang memutar (rotate) kuncinya."
                : "\(FormOutcome.explain(ServiceCalls.errorCode(reply))) Tidak ada yang diubah."
            return try await render(view, person: person, status: .unprocessableContent)
        }
        view.collectedKey = key
        view.done = "Kunci \(collected.scope == "write" ? "kirim" : "baca") diambil."
        var response = try await render(view, person: person)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: - Records

    /// The content type of a record file, by its name.
    static func format(of fileName: String) -> String? {
        switch (fileName as NSString).pathExtension.lowercased() {
        case "csv": "text/csv"
        case "ndjson", "jsonl": "application/x-ndjson"
        case "json": "application/json"
        default: nil
        }
    }

    /// The producer pushes a file of records for its dataset: the workspace streamed it to a
    /// temporary file as it arrived and streams it on to the hub, which takes it with the
    /// person's own account (audited as such); a file that breaks the contract stores nothing.
    @Sendable func push(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer])
        let datasetId = try Self.datasetId(routeContext)
        guard let file = routeContext.files["berkas"], file.size > 0, let spooled = file.spooled else {
            return try await refuse(datasetId, person: person, "Pilih berkas rekaman (CSV, NDJSON atau JSON).")
        }
        guard let contentType = Self.format(of: file.fileName) else {
            return try await refuse(
                datasetId, person: person,
                "Berkas rekaman harus berakhiran .csv, .ndjson (atau .jsonl) atau .json; berkas ini \(file.fileName).")
        }
        let reply = try await context.services.stream(
            .provisioning, "/v1/datasets/\(datasetId)/records", as: person, file: spooled, contentType: contentType)
        struct Outcome: Decodable {
            let accepted: Int
            let inserted: Int
            let updated: Int
        }
        if reply.status < 300, let outcome = try? ServiceCalls.decoder.decode(Outcome.self, from: reply.data) {
            return Pages.redirect(
                to:
                    "/katalog/\(datasetId)?diterima=\(outcome.accepted)&baru=\(outcome.inserted)&diperbarui=\(outcome.updated)"
            )
        }
        return try await refuse(datasetId, person: person, reply: reply)
    }

    /// The producer's own records compared with what the hub holds (nothing is stored).
    @Sendable func reconcile(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer])
        let datasetId = try Self.datasetId(routeContext)
        let declared = routeContext.form.trimmed("declaredCount")
        guard declared.isEmpty || Int(declared).map({ $0 >= 0 }) == true else {
            return try await refuse(
                datasetId, person: person, "Jumlah di sistem OPD ditulis sebagai bilangan bulat ≥ 0.")
        }
        guard let file = routeContext.files["berkas"], file.size > 0, let spooled = file.spooled,
            let contentType = Self.format(of: file.fileName)
        else {
            return try await refuse(
                datasetId, person: person, "Pilih berkas rekaman dari sistem OPD (.csv, .ndjson atau .json).")
        }
        var view = try await view(datasetId, person: person)
        let reply = try await context.services.stream(
            .validation,
            "/v1/requests/\(view.requestId)/reconciliations?dataset=\(datasetId)"
                + (declared.isEmpty ? "" : "&declaredCount=\(declared)"), as: person, file: spooled,
            contentType: contentType)
        struct Report: Decodable {
            struct Keys: Decodable {
                let count: Int
                let examples: [String]
            }
            let sourceRows: Int
            let invalidInSource: Int
            let sourceRecords: Int
            let hubRecords: Int
            let missingInHub: Keys
            let extraInHub: Keys
            let changedCount: Int
            let duplicateKeysInSource: Keys
            let declaredCount: Int?
        }
        guard reply.status < 300, let report = try? ServiceCalls.decoder.decode(Report.self, from: reply.data) else {
            return try await refuse(datasetId, person: person, reply: reply)
        }
        func keys(_ keys: Report.Keys) -> String {
            keys.count == 0
                ? "0" : "\(Indonesian.integer(keys.count)) (mis. \(keys.examples.prefix(5).joined(separator: ", ")))"
        }
        view.done = "Rekonsiliasi selesai; tidak ada yang diubah di hub."
        view.reconciliation = [
            "Baris dari sistem OPD: \(Indonesian.integer(report.sourceRows)); tidak sesuai kontrak: \(Indonesian.integer(report.invalidInSource)).",
            "Rekaman berbeda kunci di sistem OPD: \(Indonesian.integer(report.sourceRecords)); di hub: \(Indonesian.integer(report.hubRecords))."
                + (report.declaredCount.map { " Jumlah yang dinyatakan: \(Indonesian.integer($0))." } ?? ""),
            "Tidak ada di hub: \(keys(report.missingInHub)).",
            "Ada di hub, tidak di sistem OPD: \(keys(report.extraInHub)).",
            "Nilainya berbeda: \(Indonesian.integer(report.changedCount)). Kunci ganda di sistem OPD: \(keys(report.duplicateKeysInSource)).",
        ]
        return try await render(view, person: person)
    }

    /// The dataset's page again with the refusal: the rule in Indonesian, each broken record listed.
    func refuse(
        _ datasetId: String, person: SignedIn, _ message: String? = nil, reply: JembatanClientReply? = nil
    ) async throws -> Response {
        var view = try await view(datasetId, person: person)
        if let message {
            view.error = message
        } else if let reply {
            let (summary, problems) = Self.explain(reply)
            view.error = summary
            view.problems = problems.map { .init(text: $0) }
        }
        return try await render(view, person: person, status: .unprocessableContent)
    }

    /// A refused push or reconciliation, in Indonesian: the summary and each broken record.
    static func explain(_ reply: JembatanClientReply) -> (String, [String]) {
        guard let detail = ServiceCalls.refusal(reply) else {
            return ("Hub tidak menerima berkas ini (HTTP \(reply.status)). Tidak ada yang disimpan.", [])
        }
        let problems = (detail.violations ?? []).map { violation in
            let place = violation.field.replacingOccurrences(of: "line ", with: "baris ").replacingOccurrences(
                of: "index ", with: "rekaman ke-")
            return "\(place): \(Self.rule(violation.rule)) (\(violation.message))"
        }
        switch detail.code {
        case "records_rejected":
            let count = detail.message.split(separator: " ").first.map(String.init) ?? "Beberapa"
            return (
                "\(count) rekaman melanggar kontrak dataset, jadi tidak ada yang disimpan. Perbaiki baris berikut lalu kirim ulang berkasnya.",
                problems
            )
        case "unsupported_media_type": return ("Jenis berkas tidak dikenali hub. Tidak ada yang disimpan.", problems)
        case "dataset_not_provisioned":
            return ("API dataset ini belum disiapkan (uji integrasi belum lulus).", problems)
        case "rate_limited": return ("Terlalu banyak kiriman dalam semenit; coba lagi sebentar lagi.", problems)
        default: return ("\(FormOutcome.explain(detail.code)) Tidak ada yang disimpan.", problems)
        }
    }

    /// A record rule in Indonesian.
    static func rule(_ rule: String) -> String {
        switch rule {
        case "required": "wajib diisi"
        case "type": "jenis nilainya salah"
        case "pattern": "tidak sesuai pola"
        case "minimum": "terlalu kecil"
        case "maximum": "terlalu besar"
        case "reference": "bukan kode daftar referensi"
        case "unknown_field": "kolom tidak ada di kontrak"
        case "syntax": "baris tidak terbaca"
        case "key": "kunci rekaman tidak lengkap"
        case "unique": "kunci ganda dalam berkas"
        case "max_length": "terlalu panjang"
        case "range": "di luar rentang"
        default: rule
        }
    }
}
