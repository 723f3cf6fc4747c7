import Foundation
import Testing

@testable import Workspace

/// The workspace's file forms (`multipart/form-data`, RFC 7578) as browsers send them.
@Suite("Multipart forms")
struct MultipartTests {
    @Test("fields and a file with a spaced name and CRLF headers; the file's bytes are exact, the boundary not in them")
    func parts() {
        let body = Array(
            ("--b0\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntoken\r\n"
                + "--b0\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"dokumen aplikasi.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--b0x\r\n--b0--\r\n").utf8)
        let parts = Multipart.parts(in: body, contentType: "multipart/form-data; boundary=b0")
        #expect(parts.map(\.name) == ["_csrf", "berkas"])
        #expect(parts.first?.fileName == nil && String(decoding: parts[0].data, as: UTF8.self) == "token")
        #expect(parts.last?.fileName == "dokumen aplikasi.pdf")
        #expect(
            String(decoding: parts[1].data, as: UTF8.self) == "%PDF-1.4\r\n--b0x", "only the exact boundary ends a part"
        )
        #expect(Multipart.parts(in: body, contentType: "application/x-www-form-urlencoded").isEmpty)
    }
}
