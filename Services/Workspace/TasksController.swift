import Foundation
import Hummingbird
import JembatanShared

/// *Tugas saya* (the landing page), the requests a person may see, and each request's page: its
/// history in words, every step against its standard, and the one action this person can take now.
struct TasksController: Sendable {
    let context: WorkspaceContext

    func register(on router: RouterGroup<WorkspaceRequestContext>) {
        router.get("/", use: tasks)
        router.get("permohonan", use: requests)
        router.get("permohonan/:id", use: request)
        router.get("permohonan/:id/laporan", use: report)
        router.get("permohonan/:id/laporan.pdf", use: reportPDF)
    }

    // MARK: Tugas saya

    struct TasksView: Sendable {
        struct Line: Sendable {
            let requestId: String
            let title: String
            let agency: String
            let step: String
            let standard: String
            let deadline: String
            let provisional: Bool
            let overdue: Bool
            let waiting: String
            let bar: SLABar?
            /// A receipt acknowledged right here (`results`, `report`).
            var receipt: String? = nil
        }

        let greeting: String
        var csrf = ""
        let tasks: [Line]
        let notices: [String]
        let empty: Bool
        let roleLabel: String
        let hasTasks: Bool
    }

    @Sendable func tasks(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person()
        let list = try await context.tasks(of: person)
        let lines = list.tasks.map { task in
            TasksView.Line(
                requestId: task.requestId, title: task.title ?? "Permohonan \(task.requestId.prefix(8))",
                agency: task.agencyCode ?? "–", step: Self.stepName(task.step, task.name),
                standard: task.standard ?? "tanpa standar",
                deadline: task.deadline.map(WIB.format) ?? "–", provisional: task.provisional,
                overdue: task.status == "overdue", waiting: "sejak \(WIB.format(task.startedAt))",
                bar: task.usedPercent.map(SLABar.init(usedPercent:)), receipt: task.receipt)
        }
        let view = TasksView(
            greeting: "Selamat datang, \(person.fullName)\(person.fullName.hasSuffix(".") ? "" : ".")",
            csrf: person.csrf,
            tasks: lines,
            notices: list.notices.map(\.message),
            empty: lines.isEmpty && list.notices.isEmpty, roleLabel: person.account.role.label,
            hasTasks: !lines.isEmpty)
        return try Pages.render(
            "tasks", title: "Tugas saya", signedIn: person, active: "/", taskCount: lines.count + list.notices.count,
            page: view)
    }

    static func stepName(_ number: Int, _ name: String) -> String {
        number > 0 ? "Langkah \(number) · \(name)" : name
    }

    // MARK: Permohonan

    struct RequestsView: Sendable {
        /// A producer may start a new request here.
        var mayCreate = false
        struct Line: Sendable {
            let requestId: String
            let shortId: String
            let title: String
            let agency: String
            let step: String
            let state: String
            let stateLabel: String
            let updated: String
        }

        let requests: [Line]
        struct Draft: Sendable {
            let requestId: String
            let title: String
            let saved: String
        }

        /// The producer agency's saved drafts.
        var drafts: [Draft] = []
        var hasDrafts = false
    }

    @Sendable func requests(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer, .head, .supervisor, .technical, .admin])
        let list = try await context.services.get(Reads.RequestList.self, .reporting, "/v1/requests", as: person)
        let lines = list.requests.map { item in
            RequestsView.Line(
                requestId: item.requestId, shortId: String(item.requestId.prefix(8)),
                title: item.title ?? "–", agency: item.agencyCode ?? "–",
                step: item.phase.map { item.sopStep > 0 ? "\(item.sopStep) · \($0.label)" : $0.label } ?? "–",
                state: item.state.rawValue, stateLabel: item.state.label, updated: WIB.format(item.updatedAt))
        }
        var page = RequestsView(mayCreate: person.account.role == .producer, requests: lines)
        if person.account.role == .producer {
            struct Drafts: Decodable {
                struct Draft: Decodable {
                    let requestId: String
                    let title: String
                    let createdAt: Date
                }
                let drafts: [Draft]
            }
            page.drafts = try await context.services.get(Drafts.self, .intake, "/v1/drafts", as: person).drafts.map {
                .init(
                    requestId: $0.requestId, title: $0.title.isEmpty ? "(tanpa judul)" : $0.title,
                    saved: WIB.format($0.createdAt))
            }
            page.hasDrafts = !page.drafts.isEmpty
        }
        return try Pages.render(
            "requests", title: "Permohonan", signedIn: person, active: "/permohonan",
            taskCount: try await context.taskCount(person), page: page)
    }

    // MARK: One request

    struct RequestView: Sendable {
        struct Action: Sendable {
            let step: String
            let what: String
            let how: String?
            let deadline: String
            let overdue: Bool
            let form: StepForm?
        }

        var done: String? = nil
        var error: String? = nil

        let requestId: String
        let title: String
        let agency: String
        let profileName: String
        let stateLabel: String
        let history: [String]
        let action: Action?
        let waitingOn: String?
        struct Document: Sendable {
            let documentId: String
            let owner: String
            let title: String
            let number: String
            let state: String
            let created: String
        }

        let steps: [StepLine]
        let overall: StepLine?
        let mayReadReport: Bool
        let documents: [Document]
        struct Attachment: Sendable {
            let attachmentId: String
            let name: String
            let kind: String
            let size: String
            let sha256: String
        }

        let attachments: [Attachment]
        /// The producer's upload form for the steps' documents.
        struct AttachForm: Sendable {
            let csrf: String
            let errors: [String: String]
        }

        var attach: AttachForm? = nil
        /// The producer may withdraw a request that is still open.
        var withdraw: AttachForm? = nil
        struct HubDataset: Sendable {
            let datasetId: String
            let name: String
            let producer: Bool
        }

        struct Justify: Sendable {
            let step: String
            let phase: String
            let startedAt: String
            let deviation: String
            let csrf: String
        }

        struct TestRun: Sendable {
            let ranAt: String
            let passed: Bool
            let checks: [String]
        }

        /// The hub's integration tests of the request (the evidence of SOP step 5), newest first.
        var tests: [TestRun] = []
        var hasTests = false
        /// The agreed contracts, readable as documents.
        var contracts: [String] = []
        /// The deviations this person answers for and has not yet explained (seed 003).
        var justify: [Justify] = []
        /// What the producer changed when it sent a returned request again (latest version against the one before).
        var changes: [String] = []
        var changedVersions: String?
        /// The request's datasets on the hub, once provisioned.
        var hubDatasets: [HubDataset] = []
        var hasHubDatasets = false

        /// A receipt: the delivered results (producer), the report (Kepala Bidang, then Kepala Dinas).
        struct Receipt: Sendable {
            let name: String
            let receiver: String
            let state: String
            let kind: String
            /// The person may acknowledge it now (the form's token).
            let csrf: String?
        }

        var receipts: [Receipt] = []
        var hasReceipts = false
    }

    /// What the hub holds for the request, from one call (`/v1/requests/{id}/endpoints`; nothing
    /// before provisioning): its integration tests newest first, its contracts, and its datasets
    /// whose contract passed a test (the producer's own agency may send records to them).
    static func hub(of requestId: String, agency: String?, as person: SignedIn, context: WorkspaceContext)
        async throws -> (tests: [RequestView.TestRun], contracts: [String], datasets: [RequestView.HubDataset])
    {
        struct Provisioning: Decodable {
            struct Endpoint: Decodable {
                let contractId: String
                let dataset: String
                let datasetId: String?
            }
            struct Test: Decodable {
                let contractId: String
                let passed: Bool
                let checks: [String]
                let evidence: [IntegrationCheck]?
                let ranAt: Date
            }
            let endpoints: [Endpoint]
            let integrationTests: [Test]
        }
        let reply = try await context.services.submit(
            "GET", .provisioning, "/v1/requests/\(requestId)/endpoints", as: person)
        guard reply.status == 200, let found = try? ServiceCalls.decoder.decode(Provisioning.self, from: reply.data)
        else { return ([], [], []) }
        let runs = found.integrationTests.sorted { $0.ranAt > $1.ranAt }.map { test in
            RequestView.TestRun(
                ranAt: WIB.format(test.ranAt), passed: test.passed,
                checks: test.evidence.map { evidence in
                    evidence.map { "\($0.passed ? "lulus" : "GAGAL") · \($0.dataset) · \($0.check): \($0.detail)" }
                } ?? test.checks)
        }
        var contracts: [String] = []
        for test in found.integrationTests where !contracts.contains(test.contractId) {
            contracts.append(test.contractId)
        }
        let passed = Set(found.integrationTests.filter(\.passed).map(\.contractId))
        let producer = person.account.role == .producer && person.account.agencyCode == agency
        let datasets = found.endpoints.compactMap { endpoint -> RequestView.HubDataset? in
            guard let id = endpoint.datasetId, passed.contains(endpoint.contractId) else { return nil }
            return RequestView.HubDataset(datasetId: id, name: endpoint.dataset, producer: producer)
        }
        return (runs, contracts, datasets)
    }

    struct Diff: Decodable {
        struct Change: Decodable {
            let path: String
            let change: String
            let from: String?
            let to: String?
        }
        let fromVersion: Int
        let toVersion: Int
        let changes: [Change]
    }

    /// The latest revision's changes, when the request was sent again after a return (nil before).
    static func revision(of requestId: String, as person: SignedIn, context: WorkspaceContext) async throws -> Diff? {
        let reply = try await context.services.submit("GET", .intake, "/v1/requests/\(requestId)/diff", as: person)
        guard reply.status == 200, let diff = try? ServiceCalls.decoder.decode(Diff.self, from: reply.data),
            diff.toVersion > diff.fromVersion
        else { return nil }
        return diff
    }

    /// One change in words.
    static func change(_ change: Diff.Change) -> String {
        let what =
            switch change.change {
            case "dataset_added": "dataset ditambahkan"
            case "dataset_removed": "dataset dihapus"
            case "field_added": "kolom ditambahkan"
            case "field_removed": "kolom dihapus"
            case "primary_key_changed": "kunci utama diubah"
            case "type_changed": "tipe diubah"
            case "required_changed": "wajib/tidak wajib diubah"
            default: change.change
            }
        let values = [change.from, change.to].compactMap { $0 }
        let detail =
            change.from != nil && change.to != nil
            ? ": \(change.from ?? "") → \(change.to ?? "")" : values.isEmpty ? "" : " (\(values[0]))"
        return "\(change.path): \(what)\(detail)"
    }

    static let documentStates = ["draft": "konsep", "verified": "diparaf", "signed": "ditandatangani"]

    @Sendable func request(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person()
        let done = request.uri.queryParameters["selesai"].flatMap { StepFormsController.done(String($0)) }
        return try await renderRequest(
            try Self.requestId(request, routeContext), person: person, outcome: nil, done: done)
    }

    /// The request's page; with `outcome`, the refused form's errors beside its fields.
    func renderRequest(
        _ requestId: String, person: SignedIn, outcome: FormOutcome?, done: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        // A consumer agency reads datasets, not the producer's requests: as for another agency, no such page.
        guard person.account.role != .consumer else { throw PageError.notFound }
        let detail = try await context.services.get(
            Reads.RequestDetail.self, .reporting, "/v1/requests/\(requestId)", as: person)
        let steps = try await context.services.get(
            Reads.Steps.self, .reporting, "/v1/requests/\(requestId)/steps", as: person)
        var people = Set(detail.timeline.map(\.actor.id))
        for step in steps.steps { if let id = step.responsible?.id { people.insert(id) } }
        for receipt in steps.receipts ?? [] { if let id = receipt.acknowledgedBy { people.insert(id) } }
        let names = try await context.sessions.fullNames(people)
        let history = detail.timeline.map { entry in
            "\(EventType.label(of: entry.type)) oleh \(Self.who(entry.actor, names)) pada \(Indonesian.moment(entry.occurredAt))."
        }
        let open = steps.steps.filter { $0.endedAt == nil }
        let mine = open.first { $0.role == person.account.role }
        var action: RequestView.Action?
        if let step = mine {
            let (what, how) = Self.action(step.phase, requestId: requestId)
            let form = try await StepForm.make(
                step.phase, requestId: requestId, person: person, outcome: outcome, context: context)
            action = RequestView.Action(
                step: Self.stepName(step.step, step.name), what: what,
                how: form == nil ? how : nil,
                deadline: StepLine.deadlineText(step.deadline, provisional: step.provisional),
                overdue: step.status == "overdue", form: form)
        }
        let waitingOn =
            mine == nil
            ? open.first.map { "Menunggu \($0.role.label): \(Self.stepName($0.step, $0.name))." } : nil
        func line(_ step: Reads.Steps.Step) -> StepLine {
            StepLine(
                step: step.step, name: step.name, role: step.role, deadline: step.deadline,
                provisional: step.provisional, withinTarget: step.withinTarget, responsible: step.responsible,
                deviations: step.deviations,
                justification: step.justification.map {
                    "\($0.justification) — \(names[$0.justifiedBy.id] ?? $0.justifiedBy.id)"
                },
                status: step.status, startedAt: step.startedAt, endedAt: step.endedAt, standard: step.standardLabel,
                usedPercent: step.usedPercent, open: "berjalan", names: names)
        }
        let view = RequestView(
            requestId: requestId, title: detail.request.title ?? "Permohonan \(requestId.prefix(8))",
            agency: detail.request.agencyCode ?? "–", profileName: steps.profileName ?? steps.profile,
            stateLabel: detail.request.state.label, history: history, action: action, waitingOn: waitingOn,
            steps: steps.steps.map(line), overall: steps.overall.map(line),
            mayReadReport: person.account.role != .consumer,
            documents: try await DocumentsController.documents(of: requestId, as: person, context: context).map {
                .init(
                    documentId: $0.documentId, owner: $0.owner ?? "intake", title: $0.title, number: $0.number,
                    state: Self.documentStates[$0.state] ?? $0.state, created: WIB.format($0.createdAt))
            },
            attachments: try await DocumentsController.attachments(of: requestId, as: person, context: context).map {
                .init(
                    attachmentId: $0.attachmentId, name: $0.fileName,
                    kind: $0.kind == "dokumen_aplikasi"
                        ? "Dokumen data dan informasi aplikasi" : "Dokumen tertulis data",
                    size: "\(Indonesian.number(Double($0.sizeBytes) / 1024)) KB",
                    sha256: String($0.sha256.prefix(16)))
            })
        var page = view
        (page.tests, page.contracts, page.hubDatasets) = try await Self.hub(
            of: requestId, agency: detail.request.agencyCode, as: person, context: context)
        page.hasHubDatasets = !page.hubDatasets.isEmpty
        page.hasTests = !page.tests.isEmpty
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        page.justify = steps.steps.filter { step in
            let deviates = step.status == "late" || step.status == "overdue" || !step.deviations.isEmpty
            let answers =
                step.responsible.map { $0.id == person.account.name }
                ?? (step.endedAt == nil && step.role == person.account.role)
            return deviates && answers && step.justification == nil
        }.map { step in
            .init(
                step: Self.stepName(step.step, step.name), phase: step.phase.rawValue,
                // Rounded to the millisecond reporting wrote, so the time goes back as it came.
                startedAt: formatter.string(from: step.startedAt.addingTimeInterval(0.0005)),
                deviation: step.deviations.isEmpty ? "melewati standar waktu" : step.deviations.joined(separator: "; "),
                csrf: person.csrf)
        }
        if let diff = try await Self.revision(of: requestId, as: person, context: context) {
            page.changedVersions = "versi \(diff.fromVersion) → \(diff.toVersion)"
            page.changes = diff.changes.map(Self.change)
        }
        page.receipts = (steps.receipts ?? []).map { line in
            let days = Indonesian.number(line.workingDays)
            let state =
                line.acknowledgedAt.map {
                    "diterima \(WIB.format($0)) oleh \(line.acknowledgedBy.map { names[$0] ?? $0 } ?? "–") · \(days) hari kerja sejak \(WIB.format(line.startedAt))"
                } ?? "belum dikonfirmasi · menunggu sejak \(WIB.format(line.startedAt)) (\(days) hari kerja)"
            return .init(
                name: line.name, receiver: line.role.label, state: state, kind: line.kind,
                csrf: line.acknowledgedAt == nil && line.role == person.account.role ? person.csrf : nil)
        }
        page.hasReceipts = !page.receipts.isEmpty
        page.done = done
        page.error = outcome?.error
        if person.account.role == .producer, !detail.request.state.isClosed {
            page.attach = .init(csrf: person.csrf, errors: outcome?.action == "lampiran" ? outcome?.fields ?? [:] : [:])
            page.withdraw = .init(csrf: person.csrf, errors: outcome?.action == "tarik" ? outcome?.fields ?? [:] : [:])
        }
        return try Pages.render(
            "request", title: view.title, signedIn: person, active: "/permohonan",
            taskCount: try await context.taskCount(person), page: page, status: status)
    }

    /// A person by name and position when the workspace knows them, else the account name.
    static func who(_ actor: ActorReference, _ names: [String: String]) -> String {
        if actor.role == .system { return "sistem (\(actor.id))" }
        return names[actor.id] ?? "\(actor.id) (\(actor.role.label))"
    }

    /// What the person does now in the step of `phase`, and how until its form arrives (the forms
    /// issue puts a form behind each of these).
    static func action(_ phase: Phase, requestId: String) -> (what: String, how: String) {
        func api(_ service: String, _ call: String) -> String {
            "Formulirnya menyusul; sementara ini langkah ini dijalankan melalui API layanan \(service): \(call)."
        }
        let path = "/v1/requests/\(requestId)"
        switch phase {
        case .disposition:
            return (
                "Beri disposisi kepada tim teknis (lembar disposisi), atau tolak permohonan dengan alasan.",
                api("intake", "POST \(path)/disposition, atau POST \(path)/decline dengan alasan")
            )
        case .definition, .evaluation:
            return (
                "Kaji definisi data dan hasil kajian otomatis, lalu setujui atau kembalikan ke OPD.",
                api("evaluation", "POST \(path)/decision")
            )
        case .revision, .request:
            return (
                "Perbaiki permohonan sesuai catatan pengembalian dan ajukan kembali.", api("intake", "PUT \(path)")
            )
        case .interchangeDocument, .assignment, .design, .build:
            return ("Catat dokumen langkah ini sebagai selesai.", api("evaluation", "POST \(path)/steps"))
        case .fix:
            return (
                "Muat daftar referensi yang kurang, lalu jalankan ulang uji integrasi.",
                api("provisioning", "POST \(path)/integration-test")
            )
        case .delivery:
            return ("Serahkan hasil integrasi kepada OPD produsen.", api("provisioning", "POST \(path)/delivery"))
        case .handOver:
            return ("Serah terima hasil integrasi.", api("provisioning", "POST \(path)/hand-over"))
        case .producerValidation:
            return (
                "Periksa data hasil integrasi: uji mutu dan rekonsiliasi dengan sistem Anda.",
                api("validation", "POST \(path)/reconciliations")
            )
        case .finalEvaluation:
            return (
                "Terima hasil integrasi atau kembalikan ke evaluasi, berdasarkan hasil pemeriksaan.",
                api("validation", "POST \(path)/decision")
            )
        case .headReview:
            return (
                "Nilai data terintegrasi: setujui, atau kembalikan ke langkah 3.",
                api("validation", "POST \(path)/head-review")
            )
        case .apiPreparation, .integrationTest, .report:
            return ("Langkah ini berjalan otomatis; tidak ada yang perlu Anda lakukan.", "")
        }
    }

    static func requestId(_ request: Request, _ routeContext: WorkspaceRequestContext) throws -> String {
        guard let id = routeContext.parameters.get("id"), UUIDText.isValid(id) else { throw PageError.notFound }
        return id.lowercased()
    }

    // MARK: Reports, passed on from reporting

    @Sendable func report(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer, .head, .supervisor, .technical, .admin])
        let requestId = try Self.requestId(request, routeContext)
        let reply = try await context.services.raw("GET", .reporting, "/v1/requests/\(requestId)/report", as: person)
        return Self.passOn(reply, type: "text/html; charset=utf-8")
    }

    @Sendable func reportPDF(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer, .head, .supervisor, .technical, .admin])
        let requestId = try Self.requestId(request, routeContext)
        let reply = try await context.services.raw(
            "GET", .reporting, "/v1/requests/\(requestId)/report.pdf", as: person)
        var response = Self.passOn(reply, type: "application/pdf")
        response.headers[.contentDisposition] = "inline; filename=\"laporan-\(requestId.prefix(8)).pdf\""
        return response
    }

    static func passOn(_ reply: JembatanClientReply, type: String) -> Response {
        var headers: HTTPFields = [.contentType: reply.header("Content-Type") ?? type]
        Pages.secure(&headers)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.data)))
    }
}
