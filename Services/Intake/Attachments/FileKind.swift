import Foundation

/// What a file is, read from its bytes (never from its name): the kinds an attachment may be.
enum FileKind: String, CaseIterable, Sendable {
    case pdf, odt, ods, docx, xlsx, csv, png, jpeg

    /// The media type it is stored and served as.
    var mediaType: String {
        switch self {
        case .pdf: "application/pdf"
        case .odt: "application/vnd.oasis.opendocument.text"
        case .ods: "application/vnd.oasis.opendocument.spreadsheet"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .csv: "text/csv"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        }
    }

    /// The kind as people name it.
    var label: String { rawValue.uppercased() }

    /// The file-name extensions of the kind.
    var extensions: Set<String> { self == .jpeg ? ["jpg", "jpeg"] : [rawValue] }

    /// The kind a file-name extension claims, if it is one of ours.
    static func claimed(by name: String) -> FileKind? {
        let ext = (name as NSString).pathExtension.lowercased()
        return allCases.first { $0.extensions.contains(ext) }
    }

    /// The kind `bytes` are, by their content; nil when none of ours.
    static func sniff(_ bytes: [UInt8]) -> FileKind? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.starts(with: prefix) }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return zipped(bytes) }
        return isCSV(bytes) ? .csv : nil
    }

    /// An OpenDocument file names its type in an uncompressed `mimetype` first entry; an Office
    /// Open XML file has `word/` or `xl/` parts.
    static func zipped(_ bytes: [UInt8]) -> FileKind? {
        let head = String(decoding: bytes.prefix(120), as: UTF8.self)
        if head.contains("mimetypeapplication/vnd.oasis.opendocument.text") { return .odt }
        if head.contains("mimetypeapplication/vnd.oasis.opendocument.spreadsheet") { return .ods }
        if contains(bytes, Array("word/document.xml".utf8)) { return .docx }
        if contains(bytes, Array("xl/workbook.xml".utf8)) { return .xlsx }
        return nil
    }

    /// UTF-8 text without control characters (but tab, CR, LF) whose first line has a comma,
    /// semicolon or tab between fields.
    static func isCSV(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, String(validating: bytes, as: UTF8.self) != nil else { return false }
        guard !bytes.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return false }
        let firstLine = bytes.prefix { $0 != 0x0A }
        return firstLine.contains(0x2C) || firstLine.contains(0x3B) || firstLine.contains(0x09)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count, let first = needle.first else { return false }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return true
            }
            index += 1
        }
        return false
    }
}
