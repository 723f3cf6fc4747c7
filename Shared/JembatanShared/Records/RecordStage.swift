import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A transaction-scoped staging table `jembatan_stage (ordinal, record_key, record jsonb)` filled with `COPY`.
public enum RecordStage {
    /// Streams records into a transaction-scoped staging table with `COPY`, `COPY` being the
    /// fastest way into PostgreSQL; `produce` emits validated records.
    public static func stage(
        on connection: PostgresConnection, logger: Logger, _ produce: (inout StageBuffer) async throws -> Void
    ) async throws -> Int {
        try await connection.queryUnlessClosed(
            """
            CREATE TEMP TABLE jembatan_stage (ordinal bigint NOT NULL, record_key text NOT NULL, record jsonb NOT NULL) ON COMMIT DROP
            """, logger: logger)
        var staged = 0
        try await connection.copyFrom(
            table: "jembatan_stage", columns: ["ordinal", "record_key", "record"], logger: logger
        ) { writer in
            var buffer = StageBuffer(writer: writer)
            try await produce(&buffer)
            try await buffer.flush()
            staged = buffer.count
        }
        return staged
    }

}

/// Buffers `COPY` text-format lines and sends them in chunks of about 256 KiB.
public struct StageBuffer {
    /// The COPY into the stage table.
    public let writer: PostgresCopyFromWriter
    /// Rows not yet written.
    public var buffer = ByteBuffer()
    /// Records in the buffer.
    public private(set) var count = 0

    /// A buffer writing to `writer`.
    public init(writer: PostgresCopyFromWriter) {
        self.writer = writer
        buffer.reserveCapacity(1 << 18 + 4096)
    }

    /// Adds `record`, writing when the buffer is full.
    public mutating func append(_ record: ValidRecord) async throws {
        count += 1
        buffer.writeString(String(count))
        buffer.writeInteger(UInt8(ascii: "\t"))
        Self.writeEscaped(record.key, to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\t"))
        Self.writeEscaped(record.json, to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\n"))
        if buffer.readableBytes >= 1 << 18 { try await flush() }
    }

    /// Writes what is buffered.
    public mutating func flush() async throws {
        guard buffer.readableBytes > 0 else { return }
        try await writer.write(buffer)
        buffer.clear()
    }

    /// `COPY` text format: backslash, tab, newline and carriage return are escaped.
    public static func writeEscaped(_ text: String, to buffer: inout ByteBuffer) {
        var clean = true
        for byte in text.utf8 where byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            clean = false
            break
        }
        if clean {
            buffer.writeString(text)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 0x5C: buffer.writeStaticString("\\\\")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}
