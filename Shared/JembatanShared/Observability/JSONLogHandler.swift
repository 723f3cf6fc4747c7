import Foundation
import Logging
import Synchronization

/// How a service writes its log: `text` (one readable line, the local default) or `json` (one JSON
/// object per line, for a log collector). `JEMBATAN_LOG_FORMAT`.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// Writes each log record as one JSON object on one line of standard output:
/// `{"ts":"2026-12-03T09:14:07.123Z","level":"info","logger":"jembatan-intake","message":"…", <metadata>…}`.
/// Metadata keys become top-level fields (nested metadata stays nested); `ts`, `level`, `logger`
/// and `message` are never overwritten by metadata.
public struct JSONLogHandler: LogHandler {
    /// Metadata on every line.
    public var metadata: Logger.Metadata = [:]
    /// Metadata computed per line.
    public var metadataProvider: Logger.MetadataProvider?
    /// Lines below this level are dropped.
    public var logLevel: Logger.Level = .info
    private let label: String
    private let output: JSONLineOutput

    /// A handler for `label` writing to standard output.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(label: label, output: .standardOutput, metadataProvider: metadataProvider)
    }

    init(label: String, output: JSONLineOutput, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    /// One metadata value.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one JSON line.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        if let error = event.error, merged[LogKey.error] == nil {
            merged[LogKey.error] = .string(String(reflecting: error))
        }
        output.write(
            Self.line(
                date: Date(), level: event.level, label: label, message: event.message.description, metadata: merged))
    }

    /// One JSON object, fields in a fixed order (timestamp, level, logger, message, then metadata by key).
    static func line(date: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata)
        -> String
    {
        var text =
            "{\"ts\":\(quoted(timestamp(date))),\"level\":\(quoted(level.rawValue)),\"logger\":\(quoted(label)),\"message\":\(quoted(message))"
        let reserved: Set<String> = ["ts", "level", "logger", "message"]
        for key in metadata.keys.sorted() where !reserved.contains(key) {
            text += ",\(quoted(key)):\(json(metadata[key]!))"
        }
        text += "}\n"
        return text
    }

    static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): return quoted(string)
        case .stringConvertible(let convertible): return quoted(convertible.description)
        case .array(let values): return "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            return "{"
                + dictionary.keys.sorted().map { "\(quoted($0)):\(json(dictionary[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal (RFC 8259 escaping; control characters as \u00XX).
    static func quoted(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                result += "\\u00" + String(scalar.value, radix: 16).leftPadded(to: 2)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// ISO 8601 in UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let milliseconds = Int((date.timeIntervalSince1970 - Double(seconds)) * 1000)
        func two(_ value: Int32) -> String { String(value).leftPadded(to: 2) }
        return
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(String(milliseconds).leftPadded(to: 3))Z"
    }
}

/// Where JSON lines go; one write per line so concurrent records never interleave.
final class JSONLineOutput: Sendable {
    static let standardOutput = JSONLineOutput { line in
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    private let sink: Mutex<@Sendable (String) -> Void>

    init(_ sink: @escaping @Sendable (String) -> Void) { self.sink = Mutex(sink) }

    func write(_ line: String) { sink.withLock { $0(line) } }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
