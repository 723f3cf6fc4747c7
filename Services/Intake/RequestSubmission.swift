import JembatanShared

/// The body of `POST /v1/requests`.
struct RequestSubmission: Codable, Sendable {
    /// Defaults to the producer account's agency; another agency is refused.
    var agencyCode: String?
    var title: String
    var purpose: String
    var profile: String?
    var datasets: [DatasetDefinition]
}

/// The SOP profiles a request can pin (durations live in reporting's profile data).
enum SOPProfiles {
    static let known = ["pasuruan", "kaltim", "sragen", "laboratorium"]
    static let defaultProfile = "pasuruan"
}

/// Completeness check ("Kelengkapan") of a submission: every violated rule, not just the first.
enum CompletenessCheck {
    static let fieldTypes: Set<String> = ["string", "text", "integer", "decimal", "boolean", "date", "datetime", "region_code"]

    static func violations(of submission: RequestSubmission) -> [FieldViolation] {
        var violations: [FieldViolation] = []
        func require(_ condition: Bool, _ field: String, _ rule: String, _ message: String) {
            if !condition { violations.append(FieldViolation(field: field, rule: rule, message: message)) }
        }
        let agency = submission.agencyCode ?? ""
        require(isIdentifier(agency, allowing: ".-", maxLength: 32), "agencyCode", "pattern", "agency code: 1–32 letters, digits, '.' or '-'")
        require(!submission.title.trimmed.isEmpty, "title", "required", "title must not be empty")
        require(submission.title.count <= 200, "title", "max_length", "title is at most 200 characters")
        require(!submission.purpose.trimmed.isEmpty, "purpose", "required", "purpose (what the data is shared for) must not be empty")
        require(submission.purpose.count <= 4000, "purpose", "max_length", "purpose is at most 4000 characters")
        if let profile = submission.profile {
            require(SOPProfiles.known.contains(profile), "profile", "enum", "profile must be one of \(SOPProfiles.known.joined(separator: ", "))")
        }
        require(!submission.datasets.isEmpty, "datasets", "min_items", "at least one dataset is required")
        var datasetNames = Set<String>()
        for (index, dataset) in submission.datasets.enumerated() {
            let path = "datasets[\(index)]"
            require(isSnakeCase(dataset.name), "\(path).name", "pattern", "dataset name: lower snake case, starting with a letter, at most 40 characters")
            require(datasetNames.insert(dataset.name).inserted, "\(path).name", "unique", "dataset name '\(dataset.name)' is used twice")
            require(!dataset.fields.isEmpty, "\(path).fields", "min_items", "a dataset needs at least one field")
            var fieldNames = Set<String>()
            for (fieldIndex, field) in dataset.fields.enumerated() {
                let fieldPath = "\(path).fields[\(fieldIndex)]"
                require(!field.name.trimmed.isEmpty && field.name.count <= 63, "\(fieldPath).name", "required", "field name: 1–63 characters")
                require(fieldNames.insert(field.name).inserted, "\(fieldPath).name", "unique", "field '\(field.name)' is declared twice")
                require(!field.type.trimmed.isEmpty, "\(fieldPath).type", "required", "field type must not be empty")
            }
        }
        return violations
    }

    static func isSnakeCase(_ text: String) -> Bool {
        guard let first = text.first, first.isLowercase, first.isASCII, text.count <= 40 else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }

    static func isIdentifier(_ text: String, allowing extra: String, maxLength: Int) -> Bool {
        !text.isEmpty && text.count <= maxLength && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || extra.contains($0)) }
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
