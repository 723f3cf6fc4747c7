import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// The body of `POST /v1/requests`.
struct RequestSubmission: Codable, Sendable {
    /// Defaults to the producer account's agency; another agency is refused.
    var agencyCode: String?
    var title: String
    var purpose: String
    var profile: String?
    var legalBasis: String?
    var contactPerson: ContactPerson?
    var intendedConsumers: [String]?
    var attachments: [AttachmentMetadata]?
    var datasets: [DatasetDefinition]
}

/// Completeness check ("Kelengkapan") of a submission against its SOP profile: every violated
/// rule, not just the first. Values that are present are always checked; the profile decides
/// which inputs must be present.
enum CompletenessCheck {
    static let classifications: Set<String> = ["public", "internal", "restricted"]
    static let frequencies: Set<String> = ["daily", "weekly", "monthly", "quarterly", "yearly", "on_change"]

    static func violations(of submission: RequestSubmission, profiles: ProfileChoice) -> [FieldViolation] {
        var violations: [FieldViolation] = []
        func require(_ condition: Bool, _ field: String, _ rule: String, _ message: String) {
            if !condition { violations.append(FieldViolation(field: field, rule: rule, message: message)) }
        }
        let profile = profiles.resolve(submission.profile)
        require(
            profile != nil, "profile", "enum",
            "profile must be one of \(profiles.profiles.keys.sorted().joined(separator: ", "))")
        // An unknown profile is named; the default profile's inputs are still checked.
        let required = Set((profile ?? profiles.resolve(nil))?.requiredInputs ?? [])

        require(
            isIdentifier(submission.agencyCode ?? "", allowing: ".-", maxLength: 32), "agencyCode", "pattern",
            "agency code: 1–32 letters, digits, '.' or '-'")
        require(!submission.title.trimmed.isEmpty, "title", "required", "title must not be empty")
        require(submission.title.count <= 200, "title", "max_length", "title is at most 200 characters")
        require(
            !submission.purpose.trimmed.isEmpty, "purpose", "required",
            "purpose (what the data is shared for) must not be empty")
        require(submission.purpose.count <= 4000, "purpose", "max_length", "purpose is at most 4000 characters")
        if required.contains(.legalBasis) {
            require(
                !(submission.legalBasis ?? "").trimmed.isEmpty, "legalBasis", "required",
                "name the legal basis for sharing (e.g. Perpres 39/2019, a Perbup)")
        }
        if let contact = submission.contactPerson {
            require(!contact.name.trimmed.isEmpty, "contactPerson.name", "required", "the contact person's name")
            require(
                contact.email != nil || contact.phone != nil, "contactPerson", "reachable",
                "give an email address or a phone number")
            if let email = contact.email {
                require(
                    email.contains("@") && !email.hasPrefix("@") && !email.hasSuffix("@") && email.count <= 254,
                    "contactPerson.email", "format", "an email address")
            }
        } else if required.contains(.contactPerson) {
            require(false, "contactPerson", "required", "a contact person at the producing agency")
        }
        if required.contains(.intendedConsumers) {
            require(
                !(submission.intendedConsumers ?? []).isEmpty, "intendedConsumers", "min_items",
                "name at least one agency that will read the data")
        }
        for (index, consumer) in (submission.intendedConsumers ?? []).enumerated() {
            require(
                isIdentifier(consumer, allowing: ".-", maxLength: 32), "intendedConsumers[\(index)]", "pattern",
                "agency code: 1–32 letters, digits, '.' or '-'")
        }
        if required.contains(.attachments) {
            require(
                !(submission.attachments ?? []).isEmpty, "attachments", "min_items",
                "attach the document of data and application information")
        }
        for (index, attachment) in (submission.attachments ?? []).enumerated() {
            require(
                !attachment.name.trimmed.isEmpty, "attachments[\(index)].name", "required", "the document's file name")
            require(
                attachment.mediaType.contains("/"), "attachments[\(index)].mediaType", "format",
                "a media type such as application/pdf")
            require(
                attachment.sizeBytes > 0, "attachments[\(index)].sizeBytes", "minimum", "the document's size in bytes")
        }
        violations += datasetViolations(submission.datasets, required: required)
        return violations
    }

    /// The rules for the datasets alone (also applied to a revision after a return).
    static func datasetViolations(_ datasets: [DatasetDefinition], required: Set<RequiredInput>) -> [FieldViolation] {
        var violations: [FieldViolation] = []
        func require(_ condition: Bool, _ field: String, _ rule: String, _ message: String) {
            if !condition { violations.append(FieldViolation(field: field, rule: rule, message: message)) }
        }
        require(!datasets.isEmpty, "datasets", "min_items", "at least one dataset is required")
        var datasetNames = Set<String>()
        for (index, dataset) in datasets.enumerated() {
            let path = "datasets[\(index)]"
            require(
                isSnakeCase(dataset.name), "\(path).name", "pattern",
                "dataset name: lower snake case, starting with a letter, at most 40 characters")
            require(
                datasetNames.insert(dataset.name).inserted, "\(path).name", "unique",
                "dataset name '\(dataset.name)' is used twice")
            require(!dataset.fields.isEmpty, "\(path).fields", "min_items", "a dataset needs at least one field")
            if let classification = dataset.classification {
                require(
                    classifications.contains(classification), "\(path).classification", "enum",
                    "one of public, internal, restricted")
            } else if required.contains(.classification) {
                require(
                    false, "\(path).classification", "required", "classify the dataset: public, internal or restricted")
            }
            if let frequency = dataset.updateFrequency {
                require(
                    frequencies.contains(frequency), "\(path).updateFrequency", "enum",
                    "one of \(frequencies.sorted().joined(separator: ", "))")
            } else if required.contains(.updateFrequency) {
                require(false, "\(path).updateFrequency", "required", "how often the data is updated")
            }
            var fieldNames = Set<String>()
            for (fieldIndex, field) in dataset.fields.enumerated() {
                let fieldPath = "\(path).fields[\(fieldIndex)]"
                require(
                    !field.name.trimmed.isEmpty && field.name.count <= 63, "\(fieldPath).name", "required",
                    "field name: 1–63 characters")
                require(
                    fieldNames.insert(field.name).inserted, "\(fieldPath).name", "unique",
                    "field '\(field.name)' is declared twice")
                require(!field.type.trimmed.isEmpty, "\(fieldPath).type", "required", "field type must not be empty")
                if let pattern = field.pattern {
                    require(
                        pattern.count <= 500 && (try? NSRegularExpression(pattern: pattern)) != nil,
                        "\(fieldPath).pattern", "regex",
                        "'\(pattern.prefix(80))' is not a valid regular expression (at most 500 characters)")
                }
                if let minimum = field.minimum, let maximum = field.maximum {
                    require(
                        minimum <= maximum, "\(fieldPath).minimum", "range",
                        "minimum \(minimum) is larger than maximum \(maximum)")
                }
                if let allowed = field.allowedValues {
                    require(
                        !allowed.isEmpty && Set(allowed).count == allowed.count, "\(fieldPath).allowedValues",
                        "unique_items", "list each allowed value once, at least one")
                }
            }
            for (ruleIndex, rule) in (dataset.rules ?? []).enumerated() {
                let rulePath = "\(path).rules[\(ruleIndex)]"
                require(
                    fieldNames.contains(rule.field), "\(rulePath).field", "unknown_field",
                    "'\(rule.field)' is not one of the dataset's fields")
                require(
                    ConsistencyRule.operators.contains(rule.operator), "\(rulePath).operator", "enum",
                    "one of <, <=, =, !=, >=, >")
                require(
                    (rule.otherField == nil) != (rule.value == nil), "\(rulePath)", "one_of",
                    "compare with either otherField or value")
                if let other = rule.otherField {
                    require(
                        fieldNames.contains(other), "\(rulePath).otherField", "unknown_field",
                        "'\(other)' is not one of the dataset's fields")
                }
            }
            for (keyIndex, key) in (dataset.naturalKey ?? []).enumerated() {
                require(
                    fieldNames.contains(key), "\(path).naturalKey[\(keyIndex)]", "unknown_field",
                    "'\(key)' is not one of the dataset's fields")
            }
            if let expected = dataset.expectedRecords, let minimum = expected.minimum, let maximum = expected.maximum {
                require(minimum >= 0 && minimum <= maximum, "\(path).expectedRecords", "range", "0 ≤ minimum ≤ maximum")
            }
        }
        return violations
    }

    static func isSnakeCase(_ text: String) -> Bool {
        guard let first = text.first, first.isLowercase, first.isASCII, text.count <= 40 else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }

    static func isIdentifier(_ text: String, allowing extra: String, maxLength: Int) -> Bool {
        !text.isEmpty && text.count <= maxLength
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || extra.contains($0)) }
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// How a complete submission is recorded: the request row (new, or the draft it completes), its
/// version 1 and the `RequestSubmitted` event, all in the caller's transaction.
enum SubmissionRecording {
    static func record(
        _ submission: RequestSubmission, profile: SOPProfile, requestId: String, account: Account, isNew: Bool,
        outbox: Outbox, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let event = RequestSubmitted(
            requestId: requestId, agencyCode: submission.agencyCode ?? "", title: submission.title.trimmed,
            purpose: submission.purpose.trimmed, profile: profile.id, profileVersion: profile.version,
            legalBasis: submission.legalBasis, contactPerson: submission.contactPerson,
            intendedConsumers: submission.intendedConsumers,
            attachments: submission.attachments, datasets: submission.datasets, submittedBy: account.actor,
            submittedAt: Date()
        )
        try await RequestStore.recordSubmitted(
            event, submission: try CloudEventCodec.jsonText(submission), by: account.name, isNew: isNew,
            on: connection, logger: logger)
        try await outbox.enqueue(event, on: connection, logger: logger)
    }
}

/// The profiles a submission may name, and the default (`JEMBATAN_DEFAULT_PROFILE`) for one that names none.
struct ProfileChoice: Sendable {
    /// Every profile's latest version, by id.
    let profiles: [String: SOPProfile]
    /// The id used when a submission names none.
    let defaultID: String

    /// The profile `id` names, or the default.
    func resolve(_ id: String?) -> SOPProfile? { profiles[id ?? defaultID] }

    /// The stored profiles (and shipped ones not stored yet).
    static func load(_ context: ServiceContext, logger: Logger) async throws -> ProfileChoice {
        let all = try await context.client.withConnection { connection in
            try await ProfileReader.all(on: connection, logger: logger)
        }
        return ProfileChoice(
            profiles: Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) }),
            defaultID: context.configuration.defaultProfile)
    }
}
