import Foundation

/// What makes a new contract version incompatible with the stored records.
public enum ContractChange {
    public static func breakingChanges(from old: DatasetDefinition, to new: DatasetDefinition) -> [String] {
        var changes: [String] = []
        if old.primaryKey != new.primaryKey { changes.append("primary key \(old.primaryKey) → \(new.primaryKey)") }
        let newFields = Dictionary(new.fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let oldNames = Set(old.fields.map(\.name))
        for field in old.fields {
            guard let now = newFields[field.name] else { changes.append("field \(field.name) removed"); continue }
            if now.type.lowercased() != field.type.lowercased() { changes.append("\(field.name): type \(field.type) → \(now.type)") }
            if now.required && !field.required { changes.append("\(field.name) became required") }
            if let allowed = now.allowedValues, !Set(field.allowedValues ?? []).isSubset(of: Set(allowed)) || field.allowedValues == nil {
                changes.append("\(field.name): allowed values narrowed")
            }
            if now.pattern != field.pattern || now.references != field.references { changes.append("\(field.name): pattern or reference changed") }
            if (now.minimum ?? -.infinity) > (field.minimum ?? -.infinity) || (now.maximum ?? .infinity) < (field.maximum ?? .infinity) {
                changes.append("\(field.name): range narrowed")
            }
        }
        for field in new.fields where !oldNames.contains(field.name) && field.required {
            changes.append("new required field \(field.name)")
        }
        return changes
    }
}
