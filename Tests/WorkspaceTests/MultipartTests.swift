import Foundation
import NIOCore
import Testing

@testable import Workspace

/// The workspace's file forms (`multipart/form-data`, RFC 7578) as browsers send them, in chunks
/// of any size.
@Suite("Multipart forms")
struct MultipartTests {
    static let body = Array(
        ("--b0\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntoken\r\n"
            + "--b0\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"dokumen aplikasi.pdf\"\r\n"
            + "Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--b0x\r\n--b0--\r\n").utf8)

    static func chunks(_ bytes: [UInt8], of size: Int) -> AsyncThrowingStream<ByteBuffer, any Error> {
        AsyncThrowingStream { continuation in
            var start = 0
            while start < bytes.count {
                continuation.yield(ByteBuffer(bytes: bytes[start..<min(bytes.count, start + size)]))
                start += size
            }
            continuation.finish()
        }
    }

    @Test(
        "fields and a file with a spaced name; the file's bytes are exact, whatever the chunk size; only the exact boundary ends a part",
        arguments: [1, 2, 3, 7, 64, 4096])
    func parts(chunk: Int) async throws {
        let form = try await MultipartForm.read(
            Self.chunks(Self.body, of: chunk), contentType: "multipart/form-data; boundary=b0", limit: 1024)
        #expect(form.fields == ["_csrf": "token"])
        let file = try #require(form.files["berkas"])
        #expect(file.fileName == "dokumen aplikasi.pdf")
        #expect(String(decoding: file.data, as: UTF8.self) == "%PDF-1.4\r\n--b0x")
        #expect(file.size == file.data.count && file.spooled == nil)
    }

    @Test(
        "a file spooled to disk has the same bytes; more than the limit, a cut-off body or no boundary is refused and leaves no file"
    )
    func spooledAndRefused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let form = try await MultipartForm.read(
            Self.chunks(Self.body, of: 5), contentType: "multipart/form-data; boundary=\"b0\"", limit: 1024,
            spoolDirectory: directory)
        let url = try #require(form.files["berkas"]?.spooled)
        #expect(try Data(contentsOf: url) == Data("%PDF-1.4\r\n--b0x".utf8))
        form.removeSpooled()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)

        await #expect(throws: MultipartForm.Failure.tooLarge) {
            try await MultipartForm.read(
                Self.chunks(Self.body, of: 16), contentType: "multipart/form-data; boundary=b0", limit: 100,
                spoolDirectory: directory)
        }
        await #expect(throws: MultipartForm.Failure.malformed) {
            try await MultipartForm.read(
                Self.chunks(Array(Self.body.prefix(150)), of: 16), contentType: "multipart/form-data; boundary=b0",
                limit: 1024, spoolDirectory: directory)
        }
        await #expect(throws: MultipartForm.Failure.malformed) {
            try await MultipartForm.read(
                Self.chunks(Self.body, of: 16), contentType: "application/x-www-form-urlencoded", limit: 1024)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
