import Foundation
import Hummingbird
import JembatanShared

/// The producer's new request: what is shared, why, on what legal basis, with whom, and the
/// dataset's columns (one per line: `name type [wajib]`), its key, classification and update
/// frequency. Intake's completeness check answers; every rule it finds broken is shown beside its
/// field in Indonesian, the entered values kept, nothing stored.
struct NewRequestController: Sendable {
    let context: WorkspaceContext

    func register(on router: RouterGroup<WorkspaceRequestContext>) {
        router.get("permohonan/baru", use: show)
        router.post("permohonan/baru", use: submit)
        router.post("permohonan/baru/ddl", use: importDDL)
        router.get("permohonan/:id/perbaiki", use: showRevision)
        router.post("permohonan/:id/perbaiki", use: revise)
    }

    /// The returned request's definition in the form, to change and send again.
    @Sendable func showRevision(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer])
        let requestId = try TasksController.requestId(request, routeContext)
        let current = try await context.services.get(Draft.self, .intake, "/v1/requests/\(requestId)", as: person)
        return try await page(person, values: Self.values(of: current), revisionOf: requestId)
    }

    /// Sends the returned request again with its changed dataset; the request page then shows what changed.
    @Sendable func revise(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer])
        let requestId = try TasksController.requestId(request, routeContext)
        let form = routeContext.form
        var body = Self.submission(form)
        body = ["title": body["title"] ?? "", "purpose": body["purpose"] ?? "", "datasets": body["datasets"] ?? []]
        let before = try await StepFormsController.timelineLength(requestId, person: person, context: context)
        let reply = try await context.services.submit(
            "PUT", .intake, "/v1/requests/\(requestId)", as: person, json: body)
        if reply.status < 300 {
            try await StepFormsController.awaitProjection(requestId, person: person, context: context) {
                ($0 ?? 0) > (before ?? 0)
            }
            return Pages.redirect(to: "/permohonan/\(requestId)?selesai=perbaiki#perubahan")
        }
        return try await refused(
            reply, person: person, values: form.fields.filter { $0.key != "_csrf" }, draftId: nil,
            revisionOf: requestId)
    }

    /// The largest DDL file read.
    static let ddlLimit = 1024 * 1024

    /// The producer's own `CREATE TABLE` text fills in the dataset (intake reads it; nothing is stored).
    @Sendable func importDDL(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer])
        guard let file = routeContext.files["ddl"], !file.data.isEmpty else {
            return try await page(
                person, errors: ["ddl": "Pilih berkas DDL (.sql) yang berisi CREATE TABLE."],
                status: .unprocessableContent)
        }
        guard file.data.count <= Self.ddlLimit else {
            return try await page(
                person,
                errors: [
                    "ddl":
                        "Berkas DDL paling besar 1 MB; berkas ini \(Indonesian.number(Double(file.data.count) / 1_048_576)) MB."
                ],
                status: .contentTooLarge)
        }
        let reply = try await context.services.upload(
            .intake, "/v1/ddl/import", as: person, data: file.data, contentType: "text/plain; charset=utf-8")
        struct Imported: Decodable {
            struct Problem: Decodable {
                let line: Int
                let message: String
            }
            let datasets: [DatasetDefinition]
            let problems: [Problem]
        }
        guard reply.status == 200, let imported = try? JSONDecoder().decode(Imported.self, from: reply.data) else {
            return try await page(
                person, errors: ["ddl": "Berkas ini bukan teks CREATE TABLE yang terbaca (UTF-8)."],
                status: .unprocessableContent)
        }
        let problems = imported.problems.map { "Baris \($0.line): \($0.message)" }
        guard let dataset = imported.datasets.first else {
            return try await page(
                person, errors: ["ddl": "Tidak ada CREATE TABLE yang terbaca di berkas ini."], problems: problems,
                status: .unprocessableContent)
        }
        let values = [
            "dataset": dataset.name, "primaryKey": dataset.primaryKey.joined(separator: ", "),
            "fields": dataset.fields.map { "\($0.name) \($0.type)\($0.required ? " wajib" : "")" }
                .joined(separator: "\n"),
        ]
        return try await page(person, values: values, problems: problems, imported: dataset.name)
    }

    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct View: Sendable {
        let csrf: String
        let values: [String: String]
        let errors: [String: String]
        let error: String?
        let problems: [String]
        let hasProblems: Bool
        let imported: String?
        let classifications: [Option]
        let frequencies: [Option]
        let types: String
        /// The draft this form edits (saved with "Simpan draf"), if any.
        let draftId: String?
        let saved: String?
        /// Where the form posts: a new request or a returned request's revision.
        let action: String
        /// The revision of a returned request: the producer changes the dataset and sends it again.
        let revision: Bool
    }

    static let classifications = [("public", "Terbuka"), ("internal", "Internal"), ("restricted", "Terbatas")]
    static let frequencies = [
        ("daily", "Harian"), ("weekly", "Mingguan"), ("monthly", "Bulanan"), ("quarterly", "Triwulanan"),
        ("yearly", "Tahunan"), ("on_change", "Setiap ada perubahan"),
    ]

    func page(
        _ person: SignedIn, values: [String: String] = [:], errors: [String: String] = [:], error: String? = nil,
        problems: [String] = [], imported: String? = nil, draftId: String? = nil, saved: String? = nil,
        revisionOf requestId: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let view = View(
            csrf: person.csrf, values: values, errors: errors, error: error, problems: problems,
            hasProblems: !problems.isEmpty, imported: imported,
            classifications: Self.classifications.map {
                Option(value: $0.0, label: $0.1, selected: $0.0 == (values["classification"] ?? "public"))
            },
            frequencies: Self.frequencies.map {
                Option(value: $0.0, label: $0.1, selected: $0.0 == (values["updateFrequency"] ?? "monthly"))
            },
            types: FieldKind.allCases.map(\.rawValue).joined(separator: ", "), draftId: draftId, saved: saved,
            action: requestId.map { "/permohonan/\($0)/perbaiki" } ?? "/permohonan/baru", revision: requestId != nil)
        return try Pages.render(
            "new-request", title: requestId == nil ? "Permohonan baru" : "Perbaiki dan ajukan ulang", signedIn: person,
            active: "/permohonan",
            taskCount: try await context.taskCount(person), page: view, status: status)
    }

    @Sendable func show(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer])
        guard let draftId = request.uri.queryParameters["draf"].map(String.init) else { return try await page(person) }
        guard UUID(uuidString: draftId) != nil else { throw PageError.notFound }
        struct Shown: Decodable {
            let draft: Draft
            let missing: [FieldViolation]
        }
        let shown = try await context.services.get(Shown.self, .intake, "/v1/drafts/\(draftId)", as: person)
        return try await page(
            person, values: Self.values(of: shown.draft), errors: Self.errors(shown.missing), draftId: draftId,
            saved: shown.missing.isEmpty
                ? "Draf ini lengkap dan siap diajukan." : "Draf tersimpan. Isian yang ditandai belum lengkap.")
    }

    /// A saved draft or a submitted request as intake returns it.
    struct Draft: Decodable {
        struct Contact: Decodable {
            let name: String?
            let email: String?
            let phone: String?
        }
        let title: String?
        let purpose: String?
        let legalBasis: String?
        let contactPerson: Contact?
        let intendedConsumers: [String]?
        let datasets: [DatasetDefinition]?
    }

    /// The form's values for `draft` (its first dataset: the form edits one).
    static func values(of draft: Draft) -> [String: String] {
        var values: [String: String] = [
            "title": draft.title ?? "", "purpose": draft.purpose ?? "", "legalBasis": draft.legalBasis ?? "",
            "contactName": draft.contactPerson?.name ?? "", "contactEmail": draft.contactPerson?.email ?? "",
            "contactPhone": draft.contactPerson?.phone ?? "",
            "consumers": (draft.intendedConsumers ?? []).joined(separator: ", "),
        ]
        if let dataset = draft.datasets?.first {
            values["dataset"] = dataset.name
            values["primaryKey"] = dataset.primaryKey.joined(separator: ", ")
            values["fields"] = dataset.fields.map { "\($0.name) \($0.type)\($0.required ? " wajib" : "")" }
                .joined(separator: "\n")
            values["classification"] = dataset.classification ?? "public"
            values["updateFrequency"] = dataset.updateFrequency ?? "monthly"
        }
        return values
    }

    /// Intake's broken rules as the form's errors, beside their fields.
    static func errors(_ violations: [FieldViolation]) -> [String: String] {
        var errors: [String: String] = [:]
        for violation in violations {
            let field = Self.formField(violation.field)
            let text = Self.words(violation)
            errors[field] = errors[field].map { "\($0) \(text)" } ?? text
        }
        return errors
    }

    /// The columns written one per line as `name type [wajib]`; a line that is not that is kept for
    /// intake to refuse by name.
    static func fields(_ text: String) -> [[String: Any]] {
        StepFormsController.lines(text).map { line in
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            var field: [String: Any] = ["name": words.first ?? "", "type": words.count > 1 ? words[1] : ""]
            field["required"] = words.dropFirst(2).contains { ["wajib", "required"].contains($0.lowercased()) }
            return field
        }
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func submission(_ form: Form) -> [String: Any] {
        var contact: [String: Any] = [:]
        for (key, name) in [("contactName", "name"), ("contactEmail", "email"), ("contactPhone", "phone")]
        where !form.trimmed(key).isEmpty {
            contact[name] = form.trimmed(key)
        }
        var body: [String: Any] = [
            "title": form.trimmed("title"), "purpose": form.trimmed("purpose"),
            "datasets": [
                [
                    "name": form.trimmed("dataset"), "primaryKey": list(form["primaryKey"]),
                    "classification": form.trimmed("classification"),
                    "updateFrequency": form.trimmed("updateFrequency"),
                    "fields": fields(form["fields"]),
                ]
            ],
        ]
        if !form.trimmed("legalBasis").isEmpty { body["legalBasis"] = form.trimmed("legalBasis") }
        if !contact.isEmpty { body["contactPerson"] = contact }
        let consumers = list(form["consumers"])
        if !consumers.isEmpty { body["intendedConsumers"] = consumers }
        return body
    }

    /// A violation's field path as the form's field: `datasets[0].fields[2].type` → `fields`.
    static func formField(_ path: String) -> String {
        let mapping: [(String, String)] = [
            ("contactPerson.email", "contactEmail"), ("contactPerson.phone", "contactPhone"),
            ("contactPerson", "contactName"), ("intendedConsumers", "consumers"), (".primaryKey", "primaryKey"),
            (".classification", "classification"), (".updateFrequency", "updateFrequency"), (".fields", "fields"),
            ("].name", "dataset"), ("datasets", "fields"),
        ]
        for (part, field) in mapping where path.contains(part) { return field }
        return path.split(separator: ".").first.map(String.init) ?? path
    }

    @Sendable func submit(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer])
        let form = routeContext.form
        let values = form.fields.filter { !["_csrf", "langkah", "draftId"].contains($0.key) }
        var draftId = form.trimmed("draftId").isEmpty ? nil : form.trimmed("draftId")
        if let id = draftId, UUID(uuidString: id) == nil { throw PageError.notFound }
        if form.trimmed("langkah") == "draf" || draftId != nil {
            // Save (or replace) the draft first: "Simpan draf" stops here, "Ajukan" then submits it.
            let reply = try await context.services.submit(
                draftId == nil ? "POST" : "PUT", .intake, draftId.map { "/v1/drafts/\($0)" } ?? "/v1/drafts",
                as: person, json: Self.submission(form))
            guard reply.status < 300, let id = reply.json["requestId"] as? String else {
                return try await refused(reply, person: person, values: values, draftId: draftId)
            }
            draftId = id
            if form.trimmed("langkah") == "draf" {
                let missing = (try? JSONDecoder().decode(Missing.self, from: reply.data).missing) ?? []
                return try await page(
                    person, values: values, errors: Self.errors(missing), draftId: id,
                    saved: missing.isEmpty
                        ? "Draf tersimpan dan sudah lengkap: ajukan bila siap."
                        : "Draf tersimpan. Isian yang ditandai belum lengkap; lanjutkan kapan saja dari daftar Permohonan."
                )
            }
        }
        let reply =
            if let draftId {
                try await context.services.submit("POST", .intake, "/v1/drafts/\(draftId)/submit", as: person)
            } else {
                try await context.services.submit(
                    "POST", .intake, "/v1/requests", as: person, json: Self.submission(form))
            }
        if reply.status < 300, let id = reply.json["requestId"] as? String {
            // The request's page reads reporting, which learns of the request a moment later.
            try await StepFormsController.awaitProjection(id, person: person, context: context) { $0 != nil }
            return Pages.redirect(to: "/permohonan/\(id)?selesai=ajukan")
        }
        return try await refused(reply, person: person, values: values, draftId: draftId)
    }

    struct Missing: Decodable { let missing: [FieldViolation] }

    /// Intake's refusal on the form again: each rule beside its field, what was typed kept.
    func refused(
        _ reply: JembatanClientReply, person: SignedIn, values: [String: String], draftId: String?,
        revisionOf requestId: String? = nil
    ) async throws -> Response {
        let detail = ServiceCalls.refusal(reply)
        let errors = Self.errors(detail?.violations ?? [])
        return try await page(
            person, values: values, errors: errors,
            error: errors.isEmpty
                ? "Permohonan tidak dapat diajukan (\(FormOutcome.explain(detail?.code ?? "http_\(reply.status)"))). Tidak ada yang disimpan."
                : "Permohonan belum lengkap: perbaiki isian yang ditandai. \(draftId == nil ? "Tidak ada yang disimpan." : "Draf tetap tersimpan.")",
            draftId: draftId, revisionOf: requestId, status: .unprocessableContent)
    }

    /// Intake's rule in Indonesian, naming the column where there is one.
    static func words(_ violation: FieldViolation) -> String {
        let column =
            violation.field.contains(".fields[") ? "Kolom \(violation.field.split(separator: ".").last ?? ""): " : ""
        let rule: String =
            switch violation.rule {
            case "required": "wajib diisi."
            case "min_items": "isi paling sedikit satu."
            case "enum": "pilih salah satu pilihan yang ada."
            case "type", "field_type": "tipe tidak dikenal."
            case "unique", "duplicate": "nama ganda."
            case "pattern", "identifier": "gunakan huruf kecil, angka dan garis bawah, diawali huruf."
            default: "tidak diterima: \(violation.message)."
            }
        let text = column + rule
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}
