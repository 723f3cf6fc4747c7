import Foundation

/// The roles of the SOPs (SYSTEM.md §1), plus `system` for automated steps.
public enum Role: String, Codable, Sendable, CaseIterable {
    case producer, head, supervisor, technical, consumer, admin, system
}

/// Who did a step: attribution carried on every event.
public struct ActorReference: Codable, Sendable, Equatable {
    /// Account or service identifier.
    public var id: String
    /// The role the actor acted in.
    public var role: Role

    /// Creates an actor reference.
    public init(id: String, role: Role) {
        self.id = id
        self.role = role
    }

    /// The automated part of a service.
    public static func system(_ service: ServiceName) -> ActorReference {
        ActorReference(id: service.executableName, role: .system)
    }
}

/// One field of a dataset definition.
public struct FieldDefinition: Codable, Sendable, Equatable {
    /// Column name.
    public var name: String
    /// Declared type, e.g. `string`, `integer`, `decimal`, `date`, `boolean`.
    public var type: String
    /// Whether every record must carry a value.
    public var required: Bool
    /// What the field means.
    public var description: String?
    /// The only values allowed (an enumeration), if the field has such a list.
    public var allowedValues: [String]?
    /// `table.column` this field refers to (reference data), if any.
    public var references: String?
    /// A regular expression every value must match in full (strings and codes).
    public var pattern: String?
    /// Smallest allowed value (numbers).
    public var minimum: Double?
    /// Largest allowed value (numbers).
    public var maximum: Double?

    /// The declared type as a known kind; nil when a producer proposed a type that does not exist
    /// (the technical review reports it; a contract never carries one).
    public var kind: FieldKind? { FieldKind(rawValue: type.lowercased()) }

    /// Creates a field definition.
    public init(
        name: String, type: String, required: Bool, description: String? = nil, allowedValues: [String]? = nil,
        references: String? = nil,
        pattern: String? = nil, minimum: Double? = nil, maximum: Double? = nil
    ) {
        self.name = name
        self.type = type
        self.required = required
        self.description = description
        self.allowedValues = allowedValues
        self.references = references
        self.pattern = pattern
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// A dataset the producer offers for integration or exchange.
public struct DatasetDefinition: Codable, Sendable, Equatable {
    /// Dataset name (lower snake case).
    public var name: String
    /// What the dataset holds.
    public var description: String?
    /// The fields.
    public var fields: [FieldDefinition]
    /// Names of the primary-key fields.
    public var primaryKey: [String]
    /// `public`, `internal` or `restricted` (Satu Data classification).
    public var classification: String?
    /// `daily`, `weekly`, `monthly`, `quarterly`, `yearly` or `on_change`.
    public var updateFrequency: String?
    /// Fields that identify a real-world thing besides the primary key (checked for duplicates by validation).
    public var naturalKey: [String]?
    /// Cross-field consistency rules checked by validation.
    public var rules: [ConsistencyRule]?
    /// How many records the dataset is expected to hold (checked by validation).
    public var expectedRecords: RecordCountRange?

    /// Creates a dataset definition.
    public init(
        name: String, description: String? = nil, fields: [FieldDefinition], primaryKey: [String],
        classification: String? = nil, updateFrequency: String? = nil
    ) {
        self.name = name
        self.description = description
        self.fields = fields
        self.primaryKey = primaryKey
        self.classification = classification
        self.updateFrequency = updateFrequency
    }
}

/// A rule between a field and another field or a fixed value, e.g. `tanggal_keluar >= tanggal_masuk`.
public struct ConsistencyRule: Codable, Sendable, Equatable {
    /// What the rule is called in findings.
    public var name: String
    /// The field the rule is about.
    public var field: String
    /// One of `<`, `<=`, `=`, `!=`, `>=`, `>`.
    public var `operator`: String
    /// The field compared with (or `value`).
    public var otherField: String?
    /// A fixed value compared with (or `otherField`).
    public var value: String?

    /// Creates the payload.
    public init(name: String, field: String, operator: String, otherField: String? = nil, value: String? = nil) {
        self.name = name
        self.field = field
        self.operator = `operator`
        self.otherField = otherField
        self.value = value
    }

    /// The comparisons a rule may use.
    public static let operators: Set<String> = ["<", "<=", "=", "!=", ">=", ">"]
}

/// The expected number of records.
public struct RecordCountRange: Codable, Sendable, Equatable {
    /// Fewest records expected.
    public var minimum: Int?
    /// Most records expected.
    public var maximum: Int?

    /// Creates the payload.
    public init(minimum: Int? = nil, maximum: Int? = nil) {
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// Who at the producing agency answers questions about the request.
public struct ContactPerson: Codable, Sendable, Equatable {
    /// Full name.
    public var name: String
    /// E-mail address.
    public var email: String?
    /// Telephone number.
    public var phone: String?

    /// Creates the payload.
    public init(name: String, email: String? = nil, phone: String? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
    }
}

/// Metadata of a document attached to the request (the document itself stays with the agency).
public struct AttachmentMetadata: Codable, Sendable, Equatable {
    /// File name.
    public var name: String
    /// Media type, e.g. `application/pdf`.
    public var mediaType: String
    /// Size in bytes.
    public var sizeBytes: Int

    /// Creates the payload.
    public init(name: String, mediaType: String, sizeBytes: Int) {
        self.name = name
        self.mediaType = mediaType
        self.sizeBytes = sizeBytes
    }
}

/// One finding of the technical review.
public struct ReviewFinding: Codable, Sendable, Equatable {
    /// `blocking` findings make the team return the request.
    public var severity: FindingSeverity
    /// Dataset the finding is about.
    public var dataset: String
    /// Field, when the finding is about one.
    public var field: String?
    /// Machine-readable rule name.
    public var rule: String
    /// Explanation with a suggestion.
    public var message: String

    /// Creates a finding.
    public init(severity: FindingSeverity, dataset: String, field: String?, rule: String, message: String) {
        self.severity = severity
        self.dataset = dataset
        self.field = field
        self.rule = rule
        self.message = message
    }
}
