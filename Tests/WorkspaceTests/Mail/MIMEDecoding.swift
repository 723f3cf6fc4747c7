import Foundation

/// Minimal, independent decoders for what `MailMessage.rendered()` produces, so tests check the
/// encoders against a separate implementation rather than against themselves.
enum TestMIME {
    /// A raw message split into unfolded headers and the (still encoded) body.
    struct Message {
        /// Header lines exactly as transmitted (folded), without CRLF.
        var rawHeaderLines: [String]
        /// (name, unfolded value) in order.
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    static let crlf: [UInt8] = [0x0D, 0x0A]

    /// Splits at the first empty line; returns nil when there is none.
    static func parse(_ bytes: [UInt8]) -> Message? {
        let separator: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
        guard let split = firstRange(of: separator, in: bytes) else { return nil }
        guard let headerText = String(validating: bytes[..<split.lowerBound], as: UTF8.self) else { return nil }
        let lines = headerText.components(separatedBy: "\r\n")
        var headers: [(name: String, value: String)] = []
        for line in lines {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), let last = headers.popLast() {
                headers.append((last.name, last.value + line))  // unfold: drop only the CRLF
            } else if let colon = line.firstIndex(of: ":") {
                let value = line[line.index(after: colon)...].drop { $0 == " " }
                headers.append((String(line[..<colon]), String(value)))
            } else {
                return nil
            }
        }
        return Message(rawHeaderLines: lines, headers: headers, body: Array(bytes[split.upperBound...]))
    }

    /// Decodes RFC 2047 "B" words (UTF-8); whitespace between adjacent encoded words is dropped.
    static func decodeHeaderValue(_ value: String) -> String? {
        var output = ""
        var pendingSpace = ""
        var previousWasEncoded = false
        for token in value.split(separator: " ", omittingEmptySubsequences: false) {
            if let word = encodedWordPayload(String(token)) {
                guard let text = String(validating: word, as: UTF8.self) else { return nil }
                if !previousWasEncoded { output += pendingSpace }
                output += text
                previousWasEncoded = true
            } else {
                output += pendingSpace + token
                previousWasEncoded = false
            }
            pendingSpace = " "
        }
        return output
    }

    /// The decoded bytes of one `=?UTF-8?B?...?=` word, or nil if `token` is not one.
    static func encodedWordPayload(_ token: String) -> [UInt8]? {
        let prefix = "=?UTF-8?B?"
        guard token.uppercased().hasPrefix(prefix), token.hasSuffix("?="), token.count >= prefix.count + 2 else {
            return nil
        }
        let base64 = token.dropFirst(prefix.count).dropLast(2)
        return Data(base64Encoded: String(base64)).map { Array($0) }
    }

    /// RFC 2045 quoted-printable decoding; nil on a malformed escape.
    static func decodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "=") else {
                output.append(byte)
                index += 1
                continue
            }
            if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                index += 3  // soft line break
                continue
            }
            guard index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            else { return nil }
            output.append(high << 4 | low)
            index += 3
        }
        return output
    }

    /// Line breaks (LF, CRLF, lone CR) normalised to CRLF: what the body should decode to.
    static func normalizedCRLF(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
    }

    static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0x0D && bytes[index + 1] == 0x0A {
                result.append(bytes[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        if start < bytes.count { result.append(bytes[start...]) }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start..<start + needle.count
        }
        return nil
    }
}

/// Deterministic pseudo-random numbers (SplitMix64) for reproducible fuzz inputs.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
