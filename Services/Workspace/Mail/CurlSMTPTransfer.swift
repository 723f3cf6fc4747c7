import CCurlShim
import Foundation

/// One blocking SMTP transaction through a libcurl easy handle. Call only from a pool thread.
struct CurlSMTPTransfer: Sendable {
    let settings: SMTPSettings
    let url: String

    /// The connect phase alone never waits longer than this.
    static let connectTimeoutSeconds = 10

    /// Checks the settings and builds the `smtp://` / `smtps://` URL (its path is the EHLO name).
    init(settings: SMTPSettings) throws(SMTPFailure) {
        let forbidden = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: "/@?#\\%"))
        guard !settings.host.isEmpty, settings.host.rangeOfCharacter(from: forbidden) == nil else {
            throw .permanent("invalid host \(settings.host.debugDescription)")
        }
        guard (1...65535).contains(settings.port) else { throw .permanent("invalid port \(settings.port)") }
        guard settings.timeoutSeconds >= 1 else {
            throw .permanent("invalid timeout \(settings.timeoutSeconds)s")
        }
        let scheme = settings.implicitTLS ? "smtps" : "smtp"
        let isBareIPv6 = settings.host.contains(":") && !settings.host.hasPrefix("[")
        let host = isBareIPv6 ? "[\(settings.host)]" : settings.host
        let heloAllowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._"))
        let helo = settings.heloDomain.addingPercentEncoding(withAllowedCharacters: heloAllowed) ?? "localhost"
        self.settings = settings
        self.url = "\(scheme)://\(host):\(settings.port)/\(helo)"
    }

    /// Runs the whole SMTP dialogue (connect, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA) and blocks
    /// until the server accepted the message or the transfer failed.
    func perform(sender: String, recipients: [String], payload: [UInt8]) throws(SMTPFailure) {
        guard CurlRuntime.globalInitResult == CURLE_OK.rawValue else {
            throw .permanent("curl_global_init failed with curl code \(CurlRuntime.globalInitResult)")
        }
        // Declared in dependency order: the deferred cleanups run in reverse, handle first.
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        var recipientList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(recipientList) }
        for recipient in recipients {
            guard let extended = curl_slist_append(recipientList, "<\(recipient)>") else {
                throw .transient("curl_slist_append failed (out of memory)")
            }
            recipientList = extended
        }
        let source = Unmanaged.passRetained(UploadSource(payload))
        defer { source.release() }
        guard let handle = curl_easy_init() else { throw .transient("curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }

        try configure(handle, sender: sender, recipients: recipientList, payloadSize: payload.count)
        try setOption("CURLOPT_ERRORBUFFER", ccurl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        try setOption("CURLOPT_READDATA", ccurl_set_pointer(handle, CURLOPT_READDATA, source.toOpaque()))
        try setOption(
            "CURLOPT_READFUNCTION",
            ccurl_set_read_callback(handle) { buffer, size, count, context in
                guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
                let source = Unmanaged<UploadSource>.fromOpaque(context).takeUnretainedValue()
                return source.read(into: buffer, capacity: size * count)
            })

        let code = curl_easy_perform(handle)
        guard code != CURLE_OK else { return }
        var replyCode = 0
        if ccurl_get_long(handle, CURLINFO_RESPONSE_CODE, &replyCode) != CURLE_OK { replyCode = 0 }
        let detail = Self.describe(code, errorText: String(cString: errorBuffer), replyCode: replyCode)
        throw SMTPFailure.classify(curlCode: code.rawValue, replyCode: replyCode, detail: redacted(detail))
    }

    /// Every option except the ones pointing at per-call memory.
    private func configure(
        _ handle: UnsafeMutableRawPointer,
        sender: String,
        recipients: UnsafeMutablePointer<curl_slist>?,
        payloadSize: Int
    ) throws(SMTPFailure) {
        try setOption("CURLOPT_NOSIGNAL", ccurl_set_long(handle, CURLOPT_NOSIGNAL, 1))
        try setOption("CURLOPT_PROTOCOLS_STR", ccurl_set_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"))
        try setOption("CURLOPT_URL", ccurl_set_string(handle, CURLOPT_URL, url))
        let tlsMode = settings.requireStartTLS || settings.implicitTLS ? CURLUSESSL_ALL : CURLUSESSL_TRY
        try setOption("CURLOPT_USE_SSL", ccurl_set_long(handle, CURLOPT_USE_SSL, Int(tlsMode.rawValue)))
        try setOption(
            "CURLOPT_SSL_VERIFYPEER", ccurl_set_long(handle, CURLOPT_SSL_VERIFYPEER, settings.verifyPeer ? 1 : 0))
        try setOption(
            "CURLOPT_SSL_VERIFYHOST", ccurl_set_long(handle, CURLOPT_SSL_VERIFYHOST, settings.verifyPeer ? 2 : 0))
        if let caFile = settings.caFile {
            try setOption("CURLOPT_CAINFO", ccurl_set_string(handle, CURLOPT_CAINFO, caFile))
        }
        if let username = settings.username {
            try setOption("CURLOPT_USERNAME", ccurl_set_string(handle, CURLOPT_USERNAME, username))
            try setOption("CURLOPT_PASSWORD", ccurl_set_string(handle, CURLOPT_PASSWORD, settings.password ?? ""))
        }
        try setOption("CURLOPT_MAIL_FROM", ccurl_set_string(handle, CURLOPT_MAIL_FROM, "<\(sender)>"))
        try setOption("CURLOPT_MAIL_RCPT", ccurl_set_slist(handle, CURLOPT_MAIL_RCPT, recipients))
        try setOption("CURLOPT_UPLOAD", ccurl_set_long(handle, CURLOPT_UPLOAD, 1))
        try setOption(
            "CURLOPT_INFILESIZE_LARGE", ccurl_set_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(payloadSize)))
        let connectTimeout = min(Self.connectTimeoutSeconds, settings.timeoutSeconds)
        try setOption("CURLOPT_CONNECTTIMEOUT", ccurl_set_long(handle, CURLOPT_CONNECTTIMEOUT, connectTimeout))
        try setOption("CURLOPT_TIMEOUT", ccurl_set_long(handle, CURLOPT_TIMEOUT, settings.timeoutSeconds))
    }

    private func setOption(_ name: String, _ code: CURLcode) throws(SMTPFailure) {
        guard code != CURLE_OK else { return }
        let detail = "setting \(name): " + Self.describe(code, errorText: "", replyCode: 0)
        throw SMTPFailure.classify(curlCode: code.rawValue, replyCode: 0, detail: detail)
    }

    /// `curl 55 (Failed sending data to the peer: RCPT failed: 550), SMTP reply 550`.
    private static func describe(_ code: CURLcode, errorText: String, replyCode: Int) -> String {
        let summary = String(cString: curl_easy_strerror(code))
        let text = errorText.isEmpty || errorText == summary ? summary : "\(summary): \(errorText)"
        return "curl \(code.rawValue) (\(text)), SMTP reply \(replyCode)"
    }

    /// Belt and braces: libcurl and servers do not echo passwords, but never let one through.
    private func redacted(_ text: String) -> String {
        guard let password = settings.password, password.count >= 4 else { return text }
        return text.replacingOccurrences(of: password, with: "<redacted>")
    }
}

/// Process-wide libcurl initialisation.
enum CurlRuntime {
    /// `curl_global_init` result; evaluated exactly once, on first use (Swift runs a static
    /// initialiser once, thread-safely).
    static let globalInitResult: UInt32 = ccurl_global_init().rawValue
}

/// Feeds the rendered message to libcurl's read callback. Used by one transfer on one thread.
private final class UploadSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Copies up to `capacity` bytes into `buffer`; returns 0 at the end of the message.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        UnsafeMutableRawBufferPointer(start: buffer, count: count).copyBytes(from: bytes[offset..<offset + count])
        offset += count
        return count
    }
}

extension SMTPFailure {
    /// libcurl codes that mean the settings, the server's certificate or the credentials are wrong:
    /// retrying cannot help.
    static let permanentCurlCodes: Set<UInt32> = [
        CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_NOT_BUILT_IN, CURLE_BAD_FUNCTION_ARGUMENT,
        CURLE_UNKNOWN_OPTION, CURLE_SSL_CERTPROBLEM, CURLE_PEER_FAILED_VERIFICATION, CURLE_USE_SSL_FAILED,
        CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
    ].reduce(into: []) { $0.insert($1.rawValue) }

    /// Rejected credentials: permanent, unless the server said 4xx ("454 temporary authentication failure").
    static let authenticationCurlCodes: Set<UInt32> = [CURLE_LOGIN_DENIED.rawValue, CURLE_AUTH_ERROR.rawValue]

    /// Maps a failed transfer to transient or permanent.
    ///
    /// Order: configuration/TLS codes → permanent; then the last SMTP reply decides (5xx → permanent,
    /// 4xx → transient); then rejected credentials → permanent; everything else (connect refused 7,
    /// timeout 28, send/receive errors 55/56 with no reply or a 2xx/3xx one, ...) → transient.
    static func classify(curlCode: UInt32, replyCode: Int, detail: String) -> SMTPFailure {
        if permanentCurlCodes.contains(curlCode) { return .permanent(detail) }
        switch replyCode {
        case 500...599: return .permanent(detail)
        case 400...499: return .transient(detail)
        default: break
        }
        return authenticationCurlCodes.contains(curlCode) ? .permanent(detail) : .transient(detail)
    }
}
