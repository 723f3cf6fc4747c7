import Foundation
import Hummingbird
import JembatanShared

/// The form behind each person's step on the request page: the workspace posts it to the service
/// that owns the step, with the person's session token. A refusal comes back on the same page,
/// each rule beside its field in Indonesian, the entered values kept; nothing was stored.
struct StepFormsController: Sendable {
    let context: WorkspaceContext

    func register(on router: RouterGroup<WorkspaceRequestContext>) {
        router.post("permohonan/:id/langkah/:action", use: act)
        router.post("permohonan/:id/penjelasan", use: justify)
        router.post("permohonan/:id/tanda-terima", use: acknowledge)
    }

    /// One form: which service it calls, and the body it sends from the form's fields.
    struct Action: Sendable {
        let service: ServiceName
        let path: String
        let done: String
        let body: @Sendable (Form) -> [String: Any]
    }

    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The forms by their address segment.
    static func action(_ name: String, requestId: String) -> Action? {
        let path = "/v1/requests/\(requestId)"
        switch name {
        case "disposisi":
            return Action(
                service: .intake, path: "\(path)/disposition",
                done: "Disposisi tercatat dan lembar disposisinya dibuat."
            ) { form in
                var body: [String: Any] = [
                    "note": form.trimmed("note"), "addressee": form.trimmed("addressee"),
                    "instruction": form.trimmed("instruction"), "urgency": form.trimmed("urgency"),
                ]
                if !form.trimmed("deadline").isEmpty { body["deadline"] = form.trimmed("deadline") }
                return body
            }
        case "tolak":
            return Action(service: .intake, path: "\(path)/decline", done: "Permohonan ditolak; OPD membaca alasannya.")
            {
                ["reason": $0.trimmed("reason")]
            }
        case "setujui":
            return Action(service: .evaluation, path: "\(path)/decision", done: "Kontrak dataset disetujui.") { _ in
                ["decision": "agree"]
            }
        case "kembalikan":
            return Action(service: .evaluation, path: "\(path)/decision", done: "Permohonan dikembalikan ke OPD.") {
                form in
                ["decision": "return", "reasons": lines(form["reasons"]).map { ["message": $0] }]
            }
        case "catat":
            return Action(service: .evaluation, path: "\(path)/steps", done: "Langkah dicatat selesai.") { form in
                ["phase": form.trimmed("phase"), "note": form.trimmed("note")]
            }
        case "serahkan":
            return Action(
                service: .provisioning, path: "\(path)/delivery", done: "Hasil integrasi diserahkan kepada OPD."
            ) {
                ["note": $0.trimmed("note")]
            }
        case "uji-mutu":
            return Action(
                service: .validation, path: "\(path)/validation-runs", done: "Uji mutu selesai; hasilnya di bawah."
            ) {
                _ in [:]
            }
        case "terima":
            return Action(service: .validation, path: "\(path)/decision", done: "Hasil integrasi diterima.") { form in
                ["decision": "accept", "runId": form.trimmed("runId"), "note": form.trimmed("note")]
            }
        case "tolak-hasil":
            return Action(service: .validation, path: "\(path)/decision", done: "Hasil dikembalikan ke evaluasi.") {
                form in
                ["decision": "reject", "runId": form.trimmed("runId"), "reasons": lines(form["reasons"])]
            }
        case "serah-terima":
            return Action(
                service: .provisioning, path: "\(path)/hand-over",
                done: "Serah terima tercatat; berita acaranya dibuat."
            ) {
                ["note": $0.trimmed("note")]
            }
        case "telaah":
            return Action(service: .validation, path: "\(path)/head-review", done: "Telaah Kepala Dinas tercatat.") {
                form in
                form.trimmed("decision") == "send_back"
                    ? ["decision": "send_back", "note": form.trimmed("note"), "reasons": lines(form["note"])]
                    : ["decision": "approve", "note": form.trimmed("note")]
            }
        case "tarik":
            return Action(service: .intake, path: "\(path)/withdraw", done: "Permohonan ditarik.") {
                ["reason": $0.trimmed("reason")]
            }
        case "uji-ulang":
            return Action(
                service: .provisioning, path: "\(path)/integration-test", done: "Uji integrasi dijalankan ulang."
            ) {
                _ in [:]
            }
        default:
            return nil
        }
    }

    @Sendable func act(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: DocumentsController.readers)
        let requestId = try TasksController.requestId(request, routeContext)
        guard let name = routeContext.parameters.get("action"), let action = Self.action(name, requestId: requestId)
        else { throw PageError.notFound }
        let form = routeContext.form
        let before = try await Self.timelineLength(requestId, person: person, context: context)
        let reply = try await context.services.submit(
            "POST", action.service, action.path, as: person, json: action.body(form))
        guard reply.status >= 300 else {
            // The page reads reporting, which learns of the step from its event a moment later:
            // wait briefly for it, so the page shows the next step rather than this form again.
            try await Self.awaitProjection(requestId, person: person, context: context) { ($0 ?? 0) > (before ?? 0) }
            return Pages.redirect(to: "/permohonan/\(requestId)?selesai=\(name)")
        }
        let outcome = FormOutcome(refusal: reply, form: form, action: name)
        return try await TasksController(context: context).renderRequest(
            requestId, person: person, outcome: outcome, status: reply.status == 409 ? .conflict : .unprocessableContent
        )
    }

    /// The person responsible for a deviation explains it (reporting keeps it once per run of a step).
    @Sendable func justify(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer, .head, .supervisor, .technical])
        let requestId = try TasksController.requestId(request, routeContext)
        let form = routeContext.form
        let reply = try await context.services.submit(
            "POST", .reporting, "/v1/requests/\(requestId)/justifications", as: person,
            json: [
                "phase": form.trimmed("phase"), "startedAt": form.trimmed("startedAt"),
                "justification": form.trimmed("justification"),
            ])
        guard reply.status >= 300 else {
            return Pages.redirect(to: "/permohonan/\(requestId)?selesai=penjelasan")
        }
        var outcome = FormOutcome(refusal: reply, form: form, action: "penjelasan")
        if let reason = outcome.fields["justification"] {
            outcome = FormOutcome(
                action: "penjelasan", error: "Penjelasan: \(reason) Tidak ada yang disimpan.", fields: [:])
        }
        return try await TasksController(context: context).renderRequest(
            requestId, person: person, outcome: outcome, status: .unprocessableContent)
    }

    /// The receiver acknowledges the delivered results (producer) or the report (Kepala Bidang, then
    /// Kepala Dinas); from Tugas saya or the request page.
    @Sendable func acknowledge(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer, .supervisor, .head])
        let requestId = try TasksController.requestId(request, routeContext)
        let form = routeContext.form
        let reply = try await context.services.submit(
            "POST", .reporting, "/v1/requests/\(requestId)/receipts", as: person, json: ["kind": form.trimmed("kind")])
        guard reply.status >= 300 else {
            return Pages.redirect(to: "/permohonan/\(requestId)?selesai=tanda-terima")
        }
        let reason: String =
            switch ServiceCalls.refusal(reply)?.code {
            case "results_not_delivered": "Hasil integrasi belum diserahkan."
            case "report_not_published": "Laporan permohonan ini belum terbit."
            case "report_not_forwarded":
                "Kepala Bidang belum menerima laporan; laporan diteruskan kepada Anda sesudahnya."
            case "receipt_not_yours": "Tanda terima ini bukan untuk peran Anda."
            default: "Tanda terima tidak dapat disimpan."
            }
        return try await TasksController(context: context).renderRequest(
            requestId, person: person,
            outcome: FormOutcome(action: "tanda-terima", error: "\(reason) Tidak ada yang disimpan.", fields: [:]),
            status: reply.status == 403 ? .forbidden : .conflict)
    }

    /// How many events reporting has on the request's timeline (nil: it does not know the request yet).
    static func timelineLength(_ requestId: String, person: SignedIn, context: WorkspaceContext) async throws -> Int? {
        let reply = try await context.services.submit("GET", .reporting, "/v1/requests/\(requestId)", as: person)
        guard reply.status == 200 else { return nil }
        return (reply.json["timeline"] as? [Any])?.count
    }

    /// Waits up to 10 s until `condition` holds for reporting's timeline length (it may not: the page then says what it knows).
    static func awaitProjection(
        _ requestId: String, person: SignedIn, context: WorkspaceContext, _ condition: (Int?) -> Bool
    ) async throws {
        for _ in 0..<40 {
            if condition(try await timelineLength(requestId, person: person, context: context)) { return }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// The message shown after `name` went through.
    static func done(_ name: String) -> String? {
        switch name {
        case "ajukan": "Permohonan diajukan; surat permohonannya dibuat. Kepala Dinas mendapat tugas disposisi."
        case "lampiran": "Lampiran tersimpan, dengan SHA-256-nya."
        case "penjelasan": "Penjelasan penyimpangan tersimpan; Kepala Dinas membacanya di halaman ini."
        case "tanda-terima": "Tanda terima tersimpan."
        case "perbaiki": "Permohonan diajukan ulang; tim teknis mengkajinya lagi dengan perubahan di bawah."
        default: action(name, requestId: "")?.done
        }
    }
}

/// A refused form: the general reason, each field's reason in Indonesian, the entered values.
struct FormOutcome: Sendable {
    let action: String
    let error: String?
    let fields: [String: String]
    let values: [String: String]

    init(action: String, error: String?, fields: [String: String]) {
        self.action = action
        self.error = error
        self.fields = fields
        values = [:]
    }

    init(refusal reply: JembatanClientReply, form: Form, action: String) {
        self.action = action
        values = form.fields.filter { $0.key != "_csrf" && $0.key != "password" }
        guard let detail = ServiceCalls.refusal(reply) else {
            error = "Permintaan tidak dapat diproses (HTTP \(reply.status)). Tidak ada yang diubah."
            fields = [:]
            return
        }
        var fields: [String: String] = [:]
        for violation in detail.violations ?? [] {
            let field = violation.field.split(separator: "[").first.map(String.init) ?? violation.field
            fields[field, default: ""] += (fields[field] == nil ? "" : " ") + Self.words(violation)
        }
        if detail.violations == nil, let field = detail.field, detail.code != "invalid_state" {
            fields[field] = Self.words(FieldViolation(field: field, rule: detail.code, message: detail.message))
        }
        self.fields = fields
        error =
            fields.isEmpty
            ? "\(Self.explain(detail.code)) Tidak ada yang diubah."
            : "Periksa isian yang ditandai. Tidak ada yang disimpan."
    }

    /// A rule in Indonesian, by its machine code; the service's words when the rule is not known here.
    static func words(_ violation: FieldViolation) -> String {
        switch violation.rule {
        case "required": "Wajib diisi."
        case "enum": "Pilih salah satu pilihan yang ada."
        case "date", "format": "Tulis tanggal sebagai tahun-bulan-tanggal, misalnya 2026-12-31."
        case "past", "not_past": "Tanggal tidak boleh sudah lewat."
        case "max_length", "maxLength", "length": "Terlalu panjang."
        case "control_characters": "Mengandung karakter yang tidak diizinkan."
        case "required_with_failed_checks": "Uji mutu gagal: tuliskan mengapa data tetap benar."
        case "too_large": "Berkas paling besar 20 MB."
        case "content_type":
            "Isi berkas bukan PDF, ODT, DOCX, XLSX, ODS, CSV, PNG atau JPEG, atau tidak sesuai dengan nama berkasnya."
        case "extension": "Nama berkas harus berakhiran jenis isinya, misalnya .pdf."
        case "file_name": "Nama berkas 1 sampai 200 karakter, tanpa '/'."
        default: "Tidak diterima: \(violation.message)."
        }
    }

    /// A refusal without fields, in Indonesian.
    static func explain(_ code: String) -> String {
        switch code {
        case "invalid_state": "Langkah ini sudah dijalankan atau belum waktunya."
        case "wrong_role": "Langkah ini bukan untuk peran Anda."
        case "already_justified": "Penyimpangan ini sudah dijelaskan."
        case "not_responsible": "Penyimpangan dijelaskan oleh penanggung jawabnya."
        case "not_a_deviation": "Langkah ini memenuhi standarnya: tidak ada yang perlu dijelaskan."
        case "not_delivered": "Hasil integrasi belum diserahkan oleh Kepala Bidang."
        case "not_provisioned": "API belum disiapkan di hub."
        case "not_accepted": "OPD belum menerima hasil integrasi."
        case "already_delivered": "Hasil integrasi sudah diserahkan."
        case "already_handed_over": "Serah terima sudah dicatat."
        case "already_recorded": "Langkah ini sudah dicatat."
        case "out_of_order": "Catat langkah sebelumnya lebih dulu."
        case "not_found": "Permohonan atau data yang dirujuk tidak ditemukan."
        default: "Permintaan ditolak (\(code))."
        }
    }
}
