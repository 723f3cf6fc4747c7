import Foundation

// The procedure's vocabulary in one place. Raw values are the wire format (JSON bodies, events,
// AsyncAPI and OpenAPI documents, database columns) and never change; labels are what the
// people who run the procedure read.

/// Where a request stands, as the read model, the dashboard and the reports say it.
public enum RequestState: String, Codable, Sendable, CaseIterable {
    case submitted, dispositioned, resubmitted, withdrawn
    /// The head declined it with a reason: closed before any evaluation.
    case declined
    case underEvaluation = "under_evaluation"
    case returned, provisioning
    case integrationTested = "integration_tested"
    case integrationTestFailed = "integration_test_failed"
    case provisioned, validating, completed, reopened
    /// Between the agreement and the API: the interchange document (and the laboratory's design and build).
    case preparing
    /// The producer accepted; the hand-over (and the head's review) follow.
    case accepted
    /// The results document was handed over; the head's review follows.
    case handedOver = "handed_over"

    /// The state in Bahasa Indonesia.
    public var label: String {
        switch self {
        case .submitted: "diajukan"
        case .dispositioned: "didisposisi"
        case .resubmitted: "diajukan ulang"
        case .withdrawn: "ditarik"
        case .declined: "ditolak"
        case .underEvaluation: "dievaluasi"
        case .returned: "dikembalikan"
        case .provisioning: "penyiapan API"
        case .integrationTested: "uji integrasi lulus"
        case .integrationTestFailed: "uji integrasi gagal"
        case .provisioned: "API siap"
        case .validating: "validasi"
        case .completed: "selesai"
        case .reopened: "dibuka kembali"
        case .preparing: "penyusunan dokumen"
        case .accepted: "diterima OPD"
        case .handedOver: "diserahterimakan"
        }
    }

    /// Completed, withdrawn or declined: no step is open any more.
    public var isClosed: Bool { self == .completed || self == .withdrawn || self == .declined }

    /// The label of a state stored as text (the text itself when it is not a known state).
    public static func label(of text: String) -> String { RequestState(rawValue: text)?.label ?? text }
}

/// How much a technical-review finding weighs.
public enum FindingSeverity: String, Codable, Sendable, CaseIterable {
    /// Must be resolved before the team can agree.
    case blocking
    /// Advice carried into the contract.
    case warning
    /// For information.
    case info

    /// The severity in Bahasa Indonesia.
    public var label: String {
        switch self {
        case .blocking: "menghalangi"
        case .warning: "peringatan"
        case .info: "informasi"
        }
    }
}

/// The technical team's decision on a proposed structure (SOP step 3).
public enum ReviewDecision: String, Codable, Sendable, CaseIterable {
    case agree
    case `return`
}

/// The producer's final evaluation (SOP step 9).
public enum FinalDecision: String, Codable, Sendable, CaseIterable {
    case accept, reject
}

/// The kind of a contract field (its declared `type`).
public enum FieldKind: String, Codable, Sendable, CaseIterable {
    case string, text, integer, decimal, boolean, date, datetime
    case regionCode = "region_code"
}

/// A phase of the procedure, whatever number an institution's SOP gives its step. Profiles keep
/// their own numbered steps as data and map each onto one or more phases.
public enum Phase: String, Codable, Sendable, CaseIterable {
    case request, disposition, definition, evaluation
    case interchangeDocument = "interchange_document"
    case apiPreparation = "api_preparation"
    case integrationTest = "integration_test"
    case delivery
    case producerValidation = "producer_validation"
    case finalEvaluation = "final_evaluation"
    case headReview = "head_review"
    case report
    // The laboratory's in-house development procedure (SOP 000).
    case assignment, design, build, fix
    case handOver = "hand_over"
    /// The producer revises a returned request: its own time, not the technical team's.
    case revision

    /// The phases the services drive for every request: each profile covers all of them.
    public static let required: [Phase] = [
        .request, .disposition, .definition, .evaluation, .revision, .interchangeDocument, .apiPreparation,
        .integrationTest, .fix, .delivery, .producerValidation, .finalEvaluation, .report,
    ]

    /// Phases the technical team (or the profile's actor) records as done in evaluation, between the
    /// disposition and the API: they have no other event that ends them.
    public static let recorded: Set<Phase> = [.assignment, .interchangeDocument, .design, .build]

    /// The phase in Bahasa Indonesia.
    public var label: String {
        switch self {
        case .request: "Permohonan"
        case .disposition: "Disposisi"
        case .definition: "Definisi data"
        case .evaluation: "Evaluasi teknis"
        case .interchangeDocument: "Dokumen interchange"
        case .apiPreparation: "Penyiapan API"
        case .integrationTest: "Uji integrasi"
        case .delivery: "Penyerahan hasil"
        case .producerValidation: "Validasi oleh OPD"
        case .finalEvaluation: "Evaluasi akhir"
        case .headReview: "Telaah Kepala Dinas"
        case .report: "Laporan"
        case .assignment: "Arahan"
        case .design: "Perancangan"
        case .build: "Pembangunan"
        case .fix: "Perbaikan"
        case .handOver: "Serah terima"
        case .revision: "Revisi oleh OPD"
        }
    }
}

/// A state a role keeps in a text column. Reading an unknown value is an error, never a guess.
public protocol StoredState: RawRepresentable, Sendable, Codable where RawValue == String {}

extension StoredState {
    /// The state read from its column.
    public init(stored text: String) throws {
        guard let state = Self(rawValue: text) else { throw UnknownStoredValue(type: "\(Self.self)", value: text) }
        self = state
    }
}

/// A column held a value the code does not know (a migration or a newer version wrote it).
public struct UnknownStoredValue: Error, CustomStringConvertible {
    /// The type that was read.
    public let type: String
    /// The text the column held.
    public let value: String
    /// The type and the value, in one sentence.
    public var description: String { "unknown \(type) '\(value)' in the database" }
}

extension RequestState: StoredState {}
extension Phase: StoredState {}
extension Role: StoredState {}

extension Role {
    /// The role as the offices name it.
    public var label: String {
        switch self {
        case .producer: "Produsen Data (OPD)"
        case .head: "Kepala Dinas"
        case .supervisor: "Kepala Bidang"
        case .technical: "Tim Teknis"
        case .consumer: "OPD pengguna data"
        case .admin: "Admin"
        case .system: "Sistem"
        }
    }
}
