import Foundation
import NIOCore

/// Cuts a streamed body into lines (NDJSON) or CSV rows (newlines inside quotes stay in the
/// row) without holding more than one line beyond the current network buffer.
public struct LineSplitter {
    /// Whether lines are CSV (quoted fields may span lines).
    public let csv: Bool
    /// The longest line accepted.
    public var maximumLineBytes = 1 << 20
    private var pending: [UInt8] = []
    private var inQuotes = false
    private(set) var lines = 0

    /// A splitter of CSV (`csv`) or NDJSON lines.
    public init(csv: Bool) {
        self.csv = csv
    }

    /// Feeds one buffer, calling `emit` with each complete line (without its line ending) and its number.
    public mutating func feed(_ buffer: ByteBuffer, _ emit: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        try buffer.withUnsafeReadableBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if csv, byte == UInt8(ascii: "\"") {
                    inQuotes.toggle()
                } else if byte == UInt8(ascii: "\n"), !inQuotes {
                    if pending.isEmpty {
                        try emitLine(UnsafeBufferPointer(rebasing: bytes[start..<index]), emit)
                    } else {
                        pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                        try emitPending(emit)
                    }
                    start = index + 1
                }
                index += 1
            }
            if start < bytes.count {
                pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
                guard pending.count <= maximumLineBytes else {
                    throw APIError(
                        .contentTooLarge, code: "line_too_large",
                        message: "line \(lines + 1) is longer than \(maximumLineBytes) bytes; nothing was changed")
                }
            }
        }
    }

    /// Emits the last line when the body does not end with a newline.
    public mutating func finish(_ emit: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        guard !pending.isEmpty else { return }
        try emitPending(emit)
    }

    /// Emits the carried-over line (moved out first: `emitLine` mutates `self`).
    private mutating func emitPending(_ emit: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var line: [UInt8] = []
        swap(&line, &pending)
        try line.withUnsafeBufferPointer { try emitLine($0, emit) }
        line.removeAll(keepingCapacity: true)
        swap(&line, &pending)
    }

    private mutating func emitLine(
        _ line: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>, Int) throws -> Void
    ) throws {
        lines += 1
        guard line.count <= maximumLineBytes else {
            throw APIError(
                .contentTooLarge, code: "line_too_large",
                message: "line \(lines) is longer than \(maximumLineBytes) bytes; nothing was changed")
        }
        if let last = line.last, last == UInt8(ascii: "\r") {
            try emit(UnsafeBufferPointer(rebasing: line[0..<(line.count - 1)]), lines)
        } else {
            try emit(line, lines)
        }
    }
}

/// One CSV row (RFC 4180: comma separated, fields in double quotes may hold commas, quotes as `""` and newlines).
public enum CSVRow {
    /// The cells of one CSV line.
    public static func cells(_ line: UnsafeBufferPointer<UInt8>) -> [String] {
        var cells: [String] = []
        var index = 0
        let count = line.count
        while true {
            if index < count, line[index] == UInt8(ascii: "\"") {
                var value: [UInt8] = []
                index += 1
                while index < count {
                    if line[index] == UInt8(ascii: "\"") {
                        if index + 1 < count, line[index + 1] == UInt8(ascii: "\"") {
                            value.append(UInt8(ascii: "\""))
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    value.append(line[index])
                    index += 1
                }
                // Anything between the closing quote and the next comma is kept as written.
                let rest = index
                while index < count, line[index] != UInt8(ascii: ",") { index += 1 }
                value.append(contentsOf: UnsafeBufferPointer(rebasing: line[rest..<index]))
                cells.append(String(decoding: value, as: UTF8.self))
            } else {
                let start = index
                while index < count, line[index] != UInt8(ascii: ",") { index += 1 }
                cells.append(String(decoding: UnsafeBufferPointer(rebasing: line[start..<index]), as: UTF8.self))
            }
            if index < count, line[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            return cells
        }
    }

    /// The cells of one CSV line.
    public static func cells(_ line: [UInt8]) -> [String] {
        line.withUnsafeBufferPointer { cells($0) }
    }
}
