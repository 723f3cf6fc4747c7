import Foundation
import JembatanShared
import Testing

@testable import Validation

/// The quality rules of a scorecard (SOP step 8) apart from the database: which rules each kind
/// of contract field gets, and how counts become checks. What each rule's SQL finds in real
/// records is tested against PostgreSQL in the integration suite ("the scorecard finds exactly
/// the seeded defects of each kind").
@Suite("Quality rules")
struct QualityRulesTests {
    static func planned(
        _ field: FieldDefinition, key: [String] = ["id"], rules: [ConsistencyRule]? = nil,
        others: [FieldDefinition] = []
    ) -> [String] {
        var definition = DatasetDefinition(
            name: "d", fields: [FieldDefinition(name: "id", type: "string", required: true), field] + others,
            primaryKey: key)
        definition.rules = rules
        return QualityRules.plan(definition).rules.filter { $0.field == field.name }.map {
            "\($0.dimension)/\($0.rule)"
        }
    }

    /// Each kind of field declaration and the rules it must get, in order.
    static let fieldCases: [(label: String, field: FieldDefinition, rules: [String])] = [
        ("an optional string", FieldDefinition(name: "f", type: "string", required: false), ["validity/type"]),
        (
            "a required integer", FieldDefinition(name: "f", type: "integer", required: true),
            ["completeness/required", "validity/type"]
        ),
        (
            "an enumeration", FieldDefinition(name: "f", type: "string", required: false, allowedValues: ["a"]),
            ["validity/type", "validity/enum"]
        ),
        (
            "a pattern", FieldDefinition(name: "f", type: "string", required: false, pattern: "^[0-9]+$"),
            ["validity/type", "validity/pattern"]
        ),
        (
            "a range", FieldDefinition(name: "f", type: "decimal", required: false, minimum: 0, maximum: 9),
            ["validity/type", "validity/minimum", "validity/maximum"]
        ),
        (
            "a region code", FieldDefinition(name: "f", type: "region_code", required: false),
            ["validity/type", "validity/reference"]
        ),
    ]

    @Test("each kind of field gets exactly its rules", arguments: fieldCases.indices)
    func rulesPerField(index: Int) {
        let row = Self.fieldCases[index]
        #expect(Self.planned(row.field) == row.rules, "\(row.label)")
    }

    @Test("a key field is required even when not declared so; every field's presence is counted")
    func keyIsRequired() {
        let field = FieldDefinition(name: "f", type: "string", required: false)
        #expect(Self.planned(field, key: ["f"]) == ["completeness/required", "validity/type"])
        let definition = DatasetDefinition(
            name: "d", fields: [field, FieldDefinition(name: "g", type: "date", required: true)], primaryKey: ["f"])
        #expect(QualityRules.plan(definition).presence.map(\.0.name) == ["f", "g"])
    }

    @Test(
        "a consistency rule compares with a value or another field, cast by type; one naming an unknown field or operator is skipped"
    )
    func consistency() {
        let start = FieldDefinition(name: "mulai", type: "date", required: true)
        let end = FieldDefinition(name: "selesai", type: "date", required: true)
        let rules = [
            ConsistencyRule(name: "urutan_tanggal", field: "mulai", operator: "<=", otherField: "selesai"),
            ConsistencyRule(name: "tidak_dikenal", field: "mulai", operator: "~", value: "x"),
            ConsistencyRule(name: "hilang", field: "tidak_ada", operator: "=", value: "1"),
        ]
        var definition = DatasetDefinition(name: "d", fields: [start, end], primaryKey: ["mulai"])
        definition.rules = rules
        let consistency = QualityRules.plan(definition).rules.filter { $0.dimension == "consistency" }
        #expect(consistency.map(\.rule) == ["urutan_tanggal"])
        #expect(
            consistency.first?.failing.sql.contains("::date <= (record->>$G)::date") == true,
            "\(consistency.first?.failing.sql ?? "")")
    }

    @Test(
        "a rule's check: passes with no failure, else names the count; the share holding is over all records",
        arguments: [
            (0, 10, true, 100.0), (3, 10, false, 70.0), (10, 10, false, 0.0), (0, 0, true, nil),
        ] as [(Int, Int, Bool, Double?)])
    func result(failures: Int, total: Int, passed: Bool, percent: Double?) {
        let rule = QualityRules.plan(
            DatasetDefinition(
                name: "d", fields: [FieldDefinition(name: "id", type: "string", required: true)], primaryKey: ["id"])
        ).rules[0]
        let check = QualityRules.result(of: rule, failures: failures, total: total, examples: [])
        #expect(check.passed == passed && check.failures == failures && check.percent == percent)
        #expect(check.detail.contains(passed ? "hold" : "\(failures) record(s)"), "\(check.detail)")
    }

    @Test("an optional field's completeness is the share filled in, never a failure")
    func presence() {
        let check = QualityRules.presence(
            of: FieldDefinition(name: "catatan", type: "text", required: false), present: 3, total: 4)
        #expect(check.passed && check.percent == 75 && check.detail == "optional 'catatan' filled in 3 of 4 record(s)")
    }

    /// Update frequency, days since the last push, on time?
    @Test(
        "timeliness: late once more than a quarter past the period (a monthly dataset at 40 days)",
        arguments: [
            ("monthly", 38, true), ("monthly", 39, true), ("monthly", 40, false), ("daily", 2, true),
            ("daily", 3, false),
            ("weekly", 9, true), ("weekly", 10, false), ("yearly", 458, true), ("yearly", 459, false),
            ("on_change", 900, true),
        ] as [(String, Int, Bool)])
    func timeliness(frequency: String, days: Int, onTime: Bool) {
        let asOf = Date(timeIntervalSince1970: 1_790_000_000)
        let check = QualityRules.timeliness(
            lastUpdate: asOf.addingTimeInterval(-Double(days) * 86_400), asOf: asOf, frequency: frequency)
        #expect(check.passed == onTime, "\(check.detail)")
    }

    @Test("timeliness fails when nothing was ever pushed")
    func neverPushed() {
        #expect(!QualityRules.timeliness(lastUpdate: nil, asOf: Date(), frequency: "monthly").passed)
    }

    @Test(
        "volume: at least one record unless the contract says otherwise; within its expected range",
        arguments: [
            (0, nil, nil, false), (1, nil, nil, true), (99, 100, 200, false), (150, 100, 200, true),
            (201, 100, 200, false), (5000, 100, nil, true),
        ] as [(Int, Int?, Int?, Bool)])
    func volume(total: Int, minimum: Int?, maximum: Int?, passed: Bool) {
        let expected = minimum == nil && maximum == nil ? nil : RecordCountRange(minimum: minimum, maximum: maximum)
        #expect(QualityRules.volume(total, expected: expected).passed == passed)
    }
}
