import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// SOP step 6, the integration unit test: before the API is announced, the hub exercises each
/// dataset's exchange path the way a producer and a consumer will — a synthetic record valid
/// under the contract is pushed with write scope through the same staging and upsert as
/// `POST …/records`, read back with read scope, wrong scopes and other datasets are refused —
/// inside a savepoint that is always rolled back, so no test record ever reaches a reader.
struct IntegrationTest {
    let references: ReferenceCodes

    func run(_ dataset: HubDataset, on connection: PostgresConnection, logger: Logger) async throws
        -> [IntegrationCheck]
    {
        var checks: [IntegrationCheck] = []
        let lists = try await references.lists(
            RecordValidator.referenceSets(of: dataset.definition), on: connection, logger: logger)
        let validator: RecordValidator
        do { validator = try RecordValidator(dataset: dataset.definition, references: lists) } catch let error
            as RecordViolation
        {
            checks.append(
                IntegrationCheck(
                    dataset: dataset.name, check: "contract_applicable", passed: false,
                    "\(error.field ?? "contract"): \(error.message)"))
            return checks
        }
        let synthetic = SyntheticRecord.make(for: validator)
        let valid: ValidRecord
        switch validator.validate(json: synthetic) {
        case .valid(let record): valid = record
        case .invalid(let violations):
            checks.append(
                IntegrationCheck(
                    dataset: dataset.name, check: "synthetic_record_valid", passed: false,
                    violations.map { "\($0.field ?? "record"): \($0.message)" }.joined(separator: "; ")))
            return checks
        }
        checks.append(
            IntegrationCheck(
                dataset: dataset.name, check: "synthetic_record_valid", passed: true,
                "a record valid under contract v\(dataset.contractVersion) was built: key '\(valid.key)'"))
        let existedBefore = try await ExchangeStore.exists(
            valid.key, in: dataset.storageTable, on: connection, logger: logger)
        let writer = ExchangeCaller(
            credentialId: "integration-test", agencyCode: dataset.agencyCode, scope: .write,
            datasetId: dataset.datasetId,
            requestId: dataset.requestId, ratePerMinute: 1)
        var reader = writer
        reader.scope = .read
        // Everything the test writes is rolled back, whatever happens.
        try await ExchangeStore.rolledBack(on: connection, logger: logger) {
            do {
                try writer.authorize(.write, on: dataset.datasetId)
                _ = try await RecordStage.stage(on: connection, logger: logger) { stage in try await stage.append(valid)
                }
                let (inserted, updated) = try await HubStore.upsertStaged(
                    into: dataset.storageTable, at: Date(), on: connection, logger: logger)
                checks.append(
                    IntegrationCheck(
                        dataset: dataset.name, check: "write_with_write_scope", passed: true,
                        "pushed with scope write: \(inserted) inserted, \(updated) updated"))
                try reader.authorize(.read, on: dataset.datasetId)
                let same = try await ExchangeStore.holds(
                    valid.key, json: valid.json, in: dataset.storageTable, on: connection, logger: logger)
                checks.append(
                    IntegrationCheck(
                        dataset: dataset.name, check: "read_back_with_read_scope", passed: same,
                        same
                            ? "read back with scope read, identical to what was pushed"
                            : "the record read back differs from the one pushed"))
                let refusals = [
                    (try? reader.authorize(.write, on: dataset.datasetId)) == nil ? nil : "a read key could push",
                    (try? writer.authorize(.read, on: dataset.datasetId)) == nil ? nil : "a write key could read",
                    (try? reader.authorize(.read, on: "another-dataset")) == nil
                        ? nil : "a key reached another dataset",
                ].compactMap { $0 }
                checks.append(
                    IntegrationCheck(
                        dataset: dataset.name, check: "wrong_scope_refused", passed: refusals.isEmpty,
                        refusals.isEmpty
                            ? "push with a read key, read with a write key and access to another dataset were refused"
                            : refusals.joined(separator: "; ")))
            } catch {
                checks.append(
                    IntegrationCheck(dataset: dataset.name, check: "exchange_path", passed: false, "\(error)"))
            }
        }
        let existsAfter = try await ExchangeStore.exists(
            valid.key, in: dataset.storageTable, on: connection, logger: logger)
        checks.append(
            IntegrationCheck(
                dataset: dataset.name, check: "cleanup", passed: existsAfter == existedBefore,
                existsAfter == existedBefore
                    ? "the test record was rolled back; stored records untouched" : "the test record remained"))
        return checks
    }
}

/// Builds a record the contract accepts: first allowed values, the smallest code of a
/// reference list, values inside ranges, strings that fit the declared pattern when one of a
/// few common shapes does. When none fits, the record fails validation and the test says why.
enum SyntheticRecord {
    static func make(for validator: RecordValidator) -> [(String, FieldValue)] {
        validator.fields.map { field in (field.name, value(for: field, validator: validator)) }
    }

    private static func value(for field: RecordValidator.Field, validator: RecordValidator) -> FieldValue {
        if let allowed = field.allowed?.sorted().first {
            return field.kind == .integer || field.kind == .decimal
                ? .number(allowed) : field.kind == .boolean ? .bool(allowed == "true") : .string(allowed)
        }
        if let set = field.referenceSet {
            let codes = validator.references[set] ?? []
            let fitting = codes.filter { code in
                guard let pattern = field.pattern else { return true }
                let range = NSRange(code.startIndex..., in: code)
                return pattern.firstMatch(in: code, options: [.anchored], range: range)?.range == range
            }
            return .string(fitting.min() ?? "")
        }
        switch field.kind {
        case .integer: return .number(String(Int64(max(field.minimum ?? 1, min(field.maximum ?? 1, 1)).rounded(.up))))
        case .decimal: return .number(String(max(field.minimum ?? 1.5, min(field.maximum ?? 1.5, 1.5))))
        case .boolean: return .bool(true)
        case .date: return .string("2026-01-02")
        case .datetime: return .string("2026-01-02T03:04:05Z")
        case .string, .text, .regionCode:
            guard let pattern = field.pattern else { return .string("UJI-INTEGRASI") }
            let candidates = [
                PatternSample.make(field.patternText ?? ""), "UJI-INTEGRASI", "UJI", "1", "0000000000000001", "X",
            ].compactMap { $0 }
            let fitting = candidates.first { candidate in
                let range = NSRange(candidate.startIndex..., in: candidate)
                return pattern.firstMatch(in: candidate, options: [.anchored], range: range)?.range == range
            }
            return .string(fitting ?? candidates[0])
        }
    }
}

extension IntegrationCheck {
    init(dataset: String, check: String, passed: Bool, _ detail: String) {
        self.init(dataset: dataset, check: check, passed: passed, detail: detail)
    }
}

/// The shortest string a simple regular expression accepts: literals, `\\d`, `\\w`, `.`, classes
/// (their first member), groups and alternation (the first branch), quantifiers at their minimum
/// (`+` once). Nil for constructs it does not know; the caller then checks other candidates.
enum PatternSample {
    static func make(_ pattern: String) -> String? {
        var characters = Array(pattern)[...]
        if characters.first == "^" { characters = characters.dropFirst() }
        if characters.last == "$" { characters = characters.dropLast() }
        return sequence(&characters)
    }

    private static func sequence(_ characters: inout ArraySlice<Character>) -> String? {
        var output = ""
        while let next = characters.first, next != ")" {
            if next == "|" {
                // Keep the first branch: skip the rest of this group.
                var depth = 0
                while let skip = characters.first, !(skip == ")" && depth == 0) {
                    if skip == "(" { depth += 1 } else if skip == ")" { depth -= 1 }
                    characters = characters.dropFirst()
                }
                break
            }
            guard let atom = atom(&characters) else { return nil }
            var count = 1
            if let quantifier = characters.first {
                switch quantifier {
                case "*", "?":
                    count = 0
                    characters = characters.dropFirst()
                case "+": characters = characters.dropFirst()
                case "{":
                    guard let close = characters.firstIndex(of: "}") else { return nil }
                    let inside = String(characters[characters.index(after: characters.startIndex)..<close])
                    guard let minimum = Int(inside.split(separator: ",", omittingEmptySubsequences: false).first ?? "")
                    else { return nil }
                    count = minimum
                    characters = characters[characters.index(after: close)...]
                default: break
                }
            }
            output += String(repeating: atom, count: count)
        }
        return output
    }

    private static func atom(_ characters: inout ArraySlice<Character>) -> String? {
        guard let first = characters.popFirst() else { return nil }
        switch first {
        case "\\":
            guard let escaped = characters.popFirst() else { return nil }
            switch escaped {
            case "d": return "0"
            case "w": return "a"
            case "s": return " "
            case "D", "W", "S", "b", "B": return nil
            default: return String(escaped)
            }
        case ".": return "a"
        case "[":
            guard characters.first != "^" else { return nil }
            var member: Character?
            while let next = characters.popFirst(), next != "]" {
                if member == nil { member = next == "\\" ? (characters.popFirst() == "d" ? "0" : nil) : next }
            }
            return member.map(String.init)
        case "(":
            if characters.starts(with: ["?", ":"]) { characters = characters.dropFirst(2) }
            guard let inner = sequence(&characters), characters.popFirst() == ")" else { return nil }
            return inner
        case "*", "+", "?", "{", ")", "|", "^", "$": return nil
        default: return String(first)
        }
    }
}
