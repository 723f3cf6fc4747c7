import Foundation

/// One rule a pushed record broke.
public struct RecordViolation: Error, Sendable, Equatable, Codable {
    /// Field name, or nil for the record as a whole.
    public var field: String?
    /// Machine-readable rule: `syntax`, `unknown_field`, `required`, `type`, `enum`, `pattern`,
    /// `minimum`, `maximum`, `reference`, `reference_unavailable`, `key`.
    public var rule: String
    /// What is wrong, for the producer.
    public var message: String

    /// A violation of `rule` by `field` (nil: the record as a whole).
    public init(field: String?, rule: String, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }
}

/// The verdict on one record.
public enum CheckedRecord: Sendable {
    case valid(ValidRecord)
    case invalid([RecordViolation])
}

/// A record that passed: its key and its canonical JSON text.
public struct ValidRecord: Sendable, Equatable {
    /// The record's key (its primary key fields, joined).
    public var key: String
    /// The record as canonical JSON.
    public var json: String

    /// A record that passed, under `key`.
    public init(key: String, json: String) {
        self.key = key
        self.json = json
    }
}

/// The dataset contract compiled for checking records quickly: one entry per field, regular
/// expressions built once, reference codes looked up in sets.
public struct RecordValidator: Sendable {
    /// A field's kind (``FieldKind``, the domain's one definition).
    public typealias Kind = FieldKind

    /// One contract field, compiled for checking.
    public struct Field: @unchecked Sendable {
        // NSRegularExpression is immutable once built and documented thread-safe for matching.
        /// The field's name.
        public let name: String
        /// Its kind.
        public let kind: Kind
        /// Whether every record must carry it.
        public let required: Bool
        /// The only values allowed, if listed.
        public let allowed: Set<String>?
        /// The pattern values must match in full, compiled.
        public let pattern: NSRegularExpression?
        /// The same pattern, when it is simple enough for the fast matcher.
        public let simplePattern: SimplePattern?
        /// The pattern as written in the contract.
        public let patternText: String?
        /// Smallest allowed number.
        public let minimum: Double?
        /// Largest allowed number.
        public let maximum: Double?
        /// The reference list its values must come from.
        public let referenceSet: String?
    }

    /// Kemendagri region codes: `35`, `35.14`, `35.14.01`, `35.14.01.2001`.
    public static let regionCodePattern = #"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"#

    /// The contract's fields, in order.
    public let fields: [Field]
    /// A field's position by name.
    public let index: [String: Int]
    /// Positions of the primary key's fields.
    public let keyFields: [Int]
    /// Codes of each reference list the contract uses.
    public let references: [String: Set<String>]

    /// Reference sets the contract refers to (`references: "wilayah.kode"` → `wilayah`; region codes → `wilayah`).
    public static func referenceSets(of dataset: DatasetDefinition) -> Set<String> {
        Set(dataset.fields.compactMap(referenceSet(of:)))
    }

    /// The reference list a field's values come from, if any.
    public static func referenceSet(of field: FieldDefinition) -> String? {
        if let references = field.references, let table = references.split(separator: ".").first {
            return String(table)
        }
        return field.kind == .regionCode ? "wilayah" : nil
    }

    /// Compiles `dataset`; fails when the contract itself cannot be applied (unknown type, bad pattern).
    public init(dataset: DatasetDefinition, references: [String: Set<String>]) throws {
        var fields: [Field] = []
        for definition in dataset.fields {
            guard let kind = definition.kind else {
                throw RecordViolation(
                    field: definition.name, rule: "contract",
                    message: "the contract declares unknown type '\(definition.type)'")
            }
            let patternText = definition.pattern ?? (kind == .regionCode ? Self.regionCodePattern : nil)
            var pattern: NSRegularExpression?
            if let patternText {
                do { pattern = try NSRegularExpression(pattern: patternText) } catch {
                    throw RecordViolation(
                        field: definition.name, rule: "contract",
                        message: "the contract's pattern '\(patternText)' is not a valid regular expression")
                }
            }
            fields.append(
                Field(
                    name: definition.name, kind: kind,
                    required: definition.required || dataset.primaryKey.contains(definition.name),
                    allowed: definition.allowedValues.map(Set.init), pattern: pattern,
                    simplePattern: patternText.flatMap { SimplePattern.compile($0) }, patternText: patternText,
                    minimum: definition.minimum, maximum: definition.maximum,
                    referenceSet: Self.referenceSet(of: definition)
                ))
        }
        var index: [String: Int] = [:]
        for (position, field) in fields.enumerated() { index[field.name] = position }
        self.fields = fields
        self.index = index
        self.keyFields = dataset.primaryKey.compactMap { index[$0] }
        self.references = references
    }

    /// Checks a record given as JSON values.
    public func validate(json pairs: [(String, FieldValue)]) -> CheckedRecord {
        var values = [FieldValue](repeating: .null, count: fields.count)
        var violations: [RecordViolation] = []
        for (name, value) in pairs {
            guard let position = index[name] else {
                violations.append(
                    RecordViolation(field: name, rule: "unknown_field", message: "the contract has no field '\(name)'"))
                continue
            }
            values[position] = value
        }
        return finish(values, violations: violations, fromText: false)
    }

    /// Checks a record given as text cells (a CSV row), typed by the contract.
    public func validate(cells: [String], columns: [Int?]) -> CheckedRecord {
        var values = [FieldValue](repeating: .null, count: fields.count)
        for (cell, column) in zip(cells, columns) {
            guard let column, !cell.isEmpty else { continue }
            values[column] = .string(cell)
        }
        var violations: [RecordViolation] = []
        if cells.count != columns.count {
            violations.append(
                RecordViolation(
                    field: nil, rule: "syntax", message: "the row has \(cells.count) cells, the header \(columns.count)"
                ))
        }
        return finish(values, violations: violations, fromText: true)
    }

    private func finish(_ values: [FieldValue], violations initial: [RecordViolation], fromText: Bool) -> CheckedRecord
    {
        var violations = initial
        var json = "{"
        var first = true
        for (position, field) in fields.enumerated() {
            let value = values[position]
            if case .null = value {
                if field.required {
                    violations.append(
                        RecordViolation(field: field.name, rule: "required", message: "'\(field.name)' is required"))
                }
                continue
            }
            switch check(value, of: field, fromText: fromText) {
            case .failure(let violation): violations.append(violation)
            case .success(let literal):
                if !first { json.append(",") }
                first = false
                FlatRecordJSON.appendString(field.name, to: &json)
                json.append(":")
                json.append(literal)
            }
        }
        json.append("}")
        guard violations.isEmpty else { return .invalid(violations) }
        var key = ""
        for (offset, position) in keyFields.enumerated() {
            let part: String =
                switch values[position] {
                case .string(let text), .number(let text): text
                case .bool(let flag): flag ? "true" : "false"
                case .null: ""
                }
            if part.contains("|") {
                return .invalid([
                    RecordViolation(
                        field: fields[position].name, rule: "key",
                        message: "key values cannot contain '|' (it joins composite keys)")
                ])
            }
            if offset > 0 { key.append("|") }
            key.append(part)
        }
        return .valid(ValidRecord(key: key, json: json))
    }

    /// The value's JSON literal, or the rule it broke.
    private func check(_ value: FieldValue, of field: Field, fromText: Bool) -> Result<String, RecordViolation> {
        func broke(_ rule: String, _ message: String) -> Result<String, RecordViolation> {
            .failure(RecordViolation(field: field.name, rule: rule, message: message))
        }
        var value = value
        if fromText, field.kind == .integer || field.kind == .decimal, case .string(let cell) = value {
            value = .number(cell)  // every CSV cell is text; its field's type says what it is
        }
        var text: String
        var literal: String
        switch (field.kind, value) {
        case (.integer, .number(let number)):
            guard let parsed = Int64(number) else {
                return broke("type", "'\(field.name)' must be an integer, got \(value.described)")
            }
            text = String(parsed)
            literal = text
        case (.decimal, .number(let number)):
            guard Self.isJSONNumber(number), Double(number) != nil else {
                return broke(
                    "type", "'\(field.name)' must be a decimal number (dot as separator), got \(value.described)")
            }
            text = number
            literal = number
        case (.boolean, .bool(let flag)):
            text = flag ? "true" : "false"
            literal = text
        case (.boolean, .string(let word)) where fromText:
            switch word.lowercased() {
            case "true": text = "true"
            case "false": text = "false"
            default: return broke("type", "'\(field.name)' must be true or false, got \(value.described)")
            }
            literal = text
        case (.string, .string(let string)), (.text, .string(let string)), (.regionCode, .string(let string)):
            text = string
            literal = ""
        case (.date, .string(let string)):
            guard Self.isDate(string) else {
                return broke("type", "'\(field.name)' must be a date YYYY-MM-DD, got \(value.described)")
            }
            text = string
            literal = ""
        case (.datetime, .string(let string)):
            guard Self.isDateTime(string) else {
                return broke(
                    "type", "'\(field.name)' must be an ISO 8601 date-time with offset, got \(value.described)")
            }
            text = string
            literal = ""
        default:
            return broke("type", "'\(field.name)' must be \(field.kind.rawValue), got \(value.described)")
        }
        if let allowed = field.allowed, !allowed.contains(text) {
            return broke(
                "enum", "'\(field.name)' must be one of \(allowed.sorted().joined(separator: ", ")), got '\(text)'")
        }
        // A code found in its reference list already has the list's shape: the list is checked first.
        let listed = field.referenceSet.flatMap { references[$0]?.contains(text) } ?? false
        if !listed, let pattern = field.pattern {
            let fits: Bool
            if let simple = field.simplePattern, let fast = simple.matches(text) {
                fits = fast
            } else {
                let range = NSRange(text.startIndex..., in: text)
                fits = pattern.firstMatch(in: text, options: [.anchored], range: range)?.range == range
            }
            guard fits else {
                return broke("pattern", "'\(field.name)' must match \(field.patternText ?? ""), got '\(text)'")
            }
        }
        if field.minimum != nil || field.maximum != nil, let number = Double(text) {
            if let minimum = field.minimum, number < minimum {
                return broke("minimum", "'\(field.name)' must be at least \(minimum.formatted()), got \(text)")
            }
            if let maximum = field.maximum, number > maximum {
                return broke("maximum", "'\(field.name)' must be at most \(maximum.formatted()), got \(text)")
            }
        }
        if let set = field.referenceSet {
            guard let codes = references[set] else {
                return broke(
                    "reference_unavailable", "reference list '\(set)' for '\(field.name)' is not loaded in the hub")
            }
            guard listed || codes.contains(text) else {
                return broke("reference", "'\(text)' is not a code of reference list '\(set)'")
            }
        }
        if literal.isEmpty {
            FlatRecordJSON.appendString(text, to: &literal)
        }
        return .success(literal)
    }

    /// Whether `text` is a JSON number.
    public static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let integer = bytes.prefix { (48...57).contains($0) }
        guard !integer.isEmpty, integer.count == 1 || integer.first != 48 else { return false }
        bytes = bytes.dropFirst(integer.count)
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            let fraction = bytes.prefix { (48...57).contains($0) }
            guard !fraction.isEmpty else { return false }
            bytes = bytes.dropFirst(fraction.count)
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix { (48...57).contains($0) }
            guard !exponent.isEmpty else { return false }
            bytes = bytes.dropFirst(exponent.count)
        }
        return bytes.isEmpty
    }

    /// `YYYY-MM-DD`, a real calendar day.
    public static func isDate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45,
            let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]),
            (1...12).contains(month), day >= 1
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    public static func isDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, isDate(String(decoding: bytes[0..<10], as: UTF8.self)),
            bytes[10] == 84 || bytes[10] == 32,
            let hour = number(bytes[11..<13]), bytes[13] == 58, let minute = number(bytes[14..<16]), bytes[16] == 58,
            let second = number(bytes[17..<19]), hour < 24, minute < 60, second < 61
        else { return false }
        var rest = bytes[19...]
        if rest.first == 46 {
            rest = rest.dropFirst()
            let fraction = rest.prefix { (48...57).contains($0) }
            guard !fraction.isEmpty else { return false }
            rest = rest.dropFirst(fraction.count)
        }
        if Array(rest) == [90] { return true }
        guard rest.count == 6, rest.first == 43 || rest.first == 45,
            let offsetHour = number(rest.dropFirst().prefix(2)),
            rest[rest.startIndex + 3] == 58, let offsetMinute = number(rest.suffix(2))
        else { return false }
        return offsetHour < 15 && offsetMinute < 60
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (48...57).contains(digit) else { return nil }
            value = value * 10 + Int(digit - 48)
        }
        return value
    }
}

extension FieldValue {
    /// Whether the value is a number.
    public var isNumber: Bool {
        if case .number = self { return true }
        return false
    }

    /// How the value is named in an error.
    public var described: String {
        switch self {
        case .string(let text): "the string '\(text.prefix(60))'"
        case .number(let text): "the number \(text)"
        case .bool(let flag): "\(flag)"
        case .null: "null"
        }
    }
}
