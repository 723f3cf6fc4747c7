import Foundation

/// A mail the test stack's SMTP server took: its envelope (and whether the session used STARTTLS
/// and AUTH) from the server's .json, its headers and body decoded from the raw .eml.
struct SentMail: Sendable {
    let recipients: [String]
    let sender: String
    let tls: Bool
    let authenticated: Bool
    let messageID: String
    let subject: String
    let body: String

    /// Every mail in the server's folder (an .eml is read only once its .json exists: written last).
    static func all() -> [SentMail] {
        let folder = LocalStack.sentMail
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            let stem = String(name.dropLast(".json".count))
            guard let meta = try? Data(contentsOf: folder.appendingPathComponent(name)),
                let envelope = try? JSONSerialization.jsonObject(with: meta) as? [String: Any],
                let raw = try? Data(contentsOf: folder.appendingPathComponent(stem + ".eml"))
            else { return nil }
            return SentMail(envelope: envelope, raw: String(decoding: raw, as: UTF8.self))
        }
    }

    init(envelope: [String: Any], raw: String) {
        recipients = envelope["rcpt_tos"] as? [String] ?? []
        sender = envelope["mail_from"] as? String ?? ""
        tls = envelope["tls"] as? Bool ?? false
        authenticated = envelope["auth"] as? Bool ?? false
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n")
        let split = text.range(of: "\n\n")
        let head = split.map { String(text[..<$0.lowerBound]) } ?? text
        let rawBody = split.map { String(text[$0.upperBound...]) } ?? ""
        // Unfold continuation lines, then read each header once.
        var headers: [String: String] = [:]
        for line in head.replacingOccurrences(of: "\n ", with: " ").replacingOccurrences(of: "\n\t", with: " ")
            .split(separator: "\n")
        {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        messageID = headers["message-id"] ?? ""
        subject = Self.decodeWords(headers["subject"] ?? "")
        body =
            headers["content-transfer-encoding"]?.lowercased() == "quoted-printable"
            ? Self.quotedPrintable(rawBody) : rawBody
    }

    /// RFC 2047: `=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=` words (blanks between two words dropped).
    static func decodeWords(_ text: String) -> String {
        let pattern = try! NSRegularExpression(pattern: #"=\?([^?]+)\?([BbQq])\?([^?]*)\?="#)
        let source = text as NSString
        var out = ""
        var last = 0
        var previousWasWord = false
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: source.length)) {
            let between = source.substring(with: NSRange(location: last, length: match.range.location - last))
            if !(previousWasWord && between.allSatisfy(\.isWhitespace)) { out += between }
            let encoding = source.substring(with: match.range(at: 2)).uppercased()
            let payload = source.substring(with: match.range(at: 3))
            var bytes: [UInt8] = []
            if encoding == "B" {
                bytes = Array(Data(base64Encoded: payload) ?? Data())
            } else {
                bytes = Array(quotedPrintable(payload.replacingOccurrences(of: "_", with: " ")).utf8)
            }
            out += String(decoding: bytes, as: UTF8.self)
            last = match.range.location + match.range.length
            previousWasWord = true
        }
        out += source.substring(from: last)
        return out
    }

    /// RFC 2045 quoted-printable (soft line breaks removed).
    static func quotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.replacingOccurrences(of: "=\n", with: "").utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "="), index + 2 < input.count,
                let value = UInt8(String(decoding: input[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
