import Foundation

/// RFC 2045 / 2047 / 5322 building blocks used by ``MailMessage/rendered()``.
///
/// Everything here is pure and deterministic so it can be unit-tested byte for byte.
enum MIMEEncoding {
    static let crlf = "\r\n"
    /// Longest header line produced (RFC 5322 §2.1.1 "SHOULD" limit), excluding CRLF.
    static let maxHeaderLineLength = 78
    /// Longest quoted-printable body line (RFC 2045 §6.7), excluding CRLF.
    static let maxBodyLineLength = 76
    /// Raw bytes per RFC 2047 encoded word: 42 bytes → 56 base64 characters → a 68-character word,
    /// which stays under the 75-character word limit and fits after "Subject: " on a 78-column line.
    static let encodedWordPayloadBytes = 42

    // MARK: - Header text hygiene

    /// Replaces every run of CR/LF characters with a single space, so user text can never
    /// start a new header line (header injection).
    static func singleLine(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var previousWasBreak = false
        for scalar in text.unicodeScalars {
            let isBreak = scalar == "\r" || scalar == "\n"
            if isBreak {
                if !previousWasBreak { result.append(" ") }
            } else {
                result.append(scalar)
            }
            previousWasBreak = isBreak
        }
        return String(result)
    }

    /// Removes every CR and LF (for addresses and message IDs, where a space would be wrong too).
    static func strippingLineBreaks(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
    }

    /// True when `text` can appear in a header verbatim: printable ASCII, space or tab, and nothing
    /// a decoder could mistake for an encoded word.
    static func isPlainHeaderText(_ text: String) -> Bool {
        text.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 } && !text.contains("=?")
    }

    // MARK: - Header lines

    /// An unstructured header such as `Subject`: verbatim when it fits, folded at spaces when that
    /// keeps every line within 78 columns, otherwise RFC 2047 B-encoded words.
    /// Returns the complete (possibly folded) header without the final CRLF.
    static func unstructuredHeader(name: String, value: String) -> String {
        let text = singleLine(value)
        if isPlainHeaderText(text) {
            let folded = fold(
                name: name, tokens: text.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
            if fitsLineLimit(folded) { return folded }
        }
        return fold(name: name, tokens: encodedWords(text))
    }

    /// `From:`-style mailbox header: `"Display Name" <address>`, the name as encoded words when it
    /// is not plain ASCII or would not fit; just the address when the name is empty.
    static func mailboxHeader(name: String, displayName: String, address: String) -> String {
        let address = strippingLineBreaks(address)
        let displayName = singleLine(displayName)
        guard !displayName.isEmpty else { return "\(name): \(address)" }
        if isPlainHeaderText(displayName) {
            let quoted =
                "\""
                + displayName.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
            let line = "\(name): \(quoted) <\(address)>"
            if line.utf8.count <= maxHeaderLineLength { return line }
        }
        return fold(name: name, tokens: encodedWords(displayName) + ["<\(address)>"])
    }

    /// Address-list header such as `To:`, folded after the commas.
    static func addressListHeader(name: String, addresses: [String]) -> String {
        let cleaned = addresses.map(strippingLineBreaks)
        let tokens = cleaned.enumerated().map { index, address in
            index < cleaned.count - 1 ? address + "," : address
        }
        return fold(name: name, tokens: tokens)
    }

    /// Joins `tokens` with single spaces after `"Name: "`, breaking lines (CRLF + the space) before a
    /// token that would overflow 78 columns. Unfolding restores the tokens joined by spaces exactly.
    static func fold(name: String, tokens: [String]) -> String {
        var lines: [String] = []
        var line = "\(name):"
        var lineHasToken = false
        for token in tokens {
            let overflows = line.utf8.count + 1 + token.utf8.count > maxHeaderLineLength
            if overflows && lineHasToken && !token.isEmpty {
                lines.append(line)
                line = ""
            }
            line += " " + token
            lineHasToken = true
        }
        lines.append(line)
        return lines.joined(separator: crlf)
    }

    static func fitsLineLimit(_ header: String) -> Bool {
        header.components(separatedBy: crlf).allSatisfy { line in
            line.utf8.count <= maxHeaderLineLength && !line.allSatisfy { $0 == " " || $0 == "\t" }
        }
    }

    // MARK: - RFC 2047

    /// Splits `text` into RFC 2047 "B" encoded words (`=?UTF-8?B?...?=`), each at most 75 characters.
    /// Words break only between whole characters (grapheme clusters); a single character too long for
    /// one word is split between Unicode scalars, so every word always decodes to valid UTF-8.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
            chunk.removeAll(keepingCapacity: true)
        }
        for character in text {
            for piece in encodablePieces(of: character) {
                if chunk.count + piece.count > encodedWordPayloadBytes { flush() }
                chunk += piece
            }
        }
        flush()
        return words
    }

    /// The character's UTF-8 bytes as one piece, or one piece per scalar when the character alone
    /// exceeds an encoded word's payload (e.g. long combining sequences).
    private static func encodablePieces(of character: Character) -> [[UInt8]] {
        let bytes = Array(character.utf8)
        if bytes.count <= encodedWordPayloadBytes { return [bytes] }
        return character.unicodeScalars.map { Array(String($0).utf8) }
    }

    // MARK: - RFC 2045 quoted-printable

    /// Quoted-printable body (RFC 2045 §6.7). Line breaks in `text` (LF, CRLF or a lone CR) become
    /// CRLF; `=`, control and non-ASCII bytes become `=XX`; a space or tab ending a line is encoded;
    /// soft line breaks (`=` CRLF) keep every encoded line within 76 characters.
    static func quotedPrintable(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        let lines = splitLines(Array(text.utf8))
        for (lineIndex, line) in lines.enumerated() {
            if lineIndex > 0 { output += [0x0D, 0x0A] }
            var column = 0
            for (byteIndex, byte) in line.enumerated() {
                let isLastByte = byteIndex == line.count - 1
                let token = quotedPrintableToken(byte, endsLine: isLastByte)
                // The last token may use all 76 columns; any other needs room for the soft-break "=".
                let limit = isLastByte ? maxBodyLineLength : maxBodyLineLength - 1
                if column + token.count > limit {
                    output += [UInt8(ascii: "="), 0x0D, 0x0A]
                    column = 0
                }
                output += token
                column += token.count
            }
        }
        return output
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func quotedPrintableToken(_ byte: UInt8, endsLine: Bool) -> [UInt8] {
        let isLiteral =
            (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
            || ((byte == 0x20 || byte == 0x09) && !endsLine)
        if isLiteral { return [byte] }
        return [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
    }

    /// Splits on CRLF, LF or lone CR; the line breaks themselves are dropped.
    static func splitLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(bytes[start..<index])
                let isCRLF = byte == 0x0D && index + 1 < bytes.endIndex && bytes[index + 1] == 0x0A
                index += isCRLF ? 2 : 1
                start = index
            } else {
                index += 1
            }
        }
        lines.append(bytes[start..<bytes.endIndex])
        return lines
    }

    // MARK: - RFC 5322 date

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun",
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// `Thu, 04 Dec 2025 15:50:00 +0000`: English names, always UTC, independent of the locale.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        func part(_ component: Calendar.Component) -> Int { calendar.component(component, from: date) }
        let weekday = weekdayNames[(part(.weekday) - 1) % 7]
        let month = monthNames[(part(.month) - 1) % 12]
        return "\(weekday), \(twoDigits(part(.day))) \(month) \(part(.year)) "
            + "\(twoDigits(part(.hour))):\(twoDigits(part(.minute))):\(twoDigits(part(.second))) +0000"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
