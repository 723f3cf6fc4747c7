import Foundation

/// One institution's version of the procedure: its steps, their standard durations ("Mutu Baku —
/// Waktu") and the inputs a request must carry ("Kelengkapan"). Profiles are data
/// (``SOPProfileCatalog``); a request pins the id and version it started with.
public struct SOPProfile: Codable, Sendable, Equatable {
    /// How a standard duration is counted.
    public enum Unit: String, Codable, Sendable {
        /// Monday–Friday minus national holidays and cuti bersama.
        case workingDays = "working_days"
        /// Calendar months (the SOPs' "1 bulan").
        case months
        /// Minutes (the laboratory's in-house procedure).
        case minutes
    }

    /// A standard duration.
    public struct Duration: Codable, Sendable, Equatable {
        /// How many units.
        public var value: Int
        /// The unit.
        public var unit: Unit
    }

    /// One step of the procedure.
    public struct Step: Codable, Sendable, Equatable {
        /// Step number as in SYSTEM.md §1.
        public var number: Int
        /// The SOP's name for it.
        public var name: String
        /// Who does it.
        public var role: Role
        /// The standard duration; nil where the SOP sets none.
        public var standard: Duration?
        /// The phases of the procedure this step covers.
        public var phases: [Phase]

        /// A short name for charts and tables: the label of the step's first phase.
        public var shortName: String { phases.first?.label ?? name }
    }

    /// The step numbered `number`, if the profile has it.
    public func step(_ number: Int) -> Step? { steps.first { $0.number == number } }

    /// The number of the step that covers `phase`; nil when this profile has no such phase.
    public func stepNumber(of phase: Phase) -> Int? { steps.first { $0.phases.contains(phase) }?.number }

    /// Profile id, e.g. `pasuruan`.
    public var id: String
    /// Version of this profile's data; requests pin it.
    public var version: Int
    /// Institution and SOP number.
    public var name: String
    /// Inputs a submission must carry (see ``RequiredInput``).
    public var requiredInputs: [RequiredInput]
    /// The steps in order.
    public var steps: [Step]
}

/// An input the completeness check can require.
public enum RequiredInput: String, Codable, Sendable, CaseIterable {
    case purpose, legalBasis, contactPerson, intendedConsumers, attachments, classification, updateFrequency, primaryKey
}

/// The shipped profiles (Pasuruan is the default).
public enum SOPProfileCatalog {
    /// Every profile, by id.
    public static let all: [String: SOPProfile] = {
        let decoded = try! JSONDecoder().decode([SOPProfile].self, from: Data(profilesJSON.utf8))
        return Dictionary(uniqueKeysWithValues: decoded.map { ($0.id, $0) })
    }()

    /// The profile used when a request names none.
    public static let defaultProfileID = "pasuruan"

    /// The default profile.
    public static var defaultProfile: SOPProfile { all[defaultProfileID]! }

    /// The numbering the read model, the dashboard and the SLA clock use for a request's step
    /// (SYSTEM.md §1, which the three data-integration SOPs share): the default profile's.
    public static var readModelSteps: SOPProfile { defaultProfile }

    /// The profile `id`, if it exists.
    public static func profile(_ id: String) -> SOPProfile? { all[id] }

    /// The data: SOP 003 Pasuruan, SOP 001 Kaltim, SOP 002 Sragen, SOP 000 laboratory (seeds/).
    static let profilesJSON = """
        [
          {"id": "pasuruan", "version": 1, "name": "Diskominfo Kabupaten Pasuruan (SOP 003)",
           "requiredInputs": ["purpose", "legalBasis", "contactPerson", "intendedConsumers", "classification", "updateFrequency"],
           "steps": [
            {"number": 1, "name": "Permohonan integrasi dan disposisi", "role": "producer", "standard": {"value": 1, "unit": "working_days"}, "phases": ["request", "disposition"]},
            {"number": 2, "name": "Penyerahan definisi data", "role": "producer", "standard": {"value": 1, "unit": "working_days"}, "phases": ["definition"]},
            {"number": 3, "name": "Evaluasi skenario integrasi", "role": "technical", "standard": {"value": 1, "unit": "months"}, "phases": ["evaluation"]},
            {"number": 4, "name": "Evaluasi kebutuhan data dan dokumen interchange", "role": "technical", "standard": {"value": 1, "unit": "months"}, "phases": ["interchange_document"]},
            {"number": 5, "name": "Penyiapan API pada server pusat", "role": "technical", "standard": {"value": 1, "unit": "months"}, "phases": ["api_preparation"]},
            {"number": 6, "name": "Uji unit integrasi", "role": "technical", "standard": null, "phases": ["integration_test"]},
            {"number": 7, "name": "Penyampaian hasil integrasi", "role": "supervisor", "standard": {"value": 1, "unit": "working_days"}, "phases": ["delivery"]},
            {"number": 8, "name": "Pemeriksaan dan pemutakhiran sistem OPD", "role": "producer", "standard": {"value": 3, "unit": "working_days"}, "phases": ["producer_validation"]},
            {"number": 9, "name": "Evaluasi akhir", "role": "producer", "standard": {"value": 1, "unit": "working_days"}, "phases": ["final_evaluation"]},
            {"number": 10, "name": "Dasbor dan laporan akhir", "role": "supervisor", "standard": null, "phases": ["report", "head_review"]}]},
          {"id": "kaltim", "version": 1, "name": "Diskominfo Provinsi Kalimantan Timur (SOP 001)",
           "requiredInputs": ["purpose", "legalBasis", "contactPerson", "intendedConsumers", "classification", "updateFrequency"],
           "steps": [
            {"number": 1, "name": "Permohonan integrasi dan disposisi", "role": "producer", "standard": {"value": 1, "unit": "working_days"}, "phases": ["request", "disposition"]},
            {"number": 2, "name": "Penyerahan definisi data", "role": "producer", "standard": {"value": 1, "unit": "working_days"}, "phases": ["definition"]},
            {"number": 3, "name": "Evaluasi skenario integrasi", "role": "technical", "standard": {"value": 1, "unit": "months"}, "phases": ["evaluation"]},
            {"number": 4, "name": "Evaluasi kebutuhan data dan dokumen interchange", "role": "technical", "standard": {"value": 1, "unit": "months"}, "phases": ["interchange_document"]},
            {"number": 5, "name": "Penyiapan API pada server pusat", "role": "technical", "standard": {"value": 1, "unit": "months"}, "phases": ["api_preparation"]},
            {"number": 6, "name": "Penyimpanan dan uji unit integrasi", "role": "technical", "standard": {"value": 3, "unit": "working_days"}, "phases": ["integration_test"]},
            {"number": 7, "name": "Penyampaian hasil integrasi", "role": "supervisor", "standard": {"value": 2, "unit": "working_days"}, "phases": ["delivery"]},
            {"number": 8, "name": "Pemeriksaan dan pemutakhiran sistem OPD", "role": "producer", "standard": {"value": 2, "unit": "working_days"}, "phases": ["producer_validation"]},
            {"number": 9, "name": "Evaluasi akhir", "role": "producer", "standard": {"value": 1, "unit": "working_days"}, "phases": ["final_evaluation"]},
            {"number": 10, "name": "Dasbor dan laporan akhir", "role": "supervisor", "standard": {"value": 6, "unit": "working_days"}, "phases": ["report", "head_review"]}]},
          {"id": "sragen", "version": 1, "name": "Diskominfo Kabupaten Sragen (SOP 002)",
           "requiredInputs": ["purpose", "legalBasis", "contactPerson", "intendedConsumers", "classification", "updateFrequency"],
           "steps": [
            {"number": 1, "name": "Permohonan integrasi dan disposisi", "role": "producer", "standard": {"value": 1, "unit": "working_days"}, "phases": ["request", "disposition"]},
            {"number": 2, "name": "Penyerahan definisi data", "role": "producer", "standard": {"value": 1, "unit": "working_days"}, "phases": ["definition"]},
            {"number": 3, "name": "Evaluasi skenario integrasi", "role": "technical", "standard": {"value": 14, "unit": "working_days"}, "phases": ["evaluation"]},
            {"number": 4, "name": "Evaluasi kebutuhan data dan dokumen interchange", "role": "technical", "standard": {"value": 14, "unit": "working_days"}, "phases": ["interchange_document"]},
            {"number": 5, "name": "Penyiapan API pada server pusat", "role": "technical", "standard": {"value": 14, "unit": "working_days"}, "phases": ["api_preparation"]},
            {"number": 6, "name": "Uji unit integrasi", "role": "technical", "standard": null, "phases": ["integration_test"]},
            {"number": 7, "name": "Penyampaian hasil integrasi", "role": "supervisor", "standard": {"value": 1, "unit": "working_days"}, "phases": ["delivery"]},
            {"number": 8, "name": "Pemeriksaan dan pemutakhiran sistem OPD", "role": "producer", "standard": {"value": 3, "unit": "working_days"}, "phases": ["producer_validation"]},
            {"number": 9, "name": "Evaluasi akhir", "role": "producer", "standard": {"value": 1, "unit": "working_days"}, "phases": ["final_evaluation"]},
            {"number": 10, "name": "Dasbor dan laporan akhir", "role": "supervisor", "standard": null, "phases": ["report", "head_review"]}]},
          {"id": "laboratorium", "version": 1, "name": "Laboratorium Kesehatan (SOP 000, dalam menit)",
           "requiredInputs": ["purpose", "contactPerson"],
           "steps": [
            {"number": 1, "name": "Arahan", "role": "head", "standard": {"value": 5, "unit": "minutes"}, "phases": ["assignment"]},
            {"number": 2, "name": "Definisi data", "role": "producer", "standard": {"value": 15, "unit": "minutes"}, "phases": ["definition"]},
            {"number": 3, "name": "Pemodelan dan verifikasi", "role": "technical", "standard": {"value": 660, "unit": "minutes"}, "phases": ["evaluation"]},
            {"number": 4, "name": "Perancangan", "role": "technical", "standard": {"value": 2250, "unit": "minutes"}, "phases": ["design"]},
            {"number": 5, "name": "Pembangunan", "role": "technical", "standard": {"value": 10350, "unit": "minutes"}, "phases": ["build"]},
            {"number": 6, "name": "Pengujian", "role": "technical", "standard": {"value": 1350, "unit": "minutes"}, "phases": ["integration_test"]},
            {"number": 7, "name": "Perbaikan", "role": "technical", "standard": {"value": 1350, "unit": "minutes"}, "phases": ["fix"]},
            {"number": 8, "name": "Validasi", "role": "producer", "standard": null, "phases": ["producer_validation"]},
            {"number": 9, "name": "Evaluasi akhir", "role": "producer", "standard": null, "phases": ["final_evaluation"]},
            {"number": 10, "name": "Laporan", "role": "supervisor", "standard": {"value": 60, "unit": "minutes"}, "phases": ["report", "hand_over"]}]}
        ]
        """
}
