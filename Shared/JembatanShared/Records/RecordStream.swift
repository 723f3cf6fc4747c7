import Crypto
import Foundation
import Hummingbird
import NIOCore

/// How a pushed body is written.
public enum PushFormat: String, Sendable {
    case json, ndjson, csv

    /// The format of a `Content-Type` (nil: not one the hub takes).
    public init?(contentType: String?) {
        let media =
            contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch media {
        case "application/json": self = .json
        case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines":
            self = .ndjson
        case "text/csv": self = .csv
        default: return nil
        }
    }
}

/// One rejected record.
public struct RecordError: Codable, Sendable, Equatable {
    /// `index` (JSON array, from 0) or `line` (NDJSON / CSV, from 1; the CSV header is line 1).
    public var position: String
    /// The field at fault (nil: the record as a whole).
    public var field: String?
    /// The rule that failed.
    public var rule: String
    /// What is wrong, for the producer.
    public var message: String
}

/// Validates a streamed body record by record and stages the valid ones with `COPY`.
public struct IngestParser {
    /// The contract's compiled rules.
    public let validator: RecordValidator
    /// The body's format.
    public let format: PushFormat
    /// The largest JSON body taken whole (bigger pushes stream as NDJSON or CSV).
    public static let maximumJSONBytes = 16 << 20
    /// Errors listed in an answer; later ones are counted only.
    public static let maximumReportedErrors = 1000

    /// Records received.
    public var received = 0
    /// Records refused.
    public var rejected = 0
    /// The records refused so far.
    public var errors: [RecordError] = []
    /// Digest of the body as read.
    public var hasher = SHA256()
    private var splitter: LineSplitter
    private var csvColumns: [Int?]?
    private var pendingValid: [ValidRecord] = []
    private var jsonBody = ByteBuffer()

    /// A parser of `format` bodies checked against `validator`.
    public init(validator: RecordValidator, format: PushFormat) {
        self.validator = validator
        self.format = format
        self.splitter = LineSplitter(csv: format == .csv)
    }

    /// Reads the whole body into `stage`.
    public mutating func run(_ body: RequestBody, into stage: inout StageBuffer) async throws {
        for try await buffer in body {
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            try consume(buffer)
            for record in pendingValid { try await stage.append(record) }
            pendingValid.removeAll(keepingCapacity: true)
        }
        try finish()
        for record in pendingValid { try await stage.append(record) }
        pendingValid.removeAll()
    }

    private mutating func consume(_ buffer: ByteBuffer) throws {
        switch format {
        case .json:
            guard jsonBody.readableBytes + buffer.readableBytes <= Self.maximumJSONBytes else {
                throw APIError(
                    .contentTooLarge, code: "body_too_large",
                    message:
                        "a JSON array body is limited to \(Self.maximumJSONBytes >> 20) MiB; send NDJSON or CSV (streamed, no limit) for more"
                )
            }
            var copy = buffer
            jsonBody.writeBuffer(&copy)
        case .ndjson, .csv:
            var splitter = self.splitter
            defer { self.splitter = splitter }
            try splitter.feed(buffer) { line, number in try self.take(line, number: number) }
        }
    }

    private mutating func finish() throws {
        switch format {
        case .json:
            let body = jsonBody
            jsonBody = ByteBuffer()
            try body.withUnsafeReadableBytes { raw in
                var index = 0
                do {
                    try FlatRecordJSON.parseArray(raw.bindMemory(to: UInt8.self)) { parsed in
                        defer { index += 1 }
                        received += 1
                        switch parsed {
                        case .success(let pairs): accept(validator.validate(json: pairs), position: "index \(index)")
                        case .failure(let error):
                            reject(
                                [RecordViolation(field: nil, rule: "syntax", message: error.message)],
                                position: "index \(index)")
                        }
                    }
                } catch let error as RecordSyntaxError {
                    throw APIError(.badRequest, code: "invalid_body", message: error.message, field: "body")
                }
            }
        case .ndjson, .csv:
            var splitter = self.splitter
            defer { self.splitter = splitter }
            try splitter.finish { line, number in try self.take(line, number: number) }
            if format == .csv, csvColumns == nil {
                throw APIError(
                    .badRequest, code: "invalid_body",
                    message: "a CSV body starts with a header row naming the contract's fields", field: "body")
            }
        }
    }

    private mutating func take(_ line: UnsafeBufferPointer<UInt8>, number: Int) throws {
        if format == .csv, csvColumns == nil {
            try readHeader(line)
            return
        }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        received += 1
        let position = "line \(number)"
        if format == .csv {
            accept(validator.validate(cells: CSVRow.cells(line), columns: csvColumns ?? []), position: position)
        } else {
            do {
                accept(validator.validate(json: try FlatRecordJSON.parseObject(line)), position: position)
            } catch {
                reject([RecordViolation(field: nil, rule: "syntax", message: error.message)], position: position)
            }
        }
    }

    private mutating func readHeader(_ line: UnsafeBufferPointer<UInt8>) throws {
        var columns: [Int?] = []
        var violations: [FieldViolation] = []
        var named = Set<String>()
        for (position, name) in CSVRow.cells(line).enumerated() {
            let name = name.trimmingCharacters(in: .whitespaces)
            guard let field = validator.index[name] else {
                violations.append(
                    FieldViolation(
                        field: "header[\(position)]", rule: "unknown_field",
                        message: "the contract has no field '\(name)'"))
                columns.append(nil)
                continue
            }
            named.insert(name)
            columns.append(field)
        }
        for field in validator.fields where field.required && !named.contains(field.name) {
            violations.append(
                FieldViolation(
                    field: "header", rule: "required", message: "required field '\(field.name)' has no column"))
        }
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        csvColumns = columns
    }

    private mutating func accept(_ result: CheckedRecord, position: String) {
        switch result {
        case .valid(let record): pendingValid.append(record)
        case .invalid(let violations): reject(violations, position: position)
        }
    }

    private mutating func reject(_ violations: [RecordViolation], position: String) {
        rejected += 1
        for violation in violations where errors.count < Self.maximumReportedErrors {
            errors.append(
                RecordError(
                    position: position, field: violation.field, rule: violation.rule, message: violation.message))
        }
    }
}
