import Foundation

/// One change that makes a new contract version incompatible with the records stored under the
/// previous one: provisioning then creates a new storage version, and the technical review
/// reports it before the team agrees.
public struct BreakingChange: Sendable, Equatable, CustomStringConvertible {
    /// The kinds of breaking change (raw values are the names shown in findings and logs).
    public enum Kind: String, Sendable, CaseIterable {
        case primaryKey = "primary_key"
        case fieldRemoved = "field_removed"
        case typeChanged = "type_changed"
        case becameRequired = "became_required"
        case allowedValuesNarrowed = "allowed_values_narrowed"
        case patternOrReferenceChanged = "pattern_or_reference_changed"
        case rangeNarrowed = "range_narrowed"
        case newRequiredField = "new_required_field"
    }

    /// What changed.
    public var kind: Kind
    /// The field concerned (nil for the primary key).
    public var field: String?
    /// What changed, e.g. `n: type integer → decimal`.
    public var description: String
}

/// The one definition of a breaking contract change (used by the technical review and by provisioning).
public enum ContractChange {
    /// Every change from `old` to `new` that stored records or existing consumers cannot follow.
    public static func breakingChanges(from old: DatasetDefinition, to new: DatasetDefinition) -> [BreakingChange] {
        var changes: [BreakingChange] = []
        if old.primaryKey != new.primaryKey {
            changes.append(
                .init(kind: .primaryKey, field: nil, description: "primary key \(old.primaryKey) → \(new.primaryKey)"))
        }
        let newFields = Dictionary(new.fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let oldNames = Set(old.fields.map(\.name))
        for field in old.fields {
            let name = field.name
            guard let now = newFields[name] else {
                changes.append(.init(kind: .fieldRemoved, field: name, description: "field \(name) removed"))
                continue
            }
            if now.type.lowercased() != field.type.lowercased() {
                changes.append(
                    .init(kind: .typeChanged, field: name, description: "\(name): type \(field.type) → \(now.type)"))
            }
            if now.required && !field.required {
                changes.append(.init(kind: .becameRequired, field: name, description: "\(name) became required"))
            }
            if let allowed = now.allowedValues,
                field.allowedValues == nil || !Set(field.allowedValues ?? []).isSubset(of: Set(allowed))
            {
                changes.append(
                    .init(kind: .allowedValuesNarrowed, field: name, description: "\(name): allowed values narrowed"))
            }
            if now.pattern != field.pattern || now.references != field.references {
                changes.append(
                    .init(
                        kind: .patternOrReferenceChanged, field: name,
                        description: "\(name): pattern or reference changed"))
            }
            if (now.minimum ?? -.infinity) > (field.minimum ?? -.infinity)
                || (now.maximum ?? .infinity) < (field.maximum ?? .infinity)
            {
                changes.append(.init(kind: .rangeNarrowed, field: name, description: "\(name): range narrowed"))
            }
        }
        for field in new.fields where !oldNames.contains(field.name) && field.required {
            changes.append(
                .init(kind: .newRequiredField, field: field.name, description: "new required field \(field.name)"))
        }
        return changes
    }
}

/// The hub's id of a request's dataset (`<name>-<first 8 of the request id>`): the same across
/// contract versions of the request, so a new version is a change of the same dataset.
public enum HubDatasetID {
    /// The id of dataset `name` of `requestId`.
    public static func of(name: String, requestId: String) -> String { "\(name)-\(requestId.prefix(8))" }
}
