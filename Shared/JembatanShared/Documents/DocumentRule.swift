/// The kinds of documents of record (naskah dinas) Jembatan issues, and who owns each.
public enum DocumentKind {
    /// Step 1's request letter (intake).
    public static let requestLetter = "surat_permohonan"
    /// The head's disposition sheet (intake).
    public static let dispositionSheet = "lembar_disposisi"
    /// The integration report of a completed request (reporting; Kaltim step 12).
    public static let integrationReport = "laporan_integrasi"
    /// The integration formulation the technical team writes after agreeing (evaluation; Kaltim
    /// step 4, "Dokumen Rumusan Integrasi Data").
    public static let integrationFormulation = "dokumen_rumusan_integrasi"
    /// The producer's validation result report, on acceptance (validation; Kaltim step 9, "Laporan hasil validasi").
    public static let validationReport = "laporan_hasil_validasi"
    /// The hand-over record (berita acara serah terima; provisioning; Kaltim step 10, the laboratory's step 11).
    public static let handOverRecord = "berita_acara_serah_terima"

    /// Every kind with its title as printed.
    public static let titles: [String: String] = [
        requestLetter: "Surat Permohonan", dispositionSheet: "Lembar Disposisi",
        integrationReport: "Laporan Hasil Integrasi Data", integrationFormulation: "Dokumen Rumusan Integrasi Data",
        validationReport: "Laporan Hasil Validasi", handOverRecord: "Berita Acara Serah Terima",
    ]
}

/// Who verifies (paraf) and who signs a kind of document: profiles name them per document
/// (`documents` in a profile's JSON); ``standard`` holds the rules where a profile names none.
public struct DocumentRule: Codable, Sendable, Equatable {
    /// The kind of document.
    public var kind: String
    /// The phase whose output the document is: its step is where a missing or unsigned document
    /// shows as a deviation.
    public var phase: Phase
    /// The role that verifies it (paraf) before signature; nil when it goes straight to signature.
    public var verifier: Role?
    /// The role that signs it.
    public var signer: Role

    /// A rule.
    public init(kind: String, phase: Phase, verifier: Role?, signer: Role) {
        self.kind = kind
        self.phase = phase
        self.verifier = verifier
        self.signer = signer
    }

    /// The rules where a profile names none: the letter is signed by the agency's operator on the
    /// agency's behalf, the sheet by the head who wrote it; the report is verified by the Kepala
    /// Bidang and signed by the Kepala Dinas ("dilaporkan ke Kepala Bidang dan diteruskan ke Kepala Dinas").
    public static let standard: [DocumentRule] = [
        DocumentRule(kind: DocumentKind.requestLetter, phase: .request, verifier: nil, signer: .producer),
        DocumentRule(kind: DocumentKind.dispositionSheet, phase: .disposition, verifier: nil, signer: .head),
        DocumentRule(kind: DocumentKind.integrationReport, phase: .report, verifier: .supervisor, signer: .head),
        DocumentRule(
            kind: DocumentKind.integrationFormulation, phase: .interchangeDocument, verifier: .technical,
            signer: .supervisor),
        DocumentRule(kind: DocumentKind.validationReport, phase: .finalEvaluation, verifier: nil, signer: .producer),
        DocumentRule(kind: DocumentKind.handOverRecord, phase: .handOver, verifier: .technical, signer: .supervisor),
    ]
}

/// The page of a document whose content is a list of labelled facts (the step documents: the
/// integration formulation, the validation result report, the hand-over record), from the shared
/// `record-document` template.
public enum RecordDocumentPage {
    struct Line: Sendable {
        let label: String
        let value: String
    }

    struct View: Sendable {
        let title: String
        let number: String
        let heading: String
        let opening: String?
        let lines: [Line]
        let closing: String?
        let state: String
    }

    static let views = Result { try PageViews(roleTemplates: nil) }
    static let states = ["draft": "konsep", "verified": "diparaf", "signed": "ditandatangani"]

    /// The page of `document`: `heading`, an opening sentence, each (label, body key) present in its body, a closing sentence.
    public static func render(
        _ document: StoredDocument, heading: String, opening: String? = nil, lines: [(String, String)],
        closing: String? = nil
    ) throws -> String {
        try views.get().render(
            "record-document",
            View(
                title: document.title, number: document.number, heading: heading, opening: opening,
                lines: lines.compactMap { label, key in document.body[key].map { Line(label: label, value: $0) } },
                closing: closing, state: states[document.state] ?? document.state))
    }
}

/// The number line printed under a document whose page is stored as it was published (the
/// integration report), from the shared `number-line` template.
public enum DocumentNumberLine {
    struct View: Sendable {
        let number: String
        let state: String
    }

    /// `page` with the number line before its closing body tag.
    public static func inserted(into page: String, number: String, state: String) throws -> String {
        let line = try RecordDocumentPage.views.get().render(
            "number-line", View(number: number, state: RecordDocumentPage.states[state] ?? state))
        guard let end = page.range(of: "</body>", options: .backwards) else { return page + line }
        return page.replacingCharacters(in: end, with: line + "</body>")
    }
}
