import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// One check of a scorecard.
struct CheckResult: Codable, Sendable, Equatable {
    /// `completeness`, `validity`, `uniqueness`, `timeliness`, `consistency`, `volume`.
    var dimension: String
    /// The rule: `required`, `present`, `type`, `enum`, `pattern`, `minimum`, `maximum`, `reference`,
    /// `primary_key`, `natural_key`, `frequency`, a consistency rule's name, `expected_records`.
    var rule: String
    var field: String?
    var passed: Bool
    /// Records that break the rule.
    var failures: Int
    /// Share of records that hold (0–100), where it means something.
    var percent: Double?
    var detail: String
    /// Keys of up to five records that break it, so a person can find them.
    var examples: [String]
}

/// The checks of one dataset.
struct DatasetScorecard: Codable, Sendable {
    var datasetId: String
    var records: Int
    var lastUpdate: Date?
    var checks: [CheckResult]
}

/// Runs the quality checks of one hub dataset against its contract, in SQL over the stored
/// `jsonb` records: one pass computes every count, then one small query per failed check
/// fetches example keys.
struct QualityChecks {
    let dataset: HubDatasetView
    let asOf: Date
    let logger: Logger

    func run(on connection: PostgresConnection) async throws -> DatasetScorecard {
        let definition = dataset.definition
        let (presence, rules) = QualityRules.plan(definition)
        // One pass: the total, the last update, every field's presence and every rule's failures.
        let counted = try await HubReader.count(
            presence.map(\.1) + rules.map(\.failing), in: dataset, on: connection, logger: logger)
        let (total, lastUpdate, counts) = (counted.total, counted.lastUpdate, counted.matching)
        var checks: [CheckResult] = []
        for (index, (field, _)) in presence.enumerated()
        where !(field.required || definition.primaryKey.contains(field.name)) {
            checks.append(QualityRules.presence(of: field, present: counts[index], total: total))
        }
        for (index, rule) in rules.enumerated() {
            let failures = counts[presence.count + index]
            var examples: [String] = []
            if failures > 0 {
                examples = try await HubReader.keys(where: rule.failing, in: dataset, on: connection, logger: logger)
            }
            checks.append(QualityRules.result(of: rule, failures: failures, total: total, examples: examples))
        }
        checks.append(
            CheckResult(
                dimension: "uniqueness", rule: "primary_key", field: definition.primaryKey.joined(separator: "|"),
                passed: true, failures: 0, percent: nil,
                detail: "one record per \(definition.primaryKey.joined(separator: ", ")) (the hub upserts by key)",
                examples: []))
        if let naturalKey = definition.naturalKey, !naturalKey.isEmpty {
            checks.append(try await naturalKeyCheck(naturalKey, on: connection))
        }
        checks.append(
            QualityRules.timeliness(lastUpdate: lastUpdate, asOf: asOf, frequency: definition.updateFrequency))
        checks.append(QualityRules.volume(total, expected: definition.expectedRecords))
        return DatasetScorecard(datasetId: dataset.datasetId, records: total, lastUpdate: lastUpdate, checks: checks)
    }

    private func naturalKeyCheck(_ fields: [String], on connection: PostgresConnection) async throws -> CheckResult {
        // Records without every natural-key field are not compared (they are no duplicates of each other).
        let (duplicates, examples) = try await HubReader.sharedValues(
            of: fields, in: dataset, on: connection, logger: logger)
        let name = fields.joined(separator: ", ")
        return CheckResult(
            dimension: "uniqueness", rule: "natural_key", field: fields.joined(separator: "|"), passed: duplicates == 0,
            failures: duplicates, percent: nil,
            detail: duplicates == 0
                ? "no two records share \(name)" : "\(duplicates) group(s) of records share \(name)", examples: examples
        )
    }
}

/// The quality rules of a dataset contract, apart from the database that counts them: which rules
/// a dataset gets (each as SQL over its `jsonb` records) and how counts become a scorecard's checks.
enum QualityRules {
    /// A condition on `record`; each placeholder (`$F`, `$G`, `$V`) is bound once to its value.
    struct Condition: HubRecordCondition {
        var sql: String
        var binds: [(placeholder: String, value: String)]

        func rendered(into bindings: inout PostgresBindings) -> String {
            var sql = sql
            for (placeholder, value) in binds {
                bindings.append(value)
                sql = sql.replacingOccurrences(of: placeholder, with: "$\(bindings.count)")
            }
            return sql
        }
    }

    /// A rule to count: its result shape and the condition that marks a failing record.
    struct Rule {
        var dimension: String
        var rule: String
        var field: String?
        var failing: Condition
        var describe: (Int) -> String
    }

    /// The rules `definition` gets, in order: each field's presence (for completeness) and every
    /// counted rule (required, type, enum, pattern, minimum, maximum, reference, consistency).
    static func plan(_ definition: DatasetDefinition) -> (presence: [(FieldDefinition, Condition)], rules: [Rule]) {
        var rules: [Rule] = []
        var presence: [(FieldDefinition, Condition)] = []
        for field in definition.fields {
            let name = field.name
            let present = Condition(sql: "(record ? $F AND record->$F <> 'null'::jsonb)", binds: [("$F", name)])
            presence.append((field, present))
            if field.required || definition.primaryKey.contains(name) {
                rules.append(
                    Rule(
                        dimension: "completeness", rule: "required", field: name,
                        failing: Condition(sql: "NOT \(present.sql)", binds: [("$F", name)]),
                        describe: { "\($0) record(s) without required '\(name)'" }))
            }
            let type = Self.typeViolation(field)
            rules.append(
                Rule(
                    dimension: "validity", rule: "type", field: name,
                    failing: Condition(sql: "\(present.sql) AND \(type)", binds: [("$F", name)]),
                    describe: { "\($0) value(s) of '\(name)' are not \(field.type)" }))
            if let allowed = field.allowedValues {
                rules.append(
                    Rule(
                        dimension: "validity", rule: "enum", field: name,
                        failing: Condition(
                            sql: "\(present.sql) AND NOT (record->>$F = ANY(string_to_array($V, E'\\x1f')))",
                            binds: [("$F", name), ("$V", allowed.joined(separator: "\u{1F}"))]),
                        describe: { "\($0) value(s) of '\(name)' outside \(allowed.joined(separator: ", "))" }))
            }
            if let pattern = field.pattern {
                rules.append(
                    Rule(
                        dimension: "validity", rule: "pattern", field: name,
                        failing: Condition(
                            sql: "\(present.sql) AND record->>$F !~ $V", binds: [("$F", name), ("$V", pattern)]),
                        describe: { "\($0) value(s) of '\(name)' do not match \(pattern)" }))
            }
            if let minimum = field.minimum {
                rules.append(
                    Rule(
                        dimension: "validity", rule: "minimum", field: name,
                        failing: Condition(
                            sql:
                                "\(present.sql) AND jsonb_typeof(record->$F) = 'number' AND (record->>$F)::numeric < $V::numeric",
                            binds: [("$F", name), ("$V", "\(minimum)")]),
                        describe: { "\($0) value(s) of '\(name)' below \(minimum)" }))
            }
            if let maximum = field.maximum {
                rules.append(
                    Rule(
                        dimension: "validity", rule: "maximum", field: name,
                        failing: Condition(
                            sql:
                                "\(present.sql) AND jsonb_typeof(record->$F) = 'number' AND (record->>$F)::numeric > $V::numeric",
                            binds: [("$F", name), ("$V", "\(maximum)")]),
                        describe: { "\($0) value(s) of '\(name)' above \(maximum)" }))
            }
            if let set = RecordValidator.referenceSet(of: field) {
                rules.append(
                    Rule(
                        dimension: "validity", rule: "reference", field: name,
                        failing: Condition(
                            sql: "\(present.sql) AND \(HubReader.notAReferenceCode("record->>$F", list: "$V"))",
                            binds: [("$F", name), ("$V", set)]),
                        describe: { "\($0) value(s) of '\(name)' are not codes of reference list '\(set)'" }))
            }
        }
        for rule in definition.rules ?? [] {
            guard let field = definition.fields.first(where: { $0.name == rule.field }),
                ConsistencyRule.operators.contains(rule.operator)
            else { continue }
            let fieldCast = Self.cast(field)
            let left = "(record->>$F)\(fieldCast)"
            var condition: Condition
            if let other = rule.otherField, let otherField = definition.fields.first(where: { $0.name == other }) {
                condition = Condition(
                    sql:
                        "record ? $F AND record ? $G AND NOT (\(left) \(rule.operator) (record->>$G)\(Self.cast(otherField)))",
                    binds: [("$F", rule.field), ("$G", other)])
            } else {
                condition = Condition(
                    sql: "record ? $F AND NOT (\(left) \(rule.operator) ($V)\(fieldCast))",
                    binds: [("$F", rule.field), ("$V", rule.value ?? "")])
            }
            let text = "\(rule.field) \(rule.operator) \(rule.otherField ?? rule.value ?? "")"
            rules.append(
                Rule(
                    dimension: "consistency", rule: rule.name, field: rule.field, failing: condition,
                    describe: { "\($0) record(s) break \(text)" }))
        }

        return (presence, rules)
    }

    /// Completeness of an optional field: how often it is filled in (never a failure).
    static func presence(of field: FieldDefinition, present: Int, total: Int) -> CheckResult {
        CheckResult(
            dimension: "completeness", rule: "present", field: field.name, passed: true, failures: 0,
            percent: total == 0 ? nil : Double(present) * 100 / Double(total),
            detail: "optional '\(field.name)' filled in \(present) of \(total) record(s)", examples: [])
    }

    /// A counted rule's check: passed when no record breaks it; the share of records that hold.
    static func result(of rule: Rule, failures: Int, total: Int, examples: [String]) -> CheckResult {
        CheckResult(
            dimension: rule.dimension, rule: rule.rule, field: rule.field, passed: failures == 0, failures: failures,
            percent: total == 0 ? nil : Double(total - failures) * 100 / Double(total),
            detail: failures == 0 ? "all \(total) record(s) hold" : rule.describe(failures), examples: examples)
    }

    /// Days a dataset of each update frequency may go without an update before it is late.
    static func allowedDays(_ frequency: String?) -> Int? {
        switch frequency {
        case "daily": 1
        case "weekly": 7
        case "monthly": 31
        case "quarterly": 92
        case "yearly": 366
        default: nil
        }
    }

    /// Late once more than a quarter past the period: a monthly dataset not updated for 40 days.
    static func graceDays(_ frequency: String?) -> Int? {
        allowedDays(frequency).map { Int((Double($0) * 1.25).rounded(.up)) }
    }

    /// Whether the data is fresh for its declared update frequency.
    static func timeliness(lastUpdate: Date?, asOf: Date, frequency: String?) -> CheckResult {
        guard let lastUpdate else {
            return CheckResult(
                dimension: "timeliness", rule: "frequency", field: nil, passed: false, failures: 0, percent: nil,
                detail: "no data has been pushed yet", examples: [])
        }
        let age = Int(asOf.timeIntervalSince(lastUpdate) / 86_400)
        guard let limit = graceDays(frequency) else {
            return CheckResult(
                dimension: "timeliness", rule: "frequency", field: nil, passed: true, failures: 0, percent: nil,
                detail: "updated on change; last push \(age) day(s) ago", examples: [])
        }
        return CheckResult(
            dimension: "timeliness", rule: "frequency", field: nil, passed: age <= limit, failures: 0, percent: nil,
            detail: "last push \(age) day(s) ago; a \(frequency ?? "") dataset is late after \(limit) day(s)",
            examples: [])
    }

    /// Whether the number of records is within what the contract expects (at least one by default).
    static func volume(_ total: Int, expected: RecordCountRange?) -> CheckResult {
        let minimum = expected?.minimum ?? 1
        let maximum = expected?.maximum
        let passed = total >= minimum && maximum.map { total <= $0 } ?? true
        let range = maximum.map { "\(minimum)–\($0)" } ?? "at least \(minimum)"
        return CheckResult(
            dimension: "volume", rule: "expected_records", field: nil, passed: passed, failures: 0, percent: nil,
            detail: "\(total) record(s); expected \(range)", examples: [])
    }

    /// SQL that is true when the present value `record->$F` is not of the field's type.
    static func typeViolation(_ field: FieldDefinition) -> String {
        switch field.kind {
        case .integer: "(jsonb_typeof(record->$F) <> 'number' OR (record->>$F) !~ '^-?[0-9]+$')"
        case .decimal: "jsonb_typeof(record->$F) <> 'number'"
        case .boolean: "jsonb_typeof(record->$F) <> 'boolean'"
        case .date: "(jsonb_typeof(record->$F) <> 'string' OR (record->>$F) !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')"
        case .datetime:
            "(jsonb_typeof(record->$F) <> 'string' OR (record->>$F) !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}')"
        default: "jsonb_typeof(record->$F) <> 'string'"
        }
    }

    /// How a field's text is compared in consistency rules.
    static func cast(_ field: FieldDefinition) -> String {
        switch field.kind {
        case .integer, .decimal: "::numeric"
        case .date: "::date"
        case .datetime: "::timestamptz"
        default: ""
        }
    }
}
