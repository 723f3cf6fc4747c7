import Foundation
import Testing

@testable import Workspace

@Suite("MailMessage rendering")
struct RenderingTests {
    static let indonesianSubject = "Undangan ke ruang kerja “Tim Keuangan” — selamat bergabung, Budi!"
    /// 2025-12-04 15:50:07 UTC.
    static let fixedDate = Date(timeIntervalSince1970: 1_764_863_407)

    static func message(
        subject: String = "Hello", body: String = "Hi", fromName: String = "Jembatan",
        to: [String] = ["budi@x.test"], messageID: String? = "fixed-id@mailer.test"
    ) -> MailMessage {
        MailMessage(
            from: "noreply@mailer.test", fromName: fromName, to: to, subject: subject, body: body,
            messageID: messageID, date: fixedDate)
    }

    static func parsed(_ message: MailMessage) throws -> TestMIME.Message {
        try #require(TestMIME.parse(message.rendered()))
    }

    /// Raw encoded words of the folded Subject header.
    static func subjectWords(_ parsed: TestMIME.Message) throws -> [String] {
        let value = try #require(parsed.header("Subject"))
        return value.split(separator: " ").map(String.init)
    }

    @Test func indonesianSubjectIsEncodedAndDecodesExactly() throws {
        let parsed = try Self.parsed(Self.message(subject: Self.indonesianSubject))
        let subject = try #require(parsed.header("Subject"))
        #expect(subject.hasPrefix("=?UTF-8?B?"))
        #expect(TestMIME.decodeHeaderValue(subject) == Self.indonesianSubject)
        #expect(parsed.rawHeaderLines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func longSubjectSplitsIntoWholeCharacterWords() throws {
        let sentence = "Pengingat: tagihan Rp 1.250.000 jatuh tempo — harap segera dibayar 👩‍👩‍👧‍👦 ✓ façade naïve 日本語 "
        let subject = String(repeating: sentence, count: 4)
        let parsed = try Self.parsed(Self.message(subject: subject))
        let words = try Self.subjectWords(parsed)
        #expect(words.count > 5)
        var decodedWords: [String] = []
        for word in words {
            #expect(word.count <= 75)
            let payload = try #require(TestMIME.encodedWordPayload(word))
            decodedWords.append(try #require(String(validating: payload, as: UTF8.self)))
        }
        #expect(decodedWords.joined() == subject)
        // Had a word boundary cut a grapheme cluster, the pieces would count more characters.
        #expect(decodedWords.map(\.count).reduce(0, +) == subject.count)
        #expect(parsed.rawHeaderLines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func oversizedCharacterIsSplitBetweenScalars() throws {
        let zalgo = "a" + String(repeating: "\u{0301}", count: 40) + " ok"  // one 81-byte character
        let parsed = try Self.parsed(Self.message(subject: zalgo))
        let words = try Self.subjectWords(parsed)
        var bytes: [UInt8] = []
        for word in words {
            #expect(word.count <= 75)
            let payload = try #require(TestMIME.encodedWordPayload(word))
            #expect(String(validating: payload, as: UTF8.self) != nil)
            bytes += payload
        }
        #expect(String(decoding: bytes, as: UTF8.self) == zalgo)
    }

    @Test func longASCIISubjectIsFoldedAtSpacesNotEncoded() throws {
        let subject = (1...30).map { "word\($0)" }.joined(separator: " ")
        let parsed = try Self.parsed(Self.message(subject: subject))
        let subjectLines = parsed.rawHeaderLines.drop { !$0.hasPrefix("Subject:") }.prefix {
            !$0.hasPrefix("Message-ID:")
        }
        #expect(subjectLines.count > 1)
        #expect(parsed.header("Subject") == subject)
        #expect(!(parsed.header("Subject") ?? "").contains("=?"))
        #expect(parsed.rawHeaderLines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func plainASCIISubjectStaysVerbatim() throws {
        let parsed = try Self.parsed(Self.message(subject: "Your invite"))
        #expect(parsed.rawHeaderLines.contains("Subject: Your invite"))
    }

    @Test func asciiLookingEncodedWordIsEncoded() throws {
        let parsed = try Self.parsed(Self.message(subject: "=?UTF-8?B?aGk=?= literal"))
        let subject = try #require(parsed.header("Subject"))
        #expect(TestMIME.decodeHeaderValue(subject) == "=?UTF-8?B?aGk=?= literal")
    }

    @Test func fixedHeaders() throws {
        let parsed = try Self.parsed(Self.message(to: ["budi@x.test", "sari@x.test"]))
        #expect(
            parsed.headers.map(\.name) == [
                "Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding",
            ])
        #expect(parsed.header("Date") == "Thu, 04 Dec 2025 15:50:07 +0000")
        #expect(parsed.header("From") == "\"Jembatan\" <noreply@mailer.test>")
        #expect(parsed.header("To") == "budi@x.test, sari@x.test")
        #expect(parsed.header("Message-ID") == "<fixed-id@mailer.test>")
        #expect(parsed.header("MIME-Version") == "1.0")
        #expect(parsed.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(parsed.header("Content-Transfer-Encoding") == "quoted-printable")
    }

    @Test(arguments: [
        (1_709_175_845.0, "Thu, 29 Feb 2024 03:04:05 +0000"),
        (0.0, "Thu, 01 Jan 1970 00:00:00 +0000"),
        (1_767_225_599.9, "Wed, 31 Dec 2025 23:59:59 +0000"),
    ])
    func dateIsRFC5322InUTC(seconds: Double, expected: String) {
        #expect(MIMEEncoding.rfc5322Date(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func fromDisplayNames() throws {
        let quoted = try Self.parsed(Self.message(fromName: "Tim \"Keuangan\" \\ HQ"))
        #expect(quoted.header("From") == #""Tim \"Keuangan\" \\ HQ" <noreply@mailer.test>"#)

        let unicode = try Self.parsed(Self.message(fromName: "Jembatan · Notifikasi"))
        let from = try #require(unicode.header("From"))
        #expect(from.hasPrefix("=?UTF-8?B?"))
        #expect(from.hasSuffix(" <noreply@mailer.test>"))
        #expect(
            TestMIME.decodeHeaderValue(String(from.dropLast(" <noreply@mailer.test>".count)))
                == "Jembatan · Notifikasi")

        let bare = try Self.parsed(Self.message(fromName: ""))
        #expect(bare.header("From") == "noreply@mailer.test")
    }

    @Test func messageIDBracketsAreNotDoubled() throws {
        let parsed = try Self.parsed(Self.message(messageID: "<outbox-42@mailer.test>"))
        #expect(parsed.header("Message-ID") == "<outbox-42@mailer.test>")
        let generated = MailMessage(from: "a@mailer.test", to: ["b@x.test"], subject: "", body: "")
        #expect(generated.messageID.hasSuffix("@mailer.test"))
        #expect(generated.messageID != MailMessage(from: "a@mailer.test", to: [], subject: "", body: "").messageID)
    }

    @Test func headerInjectionIsStripped() throws {
        let message = MailMessage(
            from: "noreply@mailer.test\r\nBcc: a@evil.test",
            fromName: "Eve\r\nX-Injected: 1",
            to: ["budi@x.test\r\nBcc: b@evil.test", "sari@x.test\nCc: c@evil.test"],
            subject: "Hello\r\nBcc: victim@evil.test\r\n\r\nbody takeover",
            body: "Body",
            messageID: "id@x.test>\r\nX-Evil: <y",
            date: Self.fixedDate)
        let parsed = try Self.parsed(message)
        #expect(
            parsed.headers.map(\.name) == [
                "Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding",
            ])
        #expect(parsed.rawHeaderLines.allSatisfy { !$0.contains("\r") && !$0.contains("\n") })
        #expect(parsed.header("Subject") == "Hello Bcc: victim@evil.test body takeover")
        #expect(TestMIME.decodeQuotedPrintable(parsed.body) == Array("Body\r\n".utf8))
    }

    @Test func renderedBodyIsQuotedPrintableWithCRLF() throws {
        let body =
            "Halo Budi,\n\nSilakan klik: https://x.test/invite?token=abc=def \nSalam, Tim\t\n"
            + String(repeating: "é", count: 60) + "\n.tidak dihapus"
        let rendered = Self.message(body: body).rendered()
        let parsed = try #require(TestMIME.parse(rendered))
        #expect(TestMIME.decodeQuotedPrintable(parsed.body) == Array((TestMIME.normalizedCRLF(body) + "\r\n").utf8))
        #expect(rendered.suffix(2).elementsEqual([0x0D, 0x0A]))
        for line in TestMIME.lines(of: parsed.body) {
            #expect(line.count <= 76)
        }
        #expect(!rendered.contains(0x0A) || Self.everyLFIsPrecededByCR(rendered))
    }

    static func everyLFIsPrecededByCR(_ bytes: [UInt8]) -> Bool {
        bytes.indices.allSatisfy { bytes[$0] != 0x0A || ($0 > 0 && bytes[$0 - 1] == 0x0D) }
    }
}

@Suite("Quoted-printable")
struct QuotedPrintableTests {
    static let samples: [String] = [
        "",
        "plain",
        "a = b",
        "trailing space \ntrailing tab\t\r\nend ",
        String(repeating: "x", count: 200),
        String(repeating: "é", count: 100),
        String(repeating: "=", count: 80),
        String(repeating: "abc ", count: 40),
        "mixed\r\nline\nbreaks\rhere",
        ".leading dot\n..two dots",
        "emoji 👩‍👩‍👧‍👦 and “quotes” — dash",
        "\n\n\n",
        String(repeating: "a", count: 75) + " ",
        String(repeating: "a", count: 74) + "é",
    ]

    @Test(arguments: samples)
    func roundTrip(text: String) throws {
        try Self.checkRoundTrip(text)
    }

    @Test func fuzzedRoundTrip() throws {
        var generator = SplitMix64(seed: 0x5EED)
        let alphabet = ["a", "b", " ", "\t", "=", "é", "—", "😀", "\n", "\r\n", "\r", ".", "xyz", "=3D", "  "]
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...120, using: &generator)
            let text = (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "a" }.joined()
            try Self.checkRoundTrip(text)
        }
    }

    static func checkRoundTrip(_ text: String) throws {
        let encoded = MIMEEncoding.quotedPrintable(text)
        let decoded = try #require(TestMIME.decodeQuotedPrintable(encoded))
        #expect(decoded == Array(TestMIME.normalizedCRLF(text).utf8), "\(text.debugDescription)")
        #expect(encoded.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0D || $0 == 0x0A || $0 == 0x09 })
        #expect(RenderingTests.everyLFIsPrecededByCR(encoded))
        for line in TestMIME.lines(of: encoded) {
            #expect(line.count <= 76, "\(text.debugDescription)")
            if let last = line.last {
                #expect(last != 0x20 && last != 0x09, "trailing blank in \(text.debugDescription)")
            }
        }
    }
}

@Suite("Address plausibility")
struct AddressTests {
    @Test(arguments: ["budi@x.test", "a.b+tag@sub.example.co.id", "x@y.z", "o'brien@example.com"])
    func plausible(address: String) {
        #expect(MailMessage.isPlausibleAddress(address))
    }

    @Test(arguments: [
        "", "budi", "@x.test", "budi@", "budi@localhost", "a@b@c.test", "budi @x.test", "budi@x.test\r\n",
        "<budi@x.test>", "budi@x.test, sari@x.test", "budi@.test", "budi@x.test.", "budi@x..test", "bu\tdi@x.test",
        "\"quoted\"@x.test", String(repeating: "a", count: 250) + "@x.test",
    ])
    func implausible(address: String) {
        #expect(!MailMessage.isPlausibleAddress(address))
    }
}
