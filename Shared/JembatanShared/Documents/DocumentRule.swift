/// The kinds of documents of record (naskah dinas) Jembatan issues, and who owns each.
public enum DocumentKind {
    /// Step 1's request letter (intake).
    public static let requestLetter = "surat_permohonan"
    /// The head's disposition sheet (intake).
    public static let dispositionSheet = "lembar_disposisi"
    /// The integration report of a completed request (reporting; Kaltim step 12).
    public static let integrationReport = "laporan_integrasi"

    /// Every kind with its title as printed.
    public static let titles: [String: String] = [
        requestLetter: "Surat Permohonan", dispositionSheet: "Lembar Disposisi",
        integrationReport: "Laporan Hasil Integrasi Data",
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
    ]
}
