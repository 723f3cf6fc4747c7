import Foundation
import JembatanShared
import Logging
import ServiceLifecycle

/// Sends the queued notification mails, oldest first. A mail is taken for one attempt at a time
/// (its next attempt moved ahead by a lease, so a sender that dies mid-send leaves it due again,
/// not lost); the server's acceptance marks it sent; a refusal that may pass (server down, 4xx,
/// timeout) retries it with a growing, jittered wait; a refusal for good (5xx, authentication
/// refused, untrusted certificate) marks it failed with the reason (the person sees "surel gagal
/// dikirim" beside the notification).
///
/// Each mail goes out once, except when the process dies between the server's acceptance and the
/// mark: it is then sent again after the lease with the same `Message-ID`, which mail readers
/// recognise.
struct MailSender: Service {
    let store: NotificationStore
    let mailer: SMTPMailer
    let configuration: MailConfiguration
    let publicBaseURL: String
    let gate: StartupGate
    let logger: Logger
    var pollInterval: Duration = .seconds(1)

    static let lease: Duration = .seconds(120)

    func run() async throws {
        guard try await gate.wait() else { return }
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                do {
                    let sent = try await sendDue()
                    failures = 0
                    if sent > 0 { continue }
                } catch {
                    failures += 1
                    logger.warning(
                        "Mail queue not read; will retry",
                        metadata: [LogKey.error: "\(String(reflecting: error))", "attempt": "\(failures)"])
                    try? await Task.sleep(for: Backoff.delay(attempt: failures))
                    continue
                }
                try? await Task.sleep(for: pollInterval)
            }
        }
    }

    /// Tries every due mail once; returns how many were taken.
    func sendDue() async throws -> Int {
        let due = try await store.claimDue(limit: 10, lease: Self.lease)
        for mail in due {
            let message = Self.message(for: mail, configuration: configuration, publicBaseURL: publicBaseURL)
            let outcome: Result<Void, SMTPFailure>
            do {
                try await mailer.send(message)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success:
                try await store.sent(mail.id)
                NotificationMetrics.mailsSent.increment()
                logger.info("Mail sent", metadata: ["mail.id": "\(mail.id)", "attempt": "\(mail.attempts)"])
            case .failure(.permanent(let reason)):
                try await store.failed(mail.id, error: reason)
                NotificationMetrics.mailsFailed.increment()
                logger.error("Mail refused for good", metadata: ["mail.id": "\(mail.id)", LogKey.error: "\(reason)"])
            case .failure(.transient(let reason)):
                let delay = Self.retryDelay(attempt: mail.attempts, maximumSeconds: configuration.retryMaxSeconds)
                try await store.retry(mail.id, error: reason, after: delay)
                NotificationMetrics.mailsRetried.increment()
                logger.warning(
                    "Mail not sent; will retry",
                    metadata: ["mail.id": "\(mail.id)", "attempt": "\(mail.attempts)", LogKey.error: "\(reason)"])
            }
        }
        return due.count
    }

    /// 2, 4, 8 … seconds up to `maximumSeconds`, each between half and all of it (jitter).
    static func retryDelay(attempt: Int, maximumSeconds: Int) -> Duration {
        let ceiling = min(Double(maximumSeconds), pow(2, Double(min(max(attempt, 1), 20))))
        return .milliseconds(Int(Double.random(in: (ceiling / 2)...ceiling) * 1000))
    }

    /// The mail of a notification: Indonesian, addressed to the person, with the link that opens
    /// (and marks read) the notification in the workspace.
    static func message(
        for mail: NotificationStore.QueuedMail, configuration: MailConfiguration, publicBaseURL: String
    ) -> MailMessage {
        let domain = configuration.from.split(separator: "@").last.map(String.init) ?? "localhost"
        let body = """
            Yth. \(mail.fullName),

            \(mail.body)

            Buka di ruang kerja Jembatan:
            \(publicBaseURL)/pemberitahuan/\(mail.notificationId)

            --
            Pesan ini dikirim otomatis oleh Jembatan (Diskominfo). Mohon tidak membalas surel ini.
            """
        return MailMessage(
            from: configuration.from, fromName: configuration.fromName, to: [mail.address],
            subject: "[Jembatan] \(mail.title)", body: body, messageID: "mail-\(mail.id)@\(domain)")
    }
}

extension SMTPSettings {
    /// The SMTP client's settings from the workspace's configuration.
    init(_ mail: MailConfiguration) {
        self.init(
            host: mail.host, port: mail.port,
            heloDomain: mail.from.split(separator: "@").last.map(String.init) ?? "localhost",
            username: mail.username, password: mail.username == nil ? nil : mail.password,
            requireStartTLS: mail.security == .starttls, implicitTLS: mail.security == .smtps, caFile: mail.caFile,
            verifyPeer: true, timeoutSeconds: 30)
    }
}
