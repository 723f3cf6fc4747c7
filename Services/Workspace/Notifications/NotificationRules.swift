import Foundation
import JembatanShared

/// Who a notice reaches: one named account, or every active account of a role (in one agency for
/// producers and consumers).
enum Audience: Sendable, Equatable, Hashable {
    case account(String)
    case role(Role, agency: String?)
}

/// One thing a person is told, in the workspace inbox and by e-mail.
struct Notice: Sendable, Equatable {
    /// What happened, for the list and for telling notices of one event apart (`disposisi`, …).
    var kind: String
    /// Who is told.
    var audiences: [Audience]
    /// The subject line.
    var title: String
    /// What to do, in a few sentences.
    var body: String
    /// Where in the workspace it is done (a path).
    var link: String
    /// The request it is about.
    var requestId: String?
}

/// What the workspace knows of a request from earlier events (its agency, title and the agencies
/// that will read its data).
struct RequestFacts: Sendable, Equatable {
    var agencyCode: String
    var title: String
    var consumers: [String] = []
}

/// The pure rules: which event lands a task on whom, and what they are told. A task goes to the
/// named addressee when there is one, else to every active account of the role (in the agency).
enum NotificationRules {
    /// The events that create a task for somebody.
    static let handledTypes: Set<EventType> = [
        .requestSubmitted, .requestResubmitted, .requestDispositioned, .requestReturned, .requestDeclined,
        .contractAgreed, .apiProvisioned, .integrationTestFailed, .resultsDelivered, .requestAccepted,
        .requestReopened, .slaWarning, .slaBreached, .reportPublished, .deviationJustified, .receiptAcknowledged,
        .resultsHandedOver,
    ]

    static func requestLink(_ requestId: String) -> String { "/permohonan/\(requestId)" }

    /// The producer agency of the request, or nobody when the workspace does not know the request.
    static func producer(_ facts: RequestFacts?) -> [Audience] {
        facts.map { [.role(.producer, agency: $0.agencyCode)] } ?? []
    }

    static func consumers(_ facts: RequestFacts?) -> [Audience] {
        (facts?.consumers ?? []).map { .role(.consumer, agency: $0) }
    }

    static func titled(_ facts: RequestFacts?, _ requestId: String) -> String {
        facts.map { "“\($0.title)”" } ?? "permohonan \(requestId)"
    }
}

extension NotificationRules {
    static func submitted(_ event: RequestSubmitted) -> Notice {
        Notice(
            kind: "diajukan", audiences: [.role(.head, agency: nil)],
            title: "Permohonan baru menunggu disposisi: \(event.title)",
            body:
                "\(event.agencyCode) mengajukan permohonan integrasi data “\(event.title)” (\(event.datasets.count) dataset). Mohon beri disposisi kepada tim teknis atau tolak dengan alasan.",
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    static func resubmitted(_ event: RequestResubmitted, facts: RequestFacts?) -> Notice {
        Notice(
            kind: "diajukan-ulang", audiences: [.role(.technical, agency: nil)],
            title: "Pengajuan ulang (versi \(event.version)): \(facts?.title ?? event.requestId)",
            body:
                "Produsen memperbaiki \(titled(facts, event.requestId)) dan mengajukannya ulang sebagai versi \(event.version). Perubahannya tampil di halaman permohonan; mohon evaluasi kembali.",
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    /// `addressee`: the account the sheet names, when it names one; else the technical team.
    static func dispositioned(_ event: RequestDispositioned, facts: RequestFacts?, addressee: Audience?) -> Notice {
        var lines = ["Kepala Dinas mendisposisikan \(titled(facts, event.requestId)) untuk dievaluasi."]
        if let sheet = event.sheet {
            lines.append("Kepada: \(sheet.addressee). Instruksi: \(sheet.instruction). Sifat: \(sheet.urgency).")
            if let deadline = sheet.deadline { lines.append("Batas waktu: \(WIB.format(deadline)).") }
        } else if !event.note.isEmpty {
            lines.append("Catatan: \(event.note)")
        }
        return Notice(
            kind: "disposisi", audiences: [addressee ?? .role(.technical, agency: nil)],
            title: "Disposisi: \(facts?.title ?? event.requestId)", body: lines.joined(separator: " "),
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    static func returned(_ event: RequestReturned, facts: RequestFacts?) -> Notice {
        let reasons = event.reasons.map { reason in
            reason.field.map { "• \($0): \(reason.message)" } ?? "• \(reason.message)"
        }
        return Notice(
            kind: "dikembalikan", audiences: producer(facts),
            title: "Permohonan dikembalikan untuk diperbaiki: \(facts?.title ?? event.requestId)",
            body: (["Tim teknis mengembalikan \(titled(facts, event.requestId)) dengan alasan:"] + reasons
                + ["Perbaiki lalu ajukan ulang dari halaman permohonan."]).joined(separator: "\n"),
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    static func declined(_ event: RequestDeclined, facts: RequestFacts?) -> Notice {
        Notice(
            kind: "ditolak", audiences: producer(facts),
            title: "Permohonan ditolak: \(facts?.title ?? event.requestId)",
            body: "Kepala Dinas menolak \(titled(facts, event.requestId)). Alasan: \(event.reason)",
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    static func provisioned(_ event: APIProvisioned, facts: RequestFacts?) -> [Notice] {
        let names = event.endpoints.map(\.dataset).joined(separator: ", ")
        var notices = [
            Notice(
                kind: "api-tersedia", audiences: producer(facts),
                title: "API di hub sudah tersedia: \(facts?.title ?? event.requestId)",
                body:
                    "API untuk dataset \(names) sudah disediakan di hub. Ambil kunci tulis di halaman dataset, kirim rekaman, lalu jalankan pemeriksaan mutu.",
                link: requestLink(event.requestId), requestId: event.requestId)
        ]
        if !consumers(facts).isEmpty {
            notices.append(
                Notice(
                    kind: "api-tersedia-konsumen", audiences: consumers(facts),
                    title: "Data baru di hub untuk instansi Anda: \(facts?.title ?? names)",
                    body:
                        "Dataset \(names) dari \(event.agencyCode) sudah tersedia di hub. Kunci baca dan contoh panggilan ada di katalog.",
                    link: "/katalog", requestId: event.requestId))
        }
        return notices
    }

    static func integrationFailed(_ event: IntegrationTested, facts: RequestFacts?) -> Notice {
        let failed = event.checks.filter { !$0.passed }.map { "• \($0.dataset) — \($0.check): \($0.detail)" }
        return Notice(
            kind: "uji-gagal", audiences: [.role(.technical, agency: nil)],
            title: "Uji integrasi gagal: \(facts?.title ?? event.requestId)",
            body: (["Uji integrasi \(titled(facts, event.requestId)) gagal pada:"] + failed
                + ["Perbaiki lalu jalankan ulang uji dari halaman permohonan."]).joined(separator: "\n"),
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    static func delivered(_ event: ResultsDelivered, facts: RequestFacts?) -> [Notice] {
        var notices = [
            Notice(
                kind: "hasil-diserahkan", audiences: producer(facts),
                title: "Hasil integrasi diserahkan — mohon konfirmasi penerimaan: \(facts?.title ?? event.requestId)",
                body:
                    "Kepala Bidang menyerahkan hasil integrasi \(titled(facts, event.requestId)). Konfirmasi penerimaannya di halaman permohonan, lalu periksa mutu data dan terima atau kembalikan ke evaluasi.",
                link: requestLink(event.requestId), requestId: event.requestId)
        ]
        if !consumers(facts).isEmpty {
            notices.append(
                Notice(
                    kind: "hasil-diserahkan-konsumen", audiences: consumers(facts),
                    title: "Data \(facts?.title ?? event.requestId) siap dibaca di hub",
                    body: "Hasil integrasi sudah diserahkan; dataset dapat dibaca dengan kunci baca dari katalog.",
                    link: "/katalog", requestId: event.requestId))
        }
        return notices
    }

    static func accepted(_ event: RequestAccepted, facts: RequestFacts?) -> Notice {
        Notice(
            kind: "diterima", audiences: [.role(.technical, agency: nil)],
            title: "Produsen menerima hasil integrasi: \(facts?.title ?? event.requestId)",
            body:
                "Produsen menerima hasil \(titled(facts, event.requestId))\(event.note.isEmpty ? "" : " dengan catatan: \(event.note)"). Lanjutkan langkah berikutnya di halaman permohonan.",
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    static func reopened(_ event: RequestReopened, facts: RequestFacts?) -> Notice {
        Notice(
            kind: "dibuka-kembali", audiences: [.role(.technical, agency: nil)],
            title: "Dikembalikan ke evaluasi oleh produsen: \(facts?.title ?? event.requestId)",
            body: (["Produsen mengembalikan \(titled(facts, event.requestId)) ke evaluasi:"]
                + event.reasons.map { "• \($0)" }).joined(separator: "\n"),
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    /// `responsible`: the role that acts in the alert's step.
    static func slaAlert(_ event: SLAAlert, facts: RequestFacts?, responsible: Role?) -> Notice {
        let breached = event.threshold >= 100
        var audiences: [Audience] = [.role(.head, agency: nil)]
        if let responsible, responsible != .head {
            let agency = responsible == .producer || responsible == .consumer ? event.agencyCode : nil
            audiences.insert(.role(responsible, agency: agency), at: 0)
        }
        let used = Int(event.usedPercent.rounded())
        return Notice(
            kind: breached ? "sla-terlampaui" : "sla-peringatan", audiences: audiences,
            title:
                "\(breached ? "Batas waktu terlampaui" : "Peringatan batas waktu"): langkah \(event.step) \(facts?.title ?? event.requestId)",
            body:
                "Langkah \(event.step) (\(event.stepName)) telah memakai \(used) % dari standar \(event.standard); batasnya \(WIB.format(event.deadline)).\(breached ? " Mohon segera diselesaikan atau beri penjelasan penyimpangan." : "")",
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    /// The head reads every explanation, except their own.
    static func justified(_ event: DeviationJustified, facts: RequestFacts?) -> Notice? {
        guard event.justifiedBy.role != .head else { return nil }
        return Notice(
            kind: "penyimpangan-dijelaskan", audiences: [.role(.head, agency: nil)],
            title: "Penjelasan penyimpangan langkah \(event.step): \(facts?.title ?? event.requestId)",
            body:
                "\(event.justifiedBy.id) menjelaskan penyimpangan pada \(event.stepName) (\(event.deviations.joined(separator: "; "))):\n\(event.justification)",
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    /// A request's report goes to the Kepala Bidang (who forwards it to the head by acknowledging
    /// it); a periodic one to both, to read.
    static func reportPublished(_ event: ReportPublished) -> Notice {
        guard event.kind == "integration" else {
            return Notice(
                kind: "laporan-terbit", audiences: [.role(.supervisor, agency: nil), .role(.head, agency: nil)],
                title: "Laporan terbit: \(event.title)",
                body: "Laporan “\(event.title)” telah terbit dan tersimpan di menu Laporan.", link: "/laporan",
                requestId: nil)
        }
        return Notice(
            kind: "laporan-terbit", audiences: [.role(.supervisor, agency: nil)],
            title: "Laporan terbit: \(event.title)",
            body:
                "Laporan “\(event.title)” telah terbit dan dilaporkan kepada Kepala Bidang: mohon baca dan konfirmasi penerimaannya (Konfirmasi diterima); laporan lalu diteruskan kepada Kepala Dinas.",
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    /// The Kepala Bidang's receipt forwards the request's report to the head.
    static func acknowledged(_ event: ReceiptAcknowledged, facts: RequestFacts?) -> Notice? {
        guard event.kind == "report", event.acknowledgedBy.role == .supervisor else { return nil }
        return Notice(
            kind: "laporan-diteruskan", audiences: [.role(.head, agency: nil)],
            title: "Laporan diteruskan kepada Kepala Dinas: \(facts?.title ?? event.requestId)",
            body:
                "Kepala Bidang telah menerima laporan hasil integrasi \(titled(facts, event.requestId)) dan meneruskannya kepada Anda: mohon baca dan konfirmasi penerimaannya.",
            link: requestLink(event.requestId), requestId: event.requestId)
    }

    /// The next step's role once a step ends (the profile says who acts): the delivery after the
    /// API, the head's review after the hand-over.
    static func nextStep(
        _ kind: String, title: String, body: String, role: Role?, agency: String?, requestId: String
    ) -> Notice? {
        guard let role else { return nil }
        return Notice(
            kind: kind,
            audiences: [.role(role, agency: role == .producer || role == .consumer ? agency : nil)],
            title: title, body: body, link: requestLink(requestId), requestId: requestId)
    }
}
