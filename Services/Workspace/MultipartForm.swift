import Foundation
import Hummingbird
import NIOCore

/// A `multipart/form-data` body (RFC 7578) read as it arrives: text fields in memory, files in
/// memory up to the form's limit, or written to a temporary file as they come (record files, up
/// to 256 MB), so a large upload never sits in memory whole.
struct MultipartForm: Sendable {
    /// One uploaded file.
    struct File: Sendable {
        let name: String
        /// The name the browser gave (empty when no file was chosen).
        let fileName: String
        /// The bytes, when kept in memory.
        var data: [UInt8] = []
        /// The temporary file that holds the bytes, when spooled (removed after the request).
        var spooled: URL?
        /// Bytes received.
        var size = 0
    }

    /// Why a body was not read.
    enum Failure: Error, Equatable {
        /// More than the form's limit arrived.
        case tooLarge
        /// Not multipart, or the parts are broken.
        case malformed
    }

    var fields: [String: String] = [:]
    var files: [String: File] = [:]

    /// Largest text field (the largest text form is far smaller).
    static let fieldLimit = 256 * 1024

    /// The `boundary` parameter of a `multipart/form-data` content type.
    static func boundary(of contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
            let range = contentType.range(of: "boundary=")
        else { return nil }
        var boundary = String(contentType[range.upperBound...])
        if let end = boundary.firstIndex(of: ";") { boundary = String(boundary[..<end]) }
        boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        return boundary.isEmpty ? nil : boundary
    }

    /// Reads `body` part by part. More than `limit` bytes in all is ``Failure/tooLarge``; with
    /// `spoolDirectory`, files go to temporary files there (the caller removes them with
    /// ``removeSpooled()``).
    static func read(
        _ body: some AsyncSequence<ByteBuffer, any Error>, contentType: String?, limit: Int,
        spoolDirectory: URL? = nil
    ) async throws -> MultipartForm {
        guard let boundary = boundary(of: contentType) else { throw Failure.malformed }
        var reader = MultipartReader(boundary: boundary)
        var form = MultipartForm()
        var part: (name: String, fileName: String?, bytes: [UInt8], handle: FileHandle?, file: URL?, size: Int)?
        var total = 0
        var made: [URL] = []
        do {
            for try await chunk in body {
                total += chunk.readableBytes
                guard total <= limit else { throw Failure.tooLarge }
                for event in try reader.feed(chunk.readableBytesView) {
                    switch event {
                    case .begin(let name, let fileName):
                        var handle: FileHandle?
                        var file: URL?
                        if let fileName, !fileName.isEmpty, let spoolDirectory {
                            let url = spoolDirectory.appendingPathComponent("jembatan-upload-\(UUID().uuidString)")
                            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                                throw CocoaError(.fileWriteUnknown)
                            }
                            made.append(url)
                            handle = try FileHandle(forWritingTo: url)
                            file = url
                        }
                        part = (name, fileName, [], handle, file, 0)
                    case .data(let bytes):
                        guard var current = part else { throw Failure.malformed }
                        current.size += bytes.count
                        if let handle = current.handle {
                            try handle.write(contentsOf: bytes)
                        } else {
                            guard current.fileName != nil || current.size <= fieldLimit else { throw Failure.tooLarge }
                            current.bytes.append(contentsOf: bytes)
                        }
                        part = current
                    case .end:
                        guard let current = part else { throw Failure.malformed }
                        try current.handle?.close()
                        if let fileName = current.fileName {
                            if form.files[current.name] == nil {
                                form.files[current.name] = File(
                                    name: current.name, fileName: fileName, data: current.bytes, spooled: current.file,
                                    size: current.size)
                            }
                        } else if form.fields[current.name] == nil {
                            form.fields[current.name] = String(decoding: current.bytes, as: UTF8.self)
                        }
                        part = nil
                    }
                }
            }
            guard reader.finished else { throw Failure.malformed }
        } catch {
            try? part?.handle?.close()
            for url in made { try? FileManager.default.removeItem(at: url) }
            throw error
        }
        // A second file under a name already used is not kept: remove what it wrote.
        let kept = Set(form.files.values.compactMap(\.spooled))
        for url in made where !kept.contains(url) { try? FileManager.default.removeItem(at: url) }
        return form
    }

    /// Removes the temporary files of this form.
    func removeSpooled() {
        for file in files.values { if let url = file.spooled { try? FileManager.default.removeItem(at: url) } }
    }
}

/// The parts of a multipart body fed in chunks of any size: each part's start (its name and file
/// name), its bytes as they become certain, and its end. Only the exact boundary followed by CRLF
/// or `--` ends a part, so content that merely starts like the boundary stays content.
struct MultipartReader {
    enum Event: Equatable {
        case begin(name: String, fileName: String?)
        case data([UInt8])
        case end
    }

    private enum State { case preamble, headers, body, done }

    private let delimiter: [UInt8]
    private let closing: [UInt8]
    private var state = State.preamble
    private var pending: [UInt8] = []
    /// Longest header block of one part.
    static let headerLimit = 16 * 1024

    init(boundary: String) {
        delimiter = Array("--\(boundary)".utf8)
        closing = Array("\r\n--\(boundary)".utf8)
    }

    /// True once the closing boundary was read.
    var finished: Bool { state == .done }

    /// Feeds the next bytes; returns what they complete.
    mutating func feed(_ bytes: some Collection<UInt8>) throws -> [Event] {
        pending.append(contentsOf: bytes)
        var events: [Event] = []
        var position = 0
        scanning: while true {
            switch state {
            case .done:
                pending.removeAll()
                return events
            case .preamble:
                guard let found = Self.search(delimiter, in: pending, from: position) else {
                    position = max(position, pending.count - delimiter.count + 1)
                    break scanning
                }
                let after = found + delimiter.count
                guard pending.count >= after + 2 else {
                    position = found
                    break scanning
                }
                if pending[after] == 0x2D && pending[after + 1] == 0x2D {
                    state = .done
                } else if pending[after] == 0x0D && pending[after + 1] == 0x0A {
                    position = after + 2
                    state = .headers
                } else {
                    position = found + 1
                }
            case .headers:
                guard let end = Self.search(Self.blankLine, in: pending, from: position) else {
                    guard pending.count - position <= Self.headerLimit else { throw MultipartForm.Failure.malformed }
                    break scanning
                }
                let headers = String(decoding: pending[position..<end], as: UTF8.self)
                guard let name = Self.value(of: "name", in: headers) else { throw MultipartForm.Failure.malformed }
                events.append(.begin(name: name, fileName: Self.value(of: "filename", in: headers)))
                position = end + Self.blankLine.count
                state = .body
            case .body:
                guard let found = Self.search(closing, in: pending, from: position) else {
                    // The last bytes may be the start of the boundary: keep them for the next chunk.
                    let certain = max(position, pending.count - (closing.count - 1))
                    if certain > position { events.append(.data(Array(pending[position..<certain]))) }
                    position = certain
                    break scanning
                }
                let after = found + closing.count
                if found > position { events.append(.data(Array(pending[position..<found]))) }
                position = found
                guard pending.count >= after + 2 else { break scanning }
                let isLast = pending[after] == 0x2D && pending[after + 1] == 0x2D
                if isLast || (pending[after] == 0x0D && pending[after + 1] == 0x0A) {
                    events.append(.end)
                    position = after + 2
                    state = isLast ? .done : .headers
                } else {
                    // Text that starts like the boundary: its first byte is content.
                    events.append(.data([pending[found]]))
                    position = found + 1
                }
            }
        }
        pending.removeFirst(position)
        return events
    }

    private static let blankLine: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]

    /// A `key="value"` parameter of a part's Content-Disposition.
    static func value(of key: String, in headers: String) -> String? {
        // "\r\n" is one Character in Swift: split on newlines as such.
        for piece in headers.split(whereSeparator: { $0 == ";" || $0.isNewline }) {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix("\(key)=") else { continue }
            return String(trimmed.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    /// First index of `needle` in `haystack` at or after `start`.
    static func search(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        let last = haystack.count - needle.count
        return haystack.withUnsafeBufferPointer { bytes -> Int? in
            var index = start
            while index <= last {
                guard let candidate = bytes[index...last].firstIndex(of: first) else { return nil }
                if bytes[candidate..<(candidate + needle.count)].elementsEqual(needle) { return candidate }
                index = candidate + 1
            }
            return nil
        }
    }
}
