import Foundation
import JembatanShared
import Testing

@testable import Evaluation

/// The interchange document for people and for machines, from a fixed contract.
@Suite("Interchange document")
struct ContractDocumentTests {
    static let hostile = #"<script>alert("x")</script>"#
    static let contract = ContractDocumentController.Contract(
        contractId: "c1", requestId: "r1", version: 2, agencyCode: "3514", consumers: ["3515"],
        agreedAt: ISO8601DateFormatter().date(from: "2026-12-04T02:30:00Z")!,
        datasets: [
            DatasetDefinition(
                name: "kunjungan", description: hostile,
                fields: [
                    FieldDefinition(name: "id", type: "string", required: true, pattern: "^K[0-9]{4}$"),
                    FieldDefinition(
                        name: "umur", type: "integer", required: false, description: hostile, minimum: 0, maximum: 120),
                ], primaryKey: ["id"])
        ])

    @Test("the printable document lists every field with its rules in words, hostile text escaped")
    func document() throws {
        let html = try ContractSchema.html(Self.contract)
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;"))
        #expect(
            html.contains("<code>id</code> <b>(kunci)</b>") && html.contains("pola: ^K[0-9]{4}$")
                && html.contains("minimum: 0; maksimum: 120"))
        #expect(html.contains("versi 2, disepakati 4 Des 2026"))
    }

    @Test("schema.json carries the pattern, minimum and maximum the hub enforces")
    func schema() throws {
        let schema = ContractSchema.jsonSchema(of: Self.contract.datasets[0], contract: "c1", version: 2)
        let properties = try #require(schema["properties"] as? [String: [String: Any]])
        #expect(properties["id"]?["pattern"] as? String == "^K[0-9]{4}$")
        #expect(properties["umur"]?["minimum"] as? Double == 0 && properties["umur"]?["maximum"] as? Double == 120)
        #expect(properties["umur"]?["type"] as? [String] == ["integer", "null"], "optional: a number or null")
    }
}
