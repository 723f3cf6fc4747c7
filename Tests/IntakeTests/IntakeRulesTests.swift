import JembatanShared
import Testing

@testable import Intake

/// The completeness check of a submission (SOP step 1, "Kelengkapan") and the definition diff a
/// head reads after a revision, without a stack.
@Suite("Intake rules")
struct IntakeRulesTests {
    static func complete(profile: String? = nil) -> RequestSubmission {
        RequestSubmission(
            agencyCode: "dinkes", title: "Data puskesmas", purpose: "Dashboard kesehatan", profile: profile,
            legalBasis: "Perpres 39/2019",
            contactPerson: ContactPerson(name: "Sari", email: "sari@dinkes.go.id"), intendedConsumers: ["bappeda"],
            attachments: nil,
            datasets: [
                DatasetDefinition(
                    name: "puskesmas", fields: [FieldDefinition(name: "kode", type: "string", required: true)],
                    primaryKey: ["kode"],
                    classification: "internal", updateFrequency: "monthly")
            ])
    }

    /// Each row breaks one rule of a complete Pasuruan submission; the check names that field and rule.
    static let incomplete:
        [(label: String, change: @Sendable (inout RequestSubmission) -> Void, field: String, rule: String)] = [
            ("empty title", { $0.title = "  " }, "title", "required"),
            ("title too long", { $0.title = String(repeating: "a", count: 201) }, "title", "max_length"),
            ("no purpose", { $0.purpose = "" }, "purpose", "required"),
            ("no legal basis", { $0.legalBasis = nil }, "legalBasis", "required"),
            ("no contact person", { $0.contactPerson = nil }, "contactPerson", "required"),
            (
                "an unreachable contact", { $0.contactPerson = ContactPerson(name: "Sari") }, "contactPerson",
                "reachable"
            ),
            (
                "a malformed email", { $0.contactPerson = ContactPerson(name: "Sari", email: "sari@") },
                "contactPerson.email", "format"
            ),
            ("no consumer", { $0.intendedConsumers = [] }, "intendedConsumers", "min_items"),
            (
                "a consumer code with a space", { $0.intendedConsumers = ["dinas sosial"] }, "intendedConsumers[0]",
                "pattern"
            ),
            ("an unknown profile", { $0.profile = "jakarta" }, "profile", "enum"),
            ("no dataset", { $0.datasets = [] }, "datasets", "min_items"),
            ("no classification", { $0.datasets[0].classification = nil }, "datasets[0].classification", "required"),
            (
                "an unknown classification", { $0.datasets[0].classification = "secret" }, "datasets[0].classification",
                "enum"
            ),
            (
                "no update frequency", { $0.datasets[0].updateFrequency = nil }, "datasets[0].updateFrequency",
                "required"
            ),
            (
                "a field declared twice", { $0.datasets[0].fields.append($0.datasets[0].fields[0]) },
                "datasets[0].fields[1].name", "unique"
            ),
            ("a broken pattern", { $0.datasets[0].fields[0].pattern = "([" }, "datasets[0].fields[0].pattern", "regex"),
            (
                "minimum above maximum",
                {
                    $0.datasets[0].fields[0].minimum = 5
                    $0.datasets[0].fields[0].maximum = 1
                }, "datasets[0].fields[0].minimum", "range"
            ),
            ("a dataset name in camelCase", { $0.datasets[0].name = "dataPuskesmas" }, "datasets[0].name", "pattern"),
        ]

    static let profiles = ProfileChoice(profiles: SOPProfileCatalog.all, defaultID: "pasuruan")

    @Test("an unknown profile is named; a submission naming none takes the configured default")
    func unknownProfile() {
        var submission = Self.complete()
        submission.profile = "surabaya"
        #expect(
            CompletenessCheck.violations(of: submission, profiles: Self.profiles).map { "\($0.field) \($0.rule)" }
                == ["profile enum"])
        submission.profile = nil
        let laboratoryDefault = ProfileChoice(profiles: SOPProfileCatalog.all, defaultID: "laboratorium")
        #expect(laboratoryDefault.resolve(nil)?.id == "laboratorium")
        #expect(Self.profiles.resolve(nil)?.id == "pasuruan")
    }

    @Test("a complete submission passes under every profile")
    func completePasses() {
        for profile in SOPProfileCatalog.all.keys {
            #expect(
                CompletenessCheck.violations(of: Self.complete(profile: profile), profiles: Self.profiles).isEmpty,
                "\(profile)")
        }
    }

    @Test(
        "each missing or malformed input is named with its field and rule, and nothing else is",
        arguments: incomplete.indices)
    func incompleteIsNamed(index: Int) {
        let row = Self.incomplete[index]
        var submission = Self.complete()
        row.change(&submission)
        let violations = CompletenessCheck.violations(of: submission, profiles: Self.profiles)
        #expect(violations.map { "\($0.field) \($0.rule)" } == ["\(row.field) \(row.rule)"], "\(row.label)")
    }

    @Test("the laboratory profile needs no legal basis, consumers, classification or frequency")
    func profileDecides() {
        var submission = Self.complete(profile: "laboratorium")
        submission.legalBasis = nil
        submission.intendedConsumers = nil
        submission.datasets[0].classification = nil
        submission.datasets[0].updateFrequency = nil
        #expect(CompletenessCheck.violations(of: submission, profiles: Self.profiles).isEmpty)
    }

    static let v1 = [
        DatasetDefinition(
            name: "puskesmas",
            fields: [
                FieldDefinition(name: "kode", type: "string", required: true),
                FieldDefinition(name: "nama", type: "string", required: true),
                FieldDefinition(name: "kapasitas", type: "integer", required: false),
            ], primaryKey: ["kode"])
    ]

    /// Each row changes version 1 in one way; the diff lists exactly that change.
    static let revisions:
        [(label: String, change: @Sendable (inout [DatasetDefinition]) -> Void, expected: [DefinitionDiff.Change])] = [
            ("nothing", { _ in }, []),
            (
                "a field added",
                { $0[0].fields.append(FieldDefinition(name: "alamat", type: "text", required: false)) },
                [.init(path: "puskesmas.alamat", change: "field_added", from: nil, to: "text")]
            ),
            (
                "a field removed", { $0[0].fields.removeLast() },
                [.init(path: "puskesmas.kapasitas", change: "field_removed", from: "integer", to: nil)]
            ),
            (
                "a type changed", { $0[0].fields[2].type = "decimal" },
                [.init(path: "puskesmas.kapasitas", change: "type_changed", from: "integer", to: "decimal")]
            ),
            (
                "made required", { $0[0].fields[2].required = true },
                [.init(path: "puskesmas.kapasitas", change: "required_changed", from: "false", to: "true")]
            ),
            (
                "another key", { $0[0].primaryKey = ["kode", "nama"] },
                [.init(path: "puskesmas.primaryKey", change: "primary_key_changed", from: "kode", to: "kode,nama")]
            ),
            (
                "a dataset added", { $0.append(DatasetDefinition(name: "dokter", fields: [], primaryKey: [])) },
                [.init(path: "dokter", change: "dataset_added", from: nil, to: "dokter")]
            ),
            (
                "the dataset removed", { $0 = [] },
                [.init(path: "puskesmas", change: "dataset_removed", from: "puskesmas", to: nil)]
            ),
        ]

    @Test("the definition diff between two versions lists each change, path by path", arguments: revisions.indices)
    func diff(index: Int) {
        let row = Self.revisions[index]
        var v2 = Self.v1
        row.change(&v2)
        let diff = DefinitionDiff(from: Self.v1, version: 1, to: v2, version: 2)
        #expect(diff.changes == row.expected, "\(row.label)")
        #expect(diff.fromVersion == 1 && diff.toVersion == 2)
    }
}
