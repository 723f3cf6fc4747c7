import Foundation

/// A value of one field of a pushed record.
public enum FieldValue: Sendable, Equatable {
    case string(String)
    /// A JSON number, kept as its text (no precision lost on the way to `jsonb`).
    case number(String)
    case bool(Bool)
    case null
}

/// Why a record's text is not a flat JSON object.
public struct RecordSyntaxError: Error, Equatable {
    /// What is wrong, with the position.
    public let message: String
}

/// Reads and writes records as flat JSON objects (field → string, number, boolean or null).
///
/// The contract's fields are flat, so nested objects and arrays are refused. A dedicated
/// parser keeps the hot path of ingest free of `Any` boxing and of decoding errors used for
/// control flow.
public enum FlatRecordJSON {
    /// Parses one object, e.g. one NDJSON line.
    public static func parseObject(_ bytes: UnsafeBufferPointer<UInt8>) throws(RecordSyntaxError) -> [(
        String, FieldValue
    )] {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let object = try parser.object()
        parser.skipWhitespace()
        guard parser.atEnd else {
            throw RecordSyntaxError(message: "unexpected text after the record at byte \(parser.index)")
        }
        return object
    }

    /// Parses a JSON array of objects, calling `body` with each object or its syntax error.
    /// A syntax error in the array itself (not inside an element) ends the parse by throwing.
    public static func parseArray(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (Result<[(String, FieldValue)], RecordSyntaxError>) throws -> Void
    ) throws {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        guard parser.consume(UInt8(ascii: "[")) else {
            throw RecordSyntaxError(message: "the body must be a JSON array of records")
        }
        parser.skipWhitespace()
        if parser.consume(UInt8(ascii: "]")) { return }
        while true {
            parser.skipWhitespace()
            let start = parser.index
            let parsed: Result<[(String, FieldValue)], RecordSyntaxError>
            do {
                parsed = .success(try parser.object())
            } catch {
                parsed = .failure(error)
                parser.index = start
                try parser.skipValue()
            }
            try body(parsed)
            parser.skipWhitespace()
            if parser.consume(UInt8(ascii: ",")) { continue }
            if parser.consume(UInt8(ascii: "]")) { break }
            throw RecordSyntaxError(message: "expected ',' or ']' at byte \(parser.index) of the array")
        }
        parser.skipWhitespace()
        guard parser.atEnd else {
            throw RecordSyntaxError(message: "unexpected text after the array at byte \(parser.index)")
        }
    }

    /// Appends `value` as a JSON string literal.
    public static func appendString(_ value: String, to output: inout String) {
        output.append("\"")
        var plain = true
        for byte in value.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            plain = false
            break
        }
        if plain {
            output.append(value)
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": output.append("\\\"")
                case "\\": output.append("\\\\")
                case "\n": output.append("\\n")
                case "\r": output.append("\\r")
                case "\t": output.append("\\t")
                case _ where scalar.value < 0x20: output.append(String(format: "\\u%04x", scalar.value))
                default: output.unicodeScalars.append(scalar)
                }
            }
        }
        output.append("\"")
    }

    private struct Parser {
        /// The text being read.
        public let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        /// Whether everything was read.
        public var atEnd: Bool { index >= bytes.count }

        mutating func skipWhitespace() {
            while index < bytes.count,
                bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
            { index += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func object() throws(RecordSyntaxError) -> [(String, FieldValue)] {
            guard consume(UInt8(ascii: "{")) else {
                throw RecordSyntaxError(message: "a record must be a JSON object (byte \(index))")
            }
            var fields: [(String, FieldValue)] = []
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return fields }
            while true {
                skipWhitespace()
                let name = try string()
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else {
                    throw RecordSyntaxError(message: "expected ':' after \"\(name)\"")
                }
                skipWhitespace()
                fields.append((name, try value(of: name)))
                skipWhitespace()
                if consume(UInt8(ascii: ",")) { continue }
                if consume(UInt8(ascii: "}")) { return fields }
                throw RecordSyntaxError(message: "expected ',' or '}' after field \"\(name)\"")
            }
        }

        mutating func value(of name: String) throws(RecordSyntaxError) -> FieldValue {
            guard index < bytes.count else {
                throw RecordSyntaxError(message: "the record ends inside field \"\(name)\"")
            }
            switch bytes[index] {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                throw RecordSyntaxError(message: "field \"\(name)\" holds a nested object or array; records are flat")
            default: throw RecordSyntaxError(message: "field \"\(name)\" holds no JSON value")
            }
        }

        mutating func literal(_ word: StaticString) throws(RecordSyntaxError) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else {
                throw RecordSyntaxError(message: "unknown literal at byte \(index)")
            }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
                throw RecordSyntaxError(message: "unknown literal at byte \(index)")
            }
            index += count
        }

        mutating func number() throws(RecordSyntaxError) -> String {
            let start = index
            _ = consume(UInt8(ascii: "-"))
            func digits(_ parser: inout Parser) -> Int {
                let from = parser.index
                while parser.index < parser.bytes.count,
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index])
                { parser.index += 1 }
                return parser.index - from
            }
            let integerDigits = digits(&self)
            guard integerDigits > 0, !(integerDigits > 1 && bytes[index - integerDigits] == UInt8(ascii: "0")) else {
                throw RecordSyntaxError(message: "invalid number at byte \(start)")
            }
            if consume(UInt8(ascii: ".")), digits(&self) == 0 {
                throw RecordSyntaxError(message: "invalid number at byte \(start)")
            }
            if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
                if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
                if digits(&self) == 0 { throw RecordSyntaxError(message: "invalid number at byte \(start)") }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        mutating func string() throws(RecordSyntaxError) -> String {
            guard consume(UInt8(ascii: "\"")) else {
                throw RecordSyntaxError(message: "expected a string at byte \(index)")
            }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
                if byte < 0x20 {
                    throw RecordSyntaxError(message: "control character inside a string at byte \(index)")
                }
                index += 1
            }
            throw RecordSyntaxError(message: "unterminated string")
        }

        /// The slow path: a string with escapes.
        mutating func escapedString(from start: Int) throws(RecordSyntaxError) -> String {
            var scalars = String.UnicodeScalarView()
            scalars.append(
                contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    .unicodeScalars)
            var pendingHigh: UInt32?
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    guard pendingHigh == nil else { throw RecordSyntaxError(message: "lone surrogate in a string") }
                    return String(scalars)
                }
                if byte == UInt8(ascii: "\\") {
                    guard index + 1 < bytes.count else { break }
                    let escape = bytes[index + 1]
                    index += 2
                    let simple: Unicode.Scalar? =
                        switch escape {
                        case UInt8(ascii: "\""): "\""
                        case UInt8(ascii: "\\"): "\\"
                        case UInt8(ascii: "/"): "/"
                        case UInt8(ascii: "b"): "\u{08}"
                        case UInt8(ascii: "f"): "\u{0C}"
                        case UInt8(ascii: "n"): "\n"
                        case UInt8(ascii: "r"): "\r"
                        case UInt8(ascii: "t"): "\t"
                        default: nil
                        }
                    if let simple {
                        guard pendingHigh == nil else { throw RecordSyntaxError(message: "lone surrogate in a string") }
                        scalars.append(simple)
                        continue
                    }
                    guard escape == UInt8(ascii: "u"), index + 4 <= bytes.count,
                        let code = UInt32(
                            String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + 4]), as: UTF8.self),
                            radix: 16)
                    else {
                        throw RecordSyntaxError(message: "invalid escape in a string at byte \(index)")
                    }
                    index += 4
                    if let high = pendingHigh {
                        guard (0xDC00...0xDFFF).contains(code),
                            let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00))
                        else {
                            throw RecordSyntaxError(message: "lone surrogate in a string")
                        }
                        scalars.append(scalar)
                        pendingHigh = nil
                    } else if (0xD800...0xDBFF).contains(code) {
                        pendingHigh = code
                    } else if let scalar = Unicode.Scalar(code) {
                        scalars.append(scalar)
                    } else {
                        throw RecordSyntaxError(message: "lone surrogate in a string")
                    }
                    continue
                }
                if byte < 0x20 {
                    throw RecordSyntaxError(message: "control character inside a string at byte \(index)")
                }
                guard pendingHigh == nil else { throw RecordSyntaxError(message: "lone surrogate in a string") }
                // Copy the run of plain bytes up to the next quote or backslash.
                let runStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"),
                    bytes[index] >= 0x20
                { index += 1 }
                scalars.append(
                    contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self)
                        .unicodeScalars)
            }
            throw RecordSyntaxError(message: "unterminated string")
        }

        /// Skips any JSON value (used to step over a broken array element).
        mutating func skipValue() throws(RecordSyntaxError) {
            var depth = 0
            var inString = false
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if inString {
                    if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return }
                    if depth < 0 {
                        index -= 1
                        return
                    }
                case UInt8(ascii: ","):
                    if depth == 0 {
                        index -= 1
                        return
                    }
                default: break
                }
            }
        }
    }
}
