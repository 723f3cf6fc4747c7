import Foundation
import Hummingbird
import Testing

@testable import JembatanShared

@Suite("Records: parsing and contract checks")
struct RecordsTests {
    static func parse(_ text: String) throws -> [(String, FieldValue)] {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { try FlatRecordJSON.parseObject(UnsafeBufferPointer($0)) }
    }

    @Test("flat JSON objects: escapes and surrogate pairs decode; nesting, trailing text and bad numbers are refused")
    func flatJSON() throws {
        let fields = try Self.parse(#"{"a":"x\"y\\z\u00e9\ud83d\ude00","b":-1.5e3,"c":true,"d":null}"#)
        #expect(fields.map(\.0) == ["a", "b", "c", "d"])
        #expect(fields[0].1 == .string("x\"y\\zé😀"))
        #expect(fields[1].1 == .number("-1.5e3") && fields[2].1 == .bool(true) && fields[3].1 == .null)
        for bad in [
            #"{"a":{"b":1}}"#, #"{"a":[1]}"#, #"{"a":1} x"#, #"{"a":01}"#, #"{"a":"\ud83d"}"#, #"{"a":tru}"#, #"["a"]"#,
            "{\"a\":\"x\ny\"}",
        ] {
            #expect(throws: RecordSyntaxError.self, "\(bad)") { try Self.parse(bad) }
        }
    }

    @Test("CSV rows: quotes, doubled quotes, commas and newlines inside quotes; lines split across buffers")
    func csv() throws {
        var splitter = LineSplitter(csv: true)
        var rows: [[String]] = []
        let body = "a,b,c\r\n1,\"x, \"\"y\"\"\",\"two\nlines\"\n2,,\n"
        for chunk in stride(from: 0, to: body.utf8.count, by: 5).map({
            Array(body.utf8)[$0..<min($0 + 5, body.utf8.count)]
        }) {
            var buffer = ByteBuffer()
            buffer.writeBytes(chunk)
            try splitter.feed(buffer) { line, _ in rows.append(CSVRow.cells(line)) }
        }
        try splitter.finish { line, _ in rows.append(CSVRow.cells(line)) }
        #expect(rows == [["a", "b", "c"], ["1", "x, \"y\"", "two\nlines"], ["2", "", ""]])
    }

    @Test(
        "the fast pattern matcher agrees with NSRegularExpression on ASCII text and defers other text to it",
        arguments: [
            #"^[A-Z]{2}[0-9]{3}$"#, #"^K[0-9]{9}$"#, #"^\d{16}$"#, #"^[a-z_]+$"#, #"^P\d{2,4}-[A-Z]?$"#, #"^.{3}$"#,
            #"^\w\s\w$"#,
        ])
    func simplePattern(pattern: String) throws {
        let fast = try #require(SimplePattern.compile(pattern))
        let regex = try NSRegularExpression(pattern: pattern)
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("AKPZaz_09-5x\u{e9}. \t\r\n\u{0663}")
        for _ in 0..<3000 {
            let text = String(
                (0..<Int.random(in: 0...18, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let range = NSRange(text.startIndex..., in: text)
            let expected = regex.firstMatch(in: text, options: [.anchored], range: range)?.range == range
            let ascii = text.unicodeScalars.allSatisfy(\.isASCII)
            #expect(fast.matches(text) == (ascii ? expected : nil), "\(pattern) on '\(text)'")
        }
    }

    @Test("patterns with groups, alternation or backtracking are left to the full engine")
    func simplePatternDeclines() {
        for pattern in [#"^(a|b)$"#, #"^\d{2}(\.\d{2})?$"#, #"^a*a$"#, #"abc"#, #"^[^a]$"#] {
            #expect(SimplePattern.compile(pattern) == nil, "\(pattern)")
        }
    }

    @Test(
        "contract checks: CSV text is typed by the field; calendar dates, ISO date-times and reference codes are checked"
    )
    func validator() throws {
        let dataset = DatasetDefinition(
            name: "d",
            fields: [
                FieldDefinition(name: "id", type: "string", required: true, pattern: #"^[A-Z]\d{2}$"#),
                FieldDefinition(name: "n", type: "integer", required: false, minimum: 0, maximum: 10),
                FieldDefinition(name: "tgl", type: "date", required: false),
                FieldDefinition(name: "waktu", type: "datetime", required: false),
                FieldDefinition(name: "wilayah", type: "region_code", required: false),
            ], primaryKey: ["id"])
        let validator = try RecordValidator(dataset: dataset, references: ["wilayah": ["35.14"]])
        guard
            case .valid(let record) = validator.validate(
                cells: ["A01", "7", "2024-02-29", "2026-01-02T03:04:05+07:00", "35.14"], columns: [0, 1, 2, 3, 4])
        else {
            Issue.record("a valid CSV row was refused")
            return
        }
        #expect(record.key == "A01")
        #expect(
            record.json
                == #"{"id":"A01","n":7,"tgl":"2024-02-29","waktu":"2026-01-02T03:04:05+07:00","wilayah":"35.14"}"#)
        let broken = validator.validate(
            cells: ["a1", "11", "2023-02-29", "2026-01-02 03:04", "35.99"], columns: [0, 1, 2, 3, 4])
        guard case .invalid(let violations) = broken else {
            Issue.record("a broken row passed")
            return
        }
        #expect(
            violations.map { "\($0.field ?? "")/\($0.rule)" } == [
                "id/pattern", "n/maximum", "tgl/type", "waktu/type", "wilayah/reference",
            ])
    }
}

@Suite("Contract versions on the hub")
struct ContractChangeTests {
    static let base = DatasetDefinition(
        name: "d",
        fields: [
            FieldDefinition(name: "id", type: "string", required: true),
            FieldDefinition(name: "jenis", type: "string", required: true, allowedValues: ["a", "b"]),
            FieldDefinition(name: "n", type: "integer", required: false, minimum: 0, maximum: 10),
        ], primaryKey: ["id"])

    @Test("additive changes keep the storage: a new optional field, wider allowed values, a wider range, a description")
    func additive() {
        var next = Self.base
        next.fields.append(FieldDefinition(name: "catatan", type: "text", required: false))
        next.fields[1].allowedValues = ["a", "b", "c"]
        next.fields[2].maximum = 20
        next.fields[0].description = "kode"
        #expect(ContractChange.breakingChanges(from: Self.base, to: next).isEmpty)
    }

    @Test(
        "breaking changes get a new storage version, each named",
        arguments: [
            ("key", "primary key"), ("removed", "removed"), ("type", "type"), ("required", "became required"),
            ("enum", "allowed values narrowed"), ("range", "range narrowed"), ("newRequired", "new required field"),
        ])
    func breaking(change: String, named: String) {
        var next = Self.base
        switch change {
        case "key": next.primaryKey = ["id", "jenis"]
        case "removed": next.fields.removeLast()
        case "type": next.fields[2].type = "decimal"
        case "required": next.fields[2].required = true
        case "enum": next.fields[1].allowedValues = ["a"]
        case "range": next.fields[2].minimum = 1
        default: next.fields.append(FieldDefinition(name: "wajib", type: "string", required: true))
        }
        let changes = ContractChange.breakingChanges(from: Self.base, to: next)
        #expect(changes.count == 1 && changes[0].description.contains(named), "\(changes)")
    }
}

@Suite("SQL identifiers")
struct SQLIdentifierTests {
    @Test(
        "only plain lower-case names (optionally schema-qualified) become identifiers",
        arguments: [
            ("provisioning.hub_0123abcd_puskesmas_v2", true), ("reporting", true), ("_scratch.requests", true),
            ("Reporting", false), ("a.b.c", false), ("hub; DROP TABLE x", false), ("", false), ("1abc", false),
            ("a.", false),
            (String(repeating: "a", count: 64), false), ("hub\"x", false),
        ])
    func identifiers(text: String, valid: Bool) {
        #expect((SQLIdentifier(text) != nil) == valid, "\(text)")
    }
}
