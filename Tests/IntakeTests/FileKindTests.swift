import Foundation
import Testing

@testable import Intake

/// Attachments are recognised by their bytes, never by their name.
@Suite("File kinds read from the content")
struct FileKindTests {
    /// A zip's first local header naming `entry`, stored (uncompressed) with `content`.
    static func zip(entry: String, content: String = "") -> [UInt8] {
        var bytes: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 22)
        bytes += [UInt8(entry.utf8.count), 0, 0, 0]
        return bytes + Array(entry.utf8) + Array(content.utf8)
    }

    @Test("each allowed kind is known from its bytes; an executable, a bare zip and binary text are not")
    func sniffing() {
        #expect(FileKind.sniff(Array("%PDF-1.7\n".utf8)) == .pdf)
        #expect(FileKind.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(FileKind.sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]) == .jpeg)
        #expect(FileKind.sniff(Self.zip(entry: "mimetype", content: "application/vnd.oasis.opendocument.text")) == .odt)
        #expect(
            FileKind.sniff(Self.zip(entry: "mimetype", content: "application/vnd.oasis.opendocument.spreadsheet"))
                == .ods)
        #expect(FileKind.sniff(Self.zip(entry: "[Content_Types].xml") + Self.zip(entry: "word/document.xml")) == .docx)
        #expect(FileKind.sniff(Self.zip(entry: "[Content_Types].xml") + Self.zip(entry: "xl/workbook.xml")) == .xlsx)
        #expect(FileKind.sniff(Array("kode,nama\n3514,Bangil\n".utf8)) == .csv)
        #expect(FileKind.sniff([0x4D, 0x5A, 0x90, 0x00]) == nil, "an executable")
        #expect(FileKind.sniff(Self.zip(entry: "payload.exe")) == nil, "a zip that is no office file")
        #expect(FileKind.sniff(Array("kode,nama\n".utf8) + [0x00, 0x01]) == nil, "text with control bytes")
        #expect(FileKind.sniff(Array("satu baris tanpa pemisah\n".utf8)) == nil, "text that is no table")
    }

    @Test("the name must say what the content is")
    func names() {
        #expect(AttachmentsController.contentProblem(Array("%PDF-1.4".utf8), name: "surat.PDF") == nil)
        #expect(
            AttachmentsController.contentProblem([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], name: "surat.pdf")?
                .message == "the name says PDF but the content is PNG")
        #expect(AttachmentsController.contentProblem(Array("%PDF-1.4".utf8), name: "surat")?.field == "name")
        #expect(AttachmentsController.contentProblem([0x4D, 0x5A], name: "surat.pdf")?.rule == "content_type")
    }
}
