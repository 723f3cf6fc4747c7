import Foundation
import Testing

@testable import JembatanShared

/// Naskah dinas building blocks: letter numbers by the agency's scheme, the service's seal.
@Suite("Documents: numbering and seal")
struct DocumentTests {
    static let december = ISO8601DateFormatter().date(from: "2026-12-04T02:30:00Z")!

    @Test("a number by the standard scheme: classification, padded sequence, agency, Roman month, year")
    func standardNumber() throws {
        let scheme = try NumberingScheme(classification: "000.5.2")
        #expect(
            scheme.number(sequence: 7, agency: "35.14-dinkes", date: Self.december)
                == "000.5.2/007/35.14-dinkes/XII/2026")
        #expect(scheme.number(sequence: 1234, agency: "x", date: Self.december).hasPrefix("000.5.2/1234/"))
    }

    @Test("an agency's own pattern, and the month in Roman numerals the way letters write it")
    func ownPattern() throws {
        let scheme = try NumberingScheme(pattern: "{nomor}/{klasifikasi}/{instansi}/{tahun}", classification: "800")
        #expect(scheme.number(sequence: 42, agency: "424.072", date: Self.december) == "42/800/424.072/2026")
        #expect(
            (1...12).map(NumberingScheme.roman) == [
                "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
            ])
        // 31 December 23:30 WIB is still December, whatever UTC says.
        let newYearsEve = ISO8601DateFormatter().date(from: "2026-12-31T16:30:00Z")!
        #expect(
            try NumberingScheme(classification: "1").number(sequence: 1, agency: "a", date: newYearsEve).hasSuffix(
                "/XII/2026"))
    }

    @Test("a pattern without {nomor} or {tahun}, with an unknown token or a stray brace is refused, saying why")
    func badPatterns() {
        #expect(NumberingScheme.problems("{klasifikasi}/{tahun}").map(\.message).contains { $0.contains("{nomor}") })
        #expect(NumberingScheme.problems("{nomor}/{bulan}").map(\.message).contains { $0.contains("{tahun}") })
        #expect(
            NumberingScheme.problems("{nomor}/{tanggal}/{tahun}").map(\.message).contains { $0.contains("{tanggal}") })
        #expect(!NumberingScheme.problems("{nomor}/{tahun").isEmpty)
        #expect(!NumberingScheme.problems("{nomor:12}/{tahun}").isEmpty, "padding is 1–8 digits")
        #expect(NumberingScheme.problems("{nomor:4}-{tahun}").isEmpty)
        #expect(throws: NumberingError.self) { try NumberingScheme(classification: "a b") }
    }

    @Test("the seal verifies for the document it was made over, and not for a changed file, number or signer")
    func seal() throws {
        let seal = DocumentSeal(key: .init())
        let at = Self.december
        let hash = DocumentSeal.sha256(Data("isi surat".utf8))
        let made = try seal.seal(documentId: "d1", number: "001/2026", sha256: hash, signer: "kadis", signedAt: at)
        #expect(
            DocumentSeal.verify(
                seal: made, publicKey: seal.publicKey, documentId: "d1", number: "001/2026", sha256: hash,
                signer: "kadis", signedAt: at))
        let changed = DocumentSeal.sha256(Data("isi surat!".utf8))
        for (number, sha, signer) in [
            ("002/2026", hash, "kadis"), ("001/2026", changed, "kadis"), ("001/2026", hash, "lain"),
        ] {
            #expect(
                !DocumentSeal.verify(
                    seal: made, publicKey: seal.publicKey, documentId: "d1", number: number, sha256: sha,
                    signer: signer, signedAt: at))
        }
        #expect(
            !DocumentSeal.verify(
                seal: made, publicKey: DocumentSeal(key: .init()).publicKey, documentId: "d1",
                number: "001/2026", sha256: hash, signer: "kadis", signedAt: at), "another key's seal")
        #expect(seal.keyId.count == 16)
    }

    @Test("the key file: base64 text or 32 raw bytes; anything else is refused with the file named")
    func keyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appendingPathComponent("key.b64")
        try Data((DocumentSeal.newKeyText() + "\n").utf8).write(to: text)
        #expect(try DocumentSeal(file: text.path).keyId.count == 16)
        let bad = folder.appendingPathComponent("bad")
        try Data("bukan kunci".utf8).write(to: bad)
        #expect(throws: DocumentSeal.SealError.self) { try DocumentSeal(file: bad.path) }
    }
}
