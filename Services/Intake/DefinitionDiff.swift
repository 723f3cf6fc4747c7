import JembatanShared

/// What changed between two versions of a data definition, field by field.
struct DefinitionDiff: Encodable, Equatable {
    struct Change: Encodable, Equatable {
        let path: String
        let change: String
        let from: String?
        let to: String?
    }

    let fromVersion: Int
    let toVersion: Int
    let changes: [Change]

    init(from old: [DatasetDefinition], version fromVersion: Int, to new: [DatasetDefinition], version toVersion: Int) {
        self.fromVersion = fromVersion
        self.toVersion = toVersion
        var changes: [Change] = []
        let oldByName = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let newByName = Dictionary(new.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for dataset in old where newByName[dataset.name] == nil {
            changes.append(Change(path: dataset.name, change: "dataset_removed", from: dataset.name, to: nil))
        }
        for dataset in new {
            guard let previous = oldByName[dataset.name] else {
                changes.append(Change(path: dataset.name, change: "dataset_added", from: nil, to: dataset.name))
                continue
            }
            if previous.primaryKey != dataset.primaryKey {
                changes.append(
                    Change(
                        path: "\(dataset.name).primaryKey", change: "primary_key_changed",
                        from: previous.primaryKey.joined(separator: ","), to: dataset.primaryKey.joined(separator: ","))
                )
            }
            let oldFields = Dictionary(previous.fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let newFields = Set(dataset.fields.map(\.name))
            for field in previous.fields where !newFields.contains(field.name) {
                changes.append(
                    Change(path: "\(dataset.name).\(field.name)", change: "field_removed", from: field.type, to: nil))
            }
            for field in dataset.fields {
                guard let before = oldFields[field.name] else {
                    changes.append(
                        Change(path: "\(dataset.name).\(field.name)", change: "field_added", from: nil, to: field.type))
                    continue
                }
                if before.type != field.type {
                    changes.append(
                        Change(
                            path: "\(dataset.name).\(field.name)", change: "type_changed", from: before.type,
                            to: field.type))
                }
                if before.required != field.required {
                    changes.append(
                        Change(
                            path: "\(dataset.name).\(field.name)", change: "required_changed",
                            from: String(before.required), to: String(field.required)))
                }
            }
        }
        self.changes = changes
    }
}
