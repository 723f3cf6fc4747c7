import JembatanShared

/// The automated part of the technical review of a proposed structure (SOP step 3).
///
/// `blocking` findings return the request to the producer; the others are advice carried in the contract.
enum TechnicalReview {
    static let knownTypes: Set<String> = ["string", "text", "integer", "decimal", "boolean", "date", "datetime", "region_code"]
    /// Field names that usually hold data about a person (Indonesian and English).
    static let personalDataHints = ["nik", "no_kk", "tanggal_lahir", "tgl_lahir", "birth", "alamat", "address", "telepon", "phone", "no_hp", "email",
                                    "nama_lengkap", "nama_pasien", "nama_penduduk", "nama_pegawai", "full_name"]
    /// Exact names that are personal on their own.
    static let personalDataNames: Set<String> = ["nama", "name"]

    static func findings(for datasets: [DatasetDefinition]) -> [ReviewFinding] {
        var findings: [ReviewFinding] = []
        for dataset in datasets {
            let fieldNames = Set(dataset.fields.map(\.name))
            if dataset.primaryKey.isEmpty {
                findings.append(.init(severity: "blocking", dataset: dataset.name, field: nil, rule: "missing_primary_key",
                                      message: "declare the field(s) that identify a record, so the hub can upsert by key"))
            }
            for key in dataset.primaryKey where !fieldNames.contains(key) {
                findings.append(.init(severity: "blocking", dataset: dataset.name, field: key, rule: "unknown_primary_key_field",
                                      message: "primary key field '\(key)' is not among the dataset's fields"))
            }
            for field in dataset.fields {
                if !knownTypes.contains(field.type.lowercased()) {
                    findings.append(.init(severity: "blocking", dataset: dataset.name, field: field.name, rule: "invalid_type",
                                          message: "type '\(field.type)' is not one of \(knownTypes.sorted().joined(separator: ", "))"))
                }
                if !isSnakeCase(field.name) {
                    findings.append(.init(severity: "warning", dataset: dataset.name, field: field.name, rule: "naming",
                                          message: "use lower snake case field names"))
                }
                let lowered = field.name.lowercased()
                if personalDataNames.contains(lowered) || personalDataHints.contains(where: { lowered.contains($0) }) {
                    findings.append(.init(severity: "warning", dataset: dataset.name, field: field.name, rule: "personal_data",
                                          message: "likely personal data: classify the dataset as restricted and mask this field for consumers"))
                }
            }
        }
        return findings
    }

    static func isSnakeCase(_ text: String) -> Bool {
        guard let first = text.first, first.isLowercase else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }
}
