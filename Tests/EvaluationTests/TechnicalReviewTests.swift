import JembatanShared
import Testing

@testable import Evaluation

/// The automated part of the technical review (SOP step 3), without a stack.
@Suite("Technical review")
struct TechnicalReviewTests {
    static func dataset(
        _ fields: [FieldDefinition], key: [String] = ["id"], classification: String? = "restricted",
        name: String = "penduduk"
    ) -> DatasetDefinition {
        DatasetDefinition(
            name: name, fields: [FieldDefinition(name: "id", type: "string", required: true)] + fields, primaryKey: key,
            classification: classification)
    }

    /// One structure per row: the rule each must raise (and with what severity), or none.
    static let structureCases:
        [(label: String, dataset: DatasetDefinition, rule: String?, severity: FindingSeverity?)] = [
            ("a clean dataset", dataset([FieldDefinition(name: "jumlah", type: "integer", required: true)]), nil, nil),
            ("no primary key", dataset([], key: []), "missing_primary_key", .blocking),
            ("a key field that does not exist", dataset([], key: ["kode"]), "unknown_primary_key_field", .blocking),
            (
                "an unknown type", dataset([FieldDefinition(name: "luas", type: "float", required: false)]),
                "invalid_type", .blocking
            ),
            (
                "a camelCase name",
                dataset([FieldDefinition(name: "jumlahPenduduk", type: "integer", required: false)]), "naming", .warning
            ),
            (
                "a code declared as free text",
                dataset([FieldDefinition(name: "kode_sekolah", type: "text", required: false)]), "vague_type", .warning
            ),
            (
                "a personal field", dataset([FieldDefinition(name: "alamat", type: "string", required: false)]),
                "personal_data", .warning
            ),
            ("NIK", dataset([FieldDefinition(name: "nik", type: "string", required: false)]), "nik_format", .warning),
            (
                "a region code", dataset([FieldDefinition(name: "kode_desa", type: "string", required: false)]),
                "reference_code", .info
            ),
            (
                "personal data in a public dataset",
                dataset([FieldDefinition(name: "nama", type: "string", required: false)], classification: "public"),
                "classification", .blocking
            ),
        ]

    @Test("each structure rule fires on its case and only there", arguments: structureCases.indices)
    func structureRule(index: Int) {
        let row = Self.structureCases[index]
        let findings = TechnicalReview.structureFindings(row.dataset)
        if let rule = row.rule {
            let hit = findings.first { $0.rule == rule }
            #expect(hit?.severity == row.severity, "\(row.label): \(findings)")
        } else {
            #expect(findings.isEmpty, "\(row.label): \(findings)")
        }
    }

    @Test("a dataset already in the hub under the same name or sharing 80 % of its fields is an overlap; 50 % is not")
    func overlap() {
        let mine = Self.dataset((1...4).map { FieldDefinition(name: "f\($0)", type: "string", required: false) })
        let similar = Self.dataset(
            (1...3).map { FieldDefinition(name: "f\($0)", type: "string", required: false) } + [
                FieldDefinition(name: "x", type: "string", required: false)
            ], name: "lain")
        let different = Self.dataset(
            [
                FieldDefinition(name: "f1", type: "string", required: false),
                FieldDefinition(name: "y", type: "string", required: false),
                FieldDefinition(name: "z", type: "string", required: false),
                FieldDefinition(name: "w", type: "string", required: false),
            ], name: "beda")
        #expect(
            TechnicalReview.overlapFindings(mine, existing: [.init(requestId: "REQ-1", dataset: similar)]).map(\.rule)
                == ["overlap_with_hub"])
        #expect(
            TechnicalReview.overlapFindings(mine, existing: [.init(requestId: "REQ-2", dataset: different)]).isEmpty)
        #expect(
            TechnicalReview.overlapFindings(
                mine, existing: [.init(requestId: "REQ-3", dataset: Self.dataset([], name: "penduduk"))]
            ).count == 1, "same name")
    }

    /// The two old definitions disagreed on these: the review said "nothing breaks" while
    /// provisioning created a new storage version. Now the review reports each one.
    static let onceDisagreed: [(label: String, change: @Sendable (inout DatasetDefinition) -> Void)] = [
        ("allowed values narrowed", { $0.fields[1].allowedValues = ["L"] }),
        ("a pattern added", { $0.fields[1].pattern = "^[LP]$" }),
        ("a range narrowed", { $0.fields[2].maximum = 100 }),
        (
            "a new required field",
            { $0.fields.append(FieldDefinition(name: "kode_desa", type: "string", required: true)) }
        ),
    ]

    @Test(
        "the review reports every change that makes provisioning create a new storage version, including those the old review missed",
        arguments: onceDisagreed.indices)
    func breakingChangeAgreesWithProvisioning(index: Int) {
        let previous = Self.dataset([
            FieldDefinition(name: "jenis_kelamin", type: "string", required: true, allowedValues: ["L", "P"]),
            FieldDefinition(name: "umur", type: "integer", required: false, minimum: 0, maximum: 150),
        ])
        var next = previous
        Self.onceDisagreed[index].change(&next)
        let provisioning = ContractChange.breakingChanges(from: previous, to: next)
        let review = TechnicalReview.findings(for: [next], previousContract: [previous]).filter {
            $0.rule == "breaking_change"
        }
        #expect(!provisioning.isEmpty, "\(Self.onceDisagreed[index].label) is breaking")
        #expect(review.count == provisioning.count, "\(Self.onceDisagreed[index].label): \(review)")
        #expect(review.allSatisfy { $0.message.contains("new storage version") })
    }

    @Test("an additive change (a new optional field, wider allowed values) is not reported as breaking")
    func additiveIsNotBreaking() {
        let previous = Self.dataset([
            FieldDefinition(name: "jenis", type: "string", required: true, allowedValues: ["a"])
        ])
        var next = previous
        next.fields[1].allowedValues = ["a", "b"]
        next.fields.append(FieldDefinition(name: "catatan", type: "string", required: false))
        #expect(
            TechnicalReview.findings(for: [next], previousContract: [previous]).filter { $0.rule == "breaking_change" }
                .isEmpty)
    }
}
