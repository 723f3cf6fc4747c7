import Foundation
import JembatanShared
import Testing

@testable import Provisioning

/// Provisioning's own rules without a stack: the integration unit test's synthetic record (SOP
/// step 6) must pass the contract it tests, and an exchange key is checked before any lookup.
@Suite("Provisioning rules")
struct ProvisioningRulesTests {
    /// Contracts of the shapes agencies declare; the synthetic record must be valid under each.
    static let contracts: [(label: String, fields: [FieldDefinition])] = [
        (
            "plain types",
            [
                FieldDefinition(name: "jumlah", type: "integer", required: true),
                FieldDefinition(name: "nilai", type: "decimal", required: true),
                FieldDefinition(name: "aktif", type: "boolean", required: true),
                FieldDefinition(name: "tanggal", type: "date", required: true),
                FieldDefinition(name: "waktu", type: "datetime", required: true),
                FieldDefinition(name: "catatan", type: "text", required: false),
            ]
        ),
        (
            "an enumeration",
            [FieldDefinition(name: "jenis_kelamin", type: "string", required: true, allowedValues: ["P", "L"])]
        ),
        (
            "a range that excludes 1",
            [FieldDefinition(name: "tahun", type: "integer", required: true, minimum: 2000, maximum: 2100)]
        ),
        ("a NIK pattern", [FieldDefinition(name: "nik", type: "string", required: true, pattern: "^[0-9]{16}$")]),
        (
            "a school code pattern",
            [FieldDefinition(name: "npsn", type: "string", required: true, pattern: "^P[0-9]{7}$")]
        ),
        (
            "alternation",
            [FieldDefinition(name: "status", type: "string", required: true, pattern: "^(negeri|swasta)$")]
        ),
    ]

    @Test("the integration test's synthetic record is valid under the contract it tests", arguments: contracts.indices)
    func syntheticRecordIsValid(index: Int) throws {
        let row = Self.contracts[index]
        let dataset = DatasetDefinition(
            name: "uji", fields: [FieldDefinition(name: "kode", type: "string", required: true)] + row.fields,
            primaryKey: ["kode"])
        let validator = try RecordValidator(dataset: dataset, references: [:])
        let record = SyntheticRecord.make(for: validator)
        guard case .invalid(let violations) = validator.validate(json: record) else { return }
        Issue.record("\(row.label): \(violations)")
    }

    @Test(
        "pattern samples: the shortest string each simple pattern accepts, nil for what it does not know",
        arguments: [
            ("^[0-9]{16}$", "0000000000000000"), ("^P[0-9]{7}$", "P0000000"), ("^(negeri|swasta)$", "negeri"),
            ("^\\d{2}\\.\\d{2}$", "00.00"), ("^[A-Z]+-[0-9]*$", "A-"),
        ])
    func patternSample(pattern: String, sample: String) {
        #expect(PatternSample.make(pattern) == sample)
    }

    @Test("a pattern it cannot sample (a negated class) gives nil, so the caller tries its other candidates")
    func unsampled() {
        #expect(PatternSample.make("^[^0-9]+$") == nil)
    }

    @Test(
        "an exchange key parses back to its credential id; a changed character or a wrong length is refused before any lookup"
    )
    func exchangeKey() {
        let id = ExchangeKey.newCredentialID()
        let key = ExchangeKey.generate(id: id)
        #expect(ExchangeKey(presented: key.text)?.id == id)
        var typo = Array(key.text)
        typo[20] = typo[20] == "a" ? "b" : "a"
        #expect(ExchangeKey(presented: String(typo)) == nil, "one mistyped character")
        #expect(ExchangeKey(presented: String(key.text.dropLast())) == nil, "one character short")
        #expect(ExchangeKey(presented: "Bearer " + key.text) == nil)
    }

    @Test("hub storage names are safe identifiers and versioned per request")
    func storageNames() {
        #expect(
            HubDataset.tableName(requestId: "0123456789abcdef", name: "puskesmas", storageVersion: 2)
                == "hub_01234567_puskesmas_v2")
        #expect(HubDataset.isSafeName("puskesmas_2026"))
        for unsafe in ["Puskesmas", "1data", "data-x", "data;drop", String(repeating: "a", count: 41), ""] {
            #expect(!HubDataset.isSafeName(unsafe), "\(unsafe)")
        }
    }
}
