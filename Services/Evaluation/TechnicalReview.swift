import JembatanShared

/// The automated part of the technical review of a proposed structure (SOP step 3).
///
/// `blocking` findings must be resolved before the team can agree; `warning` and `info` are
/// advice carried into the contract.
enum TechnicalReview {
    static let knownTypes = FieldKind.allCases.map(\.rawValue).sorted()
    /// Field names that usually hold data about a person (Indonesian and English).
    static let personalDataHints = [
        "nik", "no_kk", "tanggal_lahir", "tgl_lahir", "birth", "alamat", "address", "telepon", "phone", "no_hp",
        "email",
        "nama_lengkap", "nama_pasien", "nama_penduduk", "nama_pegawai", "full_name",
    ]
    /// Exact names that are personal on their own.
    static let personalDataNames: Set<String> = ["nama", "name"]
    /// Names of Kemendagri region-code fields.
    static let regionCodeNames = [
        "kode_wilayah", "kode_provinsi", "kode_kabupaten", "kode_kota", "kode_kecamatan", "kode_desa", "kode_kelurahan",
        "kd_wilayah", "kd_desa", "kd_kec", "kd_kab", "kd_prov",
    ]

    /// A dataset already agreed for another request (so already in the hub).
    struct ExistingDataset {
        let requestId: String
        let dataset: DatasetDefinition
    }

    static func findings(
        for datasets: [DatasetDefinition], existing: [ExistingDataset] = [],
        previousContract: [DatasetDefinition]? = nil
    ) -> [ReviewFinding] {
        var findings: [ReviewFinding] = []
        for dataset in datasets {
            findings += structureFindings(dataset)
            findings += overlapFindings(dataset, existing: existing)
            if let previous = previousContract?.first(where: { $0.name == dataset.name }) {
                findings += breakingChanges(from: previous, to: dataset)
            }
        }
        return findings
    }

    // MARK: - Structure

    static func structureFindings(_ dataset: DatasetDefinition) -> [ReviewFinding] {
        var findings: [ReviewFinding] = []
        let fieldNames = Set(dataset.fields.map(\.name))
        if dataset.primaryKey.isEmpty {
            findings.append(
                .init(
                    severity: .blocking, dataset: dataset.name, field: nil, rule: "missing_primary_key",
                    message: "declare the field(s) that identify a record, so the hub can upsert by key"))
        }
        for key in dataset.primaryKey where !fieldNames.contains(key) {
            findings.append(
                .init(
                    severity: .blocking, dataset: dataset.name, field: key, rule: "unknown_primary_key_field",
                    message: "primary key field '\(key)' is not among the dataset's fields"))
        }
        var hasPersonalData = false
        for field in dataset.fields {
            let lowered = field.name.lowercased()
            if field.kind == nil {
                findings.append(
                    .init(
                        severity: .blocking, dataset: dataset.name, field: field.name, rule: "invalid_type",
                        message: "type '\(field.type)' is not one of \(knownTypes.joined(separator: ", "))"))
            }
            if !isSnakeCase(field.name) {
                findings.append(
                    .init(
                        severity: .warning, dataset: dataset.name, field: field.name, rule: "naming",
                        message: "use lower snake case field names"))
            }
            if field.kind == .text
                && (lowered.hasPrefix("kode_") || lowered.hasPrefix("kd_") || lowered.hasPrefix("id_"))
            {
                findings.append(
                    .init(
                        severity: .warning, dataset: dataset.name, field: field.name, rule: "vague_type",
                        message: "a code is better declared as 'string' (with a pattern) than free 'text'"))
            }
            if personalDataNames.contains(lowered) || personalDataHints.contains(where: { lowered.contains($0) }) {
                hasPersonalData = true
                findings.append(
                    .init(
                        severity: .warning, dataset: dataset.name, field: field.name, rule: "personal_data",
                        message: "likely personal data: mask this field for consumers"))
            }
            if lowered == "nik" || lowered.hasPrefix("nik_") {
                findings.append(
                    .init(
                        severity: .warning, dataset: dataset.name, field: field.name, rule: "nik_format",
                        message:
                            "NIK is 16 digits: declare it as 'string' so leading zeros survive, and restrict access"))
            }
            if field.kind == .regionCode
                || regionCodeNames.contains(where: { lowered == $0 || lowered.hasPrefix($0 + "_") })
            {
                findings.append(
                    .init(
                        severity: .info, dataset: dataset.name, field: field.name, rule: "reference_code",
                        message:
                            "Kemendagri region code: checked against the 2025 reference list on ingest and in validation"
                    ))
            }
        }
        if hasPersonalData && dataset.classification == "public" {
            findings.append(
                .init(
                    severity: .blocking, dataset: dataset.name, field: nil, rule: "classification",
                    message: "a dataset with personal data cannot be public: classify it as restricted"))
        }
        return findings
    }

    // MARK: - Overlap with the hub

    /// Same name, or at least 80 % of the fields shared, with a dataset agreed for another request.
    static func overlapFindings(_ dataset: DatasetDefinition, existing: [ExistingDataset]) -> [ReviewFinding] {
        let names = Set(dataset.fields.map(\.name))
        var findings: [ReviewFinding] = []
        for other in existing {
            let otherNames = Set(other.dataset.fields.map(\.name))
            let shared = names.intersection(otherNames).count
            let overlap = Double(shared) / Double(max(1, min(names.count, otherNames.count)))
            if other.dataset.name == dataset.name || overlap >= 0.8 {
                findings.append(
                    .init(
                        severity: .warning, dataset: dataset.name, field: nil, rule: "overlap_with_hub",
                        message:
                            "the hub already holds '\(other.dataset.name)' (request \(other.requestId)) with \(shared) of these fields: reuse it instead of duplicating"
                    ))
            }
        }
        return findings
    }

    // MARK: - Breaking changes

    /// Against the previous contract version of the same request: exactly what provisioning will
    /// judge (``ContractChange``), said as what it will do.
    static func breakingChanges(from previous: DatasetDefinition, to current: DatasetDefinition) -> [ReviewFinding] {
        ContractChange.breakingChanges(from: previous, to: current).map { change in
            ReviewFinding(
                severity: .warning, dataset: current.name, field: change.field, rule: "breaking_change",
                message:
                    "\(change.description): records stored under the previous version do not fit; provisioning will create a new storage version and consumers need the new contract"
            )
        }
    }

    static func isSnakeCase(_ text: String) -> Bool {
        guard let first = text.first, first.isLowercase else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }
}
