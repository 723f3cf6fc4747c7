import Foundation
import Testing

@testable import Workspace

@Suite("SMTPFailure classification and redaction")
struct FailureTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var curl: UInt32
        var reply: Int
        var permanent: Bool
        var testDescription: String { "curl \(curl), reply \(reply) → \(permanent ? "permanent" : "transient")" }
    }

    @Test(arguments: [
        Case(curl: 67, reply: 535, permanent: true),  // login denied
        Case(curl: 67, reply: 454, permanent: false),  // temporary authentication failure
        Case(curl: 55, reply: 550, permanent: true),  // RCPT rejected
        Case(curl: 55, reply: 451, permanent: false),  // RCPT greylisted
        Case(curl: 55, reply: 0, permanent: false),  // connection dropped
        Case(curl: 56, reply: 0, permanent: false),
        Case(curl: 7, reply: 0, permanent: false),  // connection refused
        Case(curl: 28, reply: 0, permanent: false),  // timeout
        Case(curl: 28, reply: 250, permanent: false),
        Case(curl: 60, reply: 0, permanent: true),  // certificate not trusted
        Case(curl: 77, reply: 0, permanent: true),  // CA file unreadable
        Case(curl: 64, reply: 250, permanent: true),  // STARTTLS not offered
        Case(curl: 3, reply: 0, permanent: true),  // malformed URL
        Case(curl: 35, reply: 0, permanent: false),  // TLS handshake failed
        Case(curl: 94, reply: 0, permanent: true),  // no usable AUTH mechanism
    ])
    func classification(_ testCase: Case) {
        let failure = SMTPFailure.classify(curlCode: testCase.curl, replyCode: testCase.reply, detail: "d")
        #expect(failure.isPermanent == testCase.permanent)
        #expect(failure.detail == "d")
    }

    @Test func descriptionsNeverShowThePassword() {
        let settings = SMTPSettings(host: "smtp.x.test", username: "notify", password: "hunter2-secret")
        var dumped = ""
        dump(settings, to: &dumped)
        for text in [settings.description, settings.debugDescription, "\(settings)", dumped] {
            #expect(!text.contains("hunter2-secret"))
            #expect(text.contains("smtp.x.test"))
        }
    }

    @Test func invalidInputFailsPermanentlyBeforeConnecting() async {
        let mailer = SMTPMailer(settings: SMTPSettings(host: "127.0.0.1", port: 1, timeoutSeconds: 2))
        let good = MailMessage(from: "a@x.test", to: ["b@x.test"], subject: "s", body: "b")
        for message in [
            MailMessage(from: "a@x.test", to: ["b@x.test\r\nRCPT TO:<c@x.test>"], subject: "s", body: "b"),
            MailMessage(from: "not-an-address", to: ["b@x.test"], subject: "s", body: "b"),
            MailMessage(from: "a@x.test", to: [], subject: "s", body: "b"),
        ] {
            await Self.expectPermanent { try await mailer.send(message) }
        }
        for settings in [
            SMTPSettings(host: "evil.test/path@x", port: 25),
            SMTPSettings(host: "", port: 25),
            SMTPSettings(host: "x.test", port: 70_000),
            SMTPSettings(host: "x.test", timeoutSeconds: 0),
        ] {
            await Self.expectPermanent { try await SMTPMailer(settings: settings).send(good) }
        }
    }

    static func expectPermanent(_ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected a permanent failure")
        } catch let failure as SMTPFailure {
            #expect(failure.isPermanent, "\(failure)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
