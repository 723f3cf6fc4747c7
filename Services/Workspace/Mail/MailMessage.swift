import Foundation

/// A plain-text e-mail, rendered as an RFC 5322 message with a UTF-8 quoted-printable body.
///
/// Header values are sanitised when rendering: CR and LF never reach the header section, so user
/// text (names, subjects) cannot inject headers. Addresses are not validated here; use
/// ``isPlausibleAddress(_:)`` before accepting them (``SMTPMailer/send(_:)`` does).
public struct MailMessage: Sendable, Equatable {
    /// Envelope sender and `From:` address, e.g. `noreply@example.com` (no angle brackets).
    public var from: String
    /// Display name for `From:`; empty for none. Encoded per RFC 2047 when not plain ASCII.
    public var fromName: String
    /// Recipients: `To:` header and one SMTP `RCPT TO` each (no angle brackets).
    public var to: [String]
    /// Subject line; any Unicode text. Line breaks are replaced by spaces.
    public var subject: String
    /// Plain-text body; LF, CRLF or CR line breaks are all sent as CRLF.
    public var body: String
    /// `Message-ID` without angle brackets, e.g. `outbox-42@example.com`. Keep it stable across
    /// retries of the same logical message so receivers can detect duplicates.
    public var messageID: String
    /// `Date:` header value; rendered in UTC.
    public var date: Date

    /// Creates a message.
    /// - Parameters:
    ///   - from: sender address, e.g. `noreply@example.com`.
    ///   - fromName: sender display name; empty for none.
    ///   - to: recipient addresses.
    ///   - subject: subject line.
    ///   - body: plain-text body.
    ///   - messageID: `Message-ID` without angle brackets; `nil` generates `<UUID>@<sender domain>`.
    ///   - date: the `Date:` header; defaults to now.
    public init(
        from: String,
        fromName: String = "",
        to: [String],
        subject: String,
        body: String,
        messageID: String? = nil,
        date: Date = Date()
    ) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID ?? Self.generatedMessageID(from: from)
        self.date = date
    }

    /// The complete message (headers, blank line, quoted-printable body) with CRLF line endings,
    /// ready to upload as SMTP `DATA` (the transport adds dot-stuffing and the final `.`).
    public func rendered() -> [UInt8] {
        let headers = [
            "Date: " + MIMEEncoding.rfc5322Date(date),
            MIMEEncoding.mailboxHeader(name: "From", displayName: fromName, address: from),
            MIMEEncoding.addressListHeader(name: "To", addresses: to),
            MIMEEncoding.unstructuredHeader(name: "Subject", value: subject),
            "Message-ID: <\(Self.bareMessageID(messageID))>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        var bytes = Array((headers.joined(separator: MIMEEncoding.crlf) + MIMEEncoding.crlf + MIMEEncoding.crlf).utf8)
        bytes += MIMEEncoding.quotedPrintable(body)
        if !bytes.suffix(2).elementsEqual([0x0D, 0x0A]) { bytes += [0x0D, 0x0A] }
        return bytes
    }

    /// A cheap sanity check for addresses before they go into headers and SMTP commands: exactly
    /// one `@`, a non-empty local part, a domain containing an inner dot, at most 254 bytes, and no
    /// whitespace, control characters, `<`, `>`, `,`, `;` or `"`. Not a full RFC 5321 parser.
    public static func isPlausibleAddress(_ address: String) -> Bool {
        guard address.utf8.count <= 254 else { return false }
        let forbidden: Set<Unicode.Scalar> = ["<", ">", ",", ";", "\"", "\u{7F}"]
        let hasForbidden = address.unicodeScalars.contains { scalar in
            scalar.value <= 0x20 || forbidden.contains(scalar) || scalar.properties.isWhitespace
        }
        guard !hasForbidden else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last else { return false }
        guard !local.isEmpty, let dot = domain.firstIndex(of: ".") else { return false }
        return dot != domain.startIndex && !domain.hasSuffix(".") && !domain.contains("..")
    }

    /// `messageID` with line breaks, surrounding spaces and angle brackets removed.
    static func bareMessageID(_ id: String) -> String {
        let trimmed = MIMEEncoding.strippingLineBreaks(id).trimmingCharacters(in: .whitespaces)
        return trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
    }

    static func generatedMessageID(from address: String) -> String {
        let domain = address.split(separator: "@").last.map(String.init) ?? "localhost"
        let safeDomain = MailMessage.isPlausibleAddress(address) ? domain : "localhost"
        return "\(UUID().uuidString.lowercased())@\(safeDomain)"
    }
}
