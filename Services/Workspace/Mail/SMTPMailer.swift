import Foundation

/// How to reach and authenticate to the SMTP submission server.
///
/// `description` and reflection never show the password.
public struct SMTPSettings: Sendable, Equatable {
    /// Server host name or IP address (IPv6 without brackets is fine).
    public var host: String
    /// Server port: usually 587 (STARTTLS) or 465 (implicit TLS).
    public var port: Int
    /// Name sent with `EHLO`.
    public var heloDomain: String
    /// AUTH user; `nil` sends without authenticating.
    public var username: String?
    /// AUTH password; only ever handed to libcurl, never put into errors or descriptions.
    public var password: String?
    /// Require STARTTLS: the send fails permanently if the server does not offer it. When `false`,
    /// STARTTLS is still used if offered, but credentials may otherwise travel in clear text.
    public var requireStartTLS: Bool
    /// Connect with TLS from the first byte (`smtps://`, port 465) instead of STARTTLS.
    public var implicitTLS: Bool
    /// PEM file of CA certificates to trust instead of the system bundle (e.g. a test server's
    /// self-signed certificate).
    public var caFile: String?
    /// Verify the server certificate and host name. Only disable for local experiments.
    public var verifyPeer: Bool
    /// Upper bound for a whole send, connection included (the connect phase alone is capped at 10 s).
    public var timeoutSeconds: Int

    /// Creates settings; the defaults suit a STARTTLS submission server on port 587.
    public init(
        host: String,
        port: Int = 587,
        heloDomain: String = "localhost",
        username: String? = nil,
        password: String? = nil,
        requireStartTLS: Bool = true,
        implicitTLS: Bool = false,
        caFile: String? = nil,
        verifyPeer: Bool = true,
        timeoutSeconds: Int = 60
    ) {
        self.host = host
        self.port = port
        self.heloDomain = heloDomain
        self.username = username
        self.password = password
        self.requireStartTLS = requireStartTLS
        self.implicitTLS = implicitTLS
        self.caFile = caFile
        self.verifyPeer = verifyPeer
        self.timeoutSeconds = timeoutSeconds
    }
}

extension SMTPSettings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// All settings with the password replaced by `<redacted>`.
    public var description: String {
        let scheme = implicitTLS ? "smtps" : "smtp"
        let credentials = username.map { "user=\($0) password=\(password == nil ? "nil" : "<redacted>")" } ?? "no-auth"
        return "SMTPSettings(\(scheme)://\(host):\(port) helo=\(heloDomain) \(credentials) "
            + "requireStartTLS=\(requireStartTLS) caFile=\(caFile ?? "system") verifyPeer=\(verifyPeer) "
            + "timeout=\(timeoutSeconds)s)"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// Reflection (`dump`, debuggers) without the password.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port, "heloDomain": heloDomain, "username": username as Any,
                "password": password == nil ? "nil" : "<redacted>", "requireStartTLS": requireStartTLS,
                "implicitTLS": implicitTLS, "caFile": caFile as Any, "verifyPeer": verifyPeer,
                "timeoutSeconds": timeoutSeconds,
            ])
    }
}

/// Why a send failed, split by whether retrying can help.
///
/// The text names libcurl's code and message and the last SMTP reply code, e.g.
/// `curl 55 (Failed sending data to the peer: RCPT failed: 550), SMTP reply 550`. It never
/// contains the password.
public enum SMTPFailure: Error, Sendable, CustomStringConvertible {
    /// Worth retrying later: 4xx replies, connection refused, timeouts, dropped connections.
    case transient(String)
    /// Retrying the same message with the same settings will fail again: 5xx replies, rejected
    /// credentials, TLS/certificate problems, invalid settings or addresses.
    case permanent(String)

    /// `true` for ``permanent(_:)``.
    public var isPermanent: Bool {
        if case .permanent = self { return true }
        return false
    }

    /// The detail text without the transient/permanent prefix.
    public var detail: String {
        switch self {
        case .transient(let detail), .permanent(let detail): detail
        }
    }

    /// `transient: <detail>` or `permanent: <detail>`.
    public var description: String {
        (isPermanent ? "permanent: " : "transient: ") + detail
    }
}

/// Sends ``MailMessage``s through libcurl's SMTP client (STARTTLS or implicit TLS, AUTH).
///
/// `curl_easy_perform` blocks, so every send runs on a small dedicated thread pool (two
/// threads) and the calling task suspends meanwhile; Swift's cooperative pool is never blocked.
/// Each send uses a fresh connection. A send cannot be cancelled once started; it is bounded by
/// ``SMTPSettings/timeoutSeconds``.
public struct SMTPMailer: Sendable {
    /// The settings every send uses.
    public let settings: SMTPSettings

    /// Creates a mailer; no connection is made until ``send(_:)``.
    public init(settings: SMTPSettings) {
        self.settings = settings
    }

    /// Delivers `message` to the server for all of `message.to`.
    ///
    /// Returns once the server accepted the message (`250` after `DATA`). Refuses implausible
    /// addresses (see ``MailMessage/isPlausibleAddress(_:)``) and invalid settings with
    /// ``SMTPFailure/permanent(_:)`` before connecting.
    /// - Throws: ``SMTPFailure``; retry only ``SMTPFailure/transient(_:)``.
    public func send(_ message: MailMessage) async throws(SMTPFailure) {
        try Self.validateAddresses(of: message)
        let transfer = try CurlSMTPTransfer(settings: settings)
        let payload = message.rendered()
        let sender = message.from
        let recipients = message.to
        try await BlockingThreadPool.mail.run { () throws(SMTPFailure) in
            try transfer.perform(sender: sender, recipients: recipients, payload: payload)
        }
    }

    private static func validateAddresses(of message: MailMessage) throws(SMTPFailure) {
        guard MailMessage.isPlausibleAddress(message.from) else {
            throw .permanent("invalid sender address \(message.from.debugDescription)")
        }
        guard !message.to.isEmpty else { throw .permanent("no recipients") }
        for recipient in message.to where !MailMessage.isPlausibleAddress(recipient) {
            throw .permanent("invalid recipient address \(recipient.debugDescription)")
        }
    }
}
