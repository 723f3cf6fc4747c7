import Foundation
import JembatanShared

/// Turns an agency's own SQL DDL (`CREATE TABLE …`, PostgreSQL or MySQL flavour) into dataset
/// definitions, and reports line by line what it could not understand.
enum DDLImporter {
    /// Something in the DDL that was not imported (or imported with a caveat).
    struct Problem: Codable, Sendable, Equatable {
        /// 1-based line in the submitted text.
        var line: Int
        /// What was not understood and what happened to it.
        var message: String
    }

    /// The result of an import.
    struct Result: Codable, Sendable, Equatable {
        var datasets: [DatasetDefinition]
        var problems: [Problem]
    }

    /// Imports every `CREATE TABLE` in `sql`.
    static func importDefinitions(_ sql: String) -> Result {
        let text = Array(stripComments(sql))
        var datasets: [DatasetDefinition] = []
        var problems: [Problem] = []
        for statement in splitTopLevel(text, separator: ";", from: 0, to: text.count) {
            let content = String(text[statement]).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !content.isEmpty else { continue }
            let line = lineNumber(of: firstNonSpace(text, statement), in: text)
            let upper = content.uppercased()
            guard upper.hasPrefix("CREATE TABLE") || upper.hasPrefix("CREATE TEMPORARY TABLE") else {
                problems.append(
                    Problem(
                        line: line, message: "statement not imported (only CREATE TABLE is): \(content.prefix(40))…"))
                continue
            }
            guard let open = text[statement].firstIndex(of: "("), let close = matchingParenthesis(text, open) else {
                problems.append(Problem(line: line, message: "CREATE TABLE without a column list"))
                continue
            }
            let header = String(text[statement.lowerBound..<open])
            let tableName = normalizedIdentifier(
                header.split(whereSeparator: \.isWhitespace).last.map(String.init) ?? "")
            var table = TableBuilder(name: tableName)
            for item in splitTopLevel(text, separator: ",", from: open + 1, to: close) {
                let itemText = String(text[item]).trimmingCharacters(in: .whitespacesAndNewlines)
                guard !itemText.isEmpty else { continue }
                if let problem = table.add(itemText) {
                    problems.append(
                        Problem(line: lineNumber(of: firstNonSpace(text, item), in: text), message: problem))
                }
            }
            if table.fields.isEmpty {
                problems.append(Problem(line: line, message: "table \(tableName) has no columns that could be read"))
            }
            datasets.append(table.dataset)
        }
        return Result(datasets: datasets, problems: problems.sorted { $0.line < $1.line })
    }

    // MARK: - One table

    struct TableBuilder {
        let name: String
        var fields: [FieldDefinition] = []
        var primaryKey: [String] = []

        var dataset: DatasetDefinition {
            var fields = self.fields
            for index in fields.indices where primaryKey.contains(fields[index].name) { fields[index].required = true }
            return DatasetDefinition(name: name, fields: fields, primaryKey: primaryKey)
        }

        /// Adds a column or table constraint; returns a problem text when something was not understood.
        mutating func add(_ item: String) -> String? {
            let words = tokens(item)
            guard let first = words.first?.uppercased() else { return nil }
            switch first {
            case "PRIMARY":
                primaryKey = columnList(after: "KEY", in: item)
                return nil
            case "CONSTRAINT":
                if item.uppercased().contains("PRIMARY KEY") {
                    primaryKey = columnList(after: "KEY", in: item)
                } else if item.uppercased().contains("CHECK") {
                    return applyCheck(item)
                } else if item.uppercased().contains("FOREIGN KEY") {
                    return applyForeignKey(item)
                }
                return nil
            case "FOREIGN":
                return applyForeignKey(item)
            case "CHECK":
                return applyCheck(item)
            case "UNIQUE", "KEY", "INDEX", "FULLTEXT", "SPATIAL":
                return nil
            default:
                return addColumn(words, item: item)
            }
        }

        private mutating func addColumn(_ words: [String], item: String) -> String? {
            guard words.count >= 2 else { return "column '\(item)' has no type" }
            let column = normalizedIdentifier(words[0])
            let upper = item.uppercased()
            let rawType = typeText(words)
            var problem: String?
            var type = mapType(rawType)
            if type == nil {
                problem =
                    "column \(column): type '\(rawType)' is not understood; kept as '\(rawType.lowercased())' for the technical review"
                type = rawType.lowercased()
            }
            var field = FieldDefinition(
                name: column, type: type!, required: upper.contains("NOT NULL") || upper.contains("PRIMARY KEY"))
            if let comment = quotedValue(after: "COMMENT", in: item) { field.description = comment }
            if rawType.uppercased().hasPrefix("ENUM(") { field.allowedValues = quotedList(in: rawType) }
            if let check = range(of: "CHECK", in: item), let values = inValues(String(item[check.upperBound...])) {
                field.allowedValues = values
            }
            if let reference = referenceTarget(item) { field.references = reference }
            if upper.contains("PRIMARY KEY") { primaryKey = [column] }
            fields.append(field)
            return problem
        }

        private mutating func applyCheck(_ item: String) -> String? {
            guard let open = item.firstIndex(of: "(") else { return "CHECK constraint not understood" }
            let inner = String(item[item.index(after: open)...])
            let columnName = normalizedIdentifier(tokens(inner).first ?? "")
            guard let values = inValues(inner), let index = fields.firstIndex(where: { $0.name == columnName }) else {
                return "CHECK constraint not imported (only 'column IN (…)' is): \(item.prefix(60))"
            }
            fields[index].allowedValues = values
            return nil
        }

        private mutating func applyForeignKey(_ item: String) -> String? {
            let columns = columnList(after: "FOREIGN KEY", in: item)
            guard let target = referenceTarget(item), let column = columns.first,
                let index = fields.firstIndex(where: { $0.name == column })
            else {
                return "FOREIGN KEY not understood: \(item.prefix(60))"
            }
            fields[index].references = target
            return nil
        }
    }

    // MARK: - Types

    /// The type words of a column definition, e.g. `character varying(30)`, `double precision`, `int(11) unsigned`.
    static func typeText(_ words: [String]) -> String {
        let multiWord: Set<String> = ["VARYING", "PRECISION", "WITH", "WITHOUT", "TIME", "ZONE", "UNSIGNED"]
        var parts = [words[1]]
        var index = 2
        while index < words.count,
            multiWord.contains(words[index].uppercased().split(separator: "(").first.map(String.init) ?? "")
        {
            parts.append(words[index])
            index += 1
        }
        return parts.joined(separator: " ")
    }

    /// Maps a SQL type to a contract type; nil when not understood.
    static func mapType(_ raw: String) -> String? {
        let upper = raw.uppercased()
        let base = upper.split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? upper
        if base == "TINYINT", upper.hasPrefix("TINYINT(1)") { return "boolean" }
        switch base.split(separator: " ").first.map(String.init) ?? base {
        case "VARCHAR", "CHAR", "CHARACTER", "NVARCHAR", "NCHAR", "UUID", "CITEXT", "ENUM", "BPCHAR": return "string"
        case "TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "JSON", "JSONB": return "text"
        case "INT", "INTEGER", "SMALLINT", "BIGINT", "TINYINT", "MEDIUMINT", "SERIAL", "BIGSERIAL", "SMALLSERIAL",
            "INT2", "INT4", "INT8":
            return "integer"
        case "NUMERIC", "DECIMAL", "REAL", "DOUBLE", "FLOAT", "FLOAT4", "FLOAT8", "MONEY": return "decimal"
        case "BOOLEAN", "BOOL", "BIT": return "boolean"
        case "DATE": return "date"
        case "TIMESTAMP", "TIMESTAMPTZ", "DATETIME", "TIME", "TIMETZ": return "datetime"
        default: return nil
        }
    }

    // MARK: - Lexing helpers

    /// Replaces `-- …` and `/* … */` comments with spaces, keeping newlines (so line numbers stay right).
    static func stripComments(_ sql: String) -> String {
        var output: [Character] = []
        let characters = Array(sql)
        var index = 0
        var quote: Character?
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if let open = quote {
                output.append(character)
                if character == open { quote = nil }
                index += 1
            } else if character == "'" || character == "\"" || character == "`" {
                quote = character
                output.append(character)
                index += 1
            } else if character == "-", next == "-" {
                while index < characters.count, characters[index] != "\n" {
                    output.append(" ")
                    index += 1
                }
            } else if character == "/", next == "*" {
                while index < characters.count,
                    !(characters[index] == "*" && index + 1 < characters.count && characters[index + 1] == "/")
                {
                    output.append(characters[index] == "\n" ? "\n" : " ")
                    index += 1
                }
                output.append(contentsOf: "  ")
                index += 2
            } else {
                output.append(character)
                index += 1
            }
        }
        return String(output)
    }

    /// Ranges between top-level separators (outside parentheses and quotes).
    static func splitTopLevel(_ text: [Character], separator: Character, from start: Int, to end: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var depth = 0
        var quote: Character?
        var segmentStart = start
        var index = start
        while index < end {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" || character == "`" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if character == separator, depth == 0 {
                ranges.append(segmentStart..<index)
                segmentStart = index + 1
            }
            index += 1
        }
        ranges.append(segmentStart..<end)
        return ranges
    }

    static func matchingParenthesis(_ text: [Character], _ open: Int) -> Int? {
        var depth = 0
        var quote: Character?
        for index in open..<text.count {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" || character == "`" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    static func firstNonSpace(_ text: [Character], _ range: Range<Int>) -> Int {
        range.first { !text[$0].isWhitespace } ?? range.lowerBound
    }

    static func lineNumber(of offset: Int, in text: [Character]) -> Int {
        1 + text[..<min(offset, text.count)].filter { $0 == "\n" }.count
    }

    /// Whitespace-separated words, keeping a parenthesised group attached to its word (`varchar(30)`, `numeric(10, 2)`).
    static func tokens(_ item: String) -> [String] {
        var result: [String] = []
        var current = ""
        var depth = 0
        for character in item {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character.isWhitespace && depth == 0 {
                if !current.isEmpty {
                    result.append(current)
                    current = ""
                }
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    static func normalizedIdentifier(_ raw: String) -> String {
        let unquoted = raw.split(separator: ".").last.map(String.init) ?? raw
        let trimmed = unquoted.trimmingCharacters(in: CharacterSet(charactersIn: "\"`[]"))
        return String(trimmed.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    static func range(of word: String, in text: String) -> Range<String.Index>? {
        text.range(of: word, options: .caseInsensitive)
    }

    static func columnList(after keyword: String, in item: String) -> [String] {
        guard let keywordRange = range(of: keyword, in: item),
            let open = item[keywordRange.upperBound...].firstIndex(of: "("),
            let close = item[open...].firstIndex(of: ")")
        else { return [] }
        return item[item.index(after: open)..<close].split(separator: ",").map {
            normalizedIdentifier($0.trimmingCharacters(in: .whitespaces))
        }
    }

    static func referenceTarget(_ item: String) -> String? {
        guard let referencesRange = range(of: "REFERENCES", in: item) else { return nil }
        let rest = item[referencesRange.upperBound...].trimmingCharacters(in: .whitespaces)
        let table = normalizedIdentifier(String(rest.prefix { !$0.isWhitespace && $0 != "(" }))
        let columns = columnList(after: table, in: rest.lowercased())
        return columns.isEmpty ? table : "\(table).\(columns.joined(separator: ","))"
    }

    /// `… IN ('a', 'b')` → `["a", "b"]`.
    static func inValues(_ text: String) -> [String]? {
        guard let inRange = text.range(of: #"\bIN\s*\("#, options: [.regularExpression, .caseInsensitive]) else {
            return nil
        }
        let values = quotedList(in: String(text[inRange.lowerBound...]))
        return values.isEmpty ? nil : values
    }

    static func quotedList(in text: String) -> [String] {
        var values: [String] = []
        var current: String?
        for character in text {
            if character == "'" {
                if let value = current {
                    values.append(value)
                    current = nil
                } else {
                    current = ""
                }
            } else if current != nil {
                current!.append(character)
            } else if character == ")" {
                break
            }
        }
        return values
    }

    static func quotedValue(after keyword: String, in text: String) -> String? {
        guard let keywordRange = text.range(of: #"\b\#(keyword)\s+'"#, options: [.regularExpression, .caseInsensitive])
        else { return nil }
        let rest = text[keywordRange.upperBound...]
        return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
    }
}
