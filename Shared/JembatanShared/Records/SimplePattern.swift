import Foundation

/// Full-match of the regular expressions contracts use most (`^K[0-9]{9}$`, `^[A-Z]{2}\d{3}$`) on ASCII text:
/// a sequence of literals, classes, `.`, `\d` `\w` `\s`, each with an optional quantifier, no
/// groups or alternation. Such a pattern is matched byte by byte on the UTF-8 text, which is
/// many times faster than `NSRegularExpression`; anything else is left to it (`compile` = nil).
public struct SimplePattern: Sendable {
    /// One character class with how often it repeats.
    public struct Element: Sendable {
        /// ASCII bytes allowed at this position (`any` = every byte but a newline).
        public var allowed: [Bool]
        /// Fewest repeats.
        public var minimum: Int
        /// Most repeats.
        public var maximum: Int
    }

    /// The pattern's elements in order.
    public let elements: [Element]

    /// The pattern, if it is simple enough to generate values for.
    public static func compile(_ pattern: String) -> SimplePattern? {
        var characters = Array(pattern.unicodeScalars)[...]
        guard characters.first == "^", characters.last == "$" else { return nil }
        characters = characters.dropFirst().dropLast()
        var elements: [Element] = []
        while let first = characters.popFirst() {
            var allowed = [Bool](repeating: false, count: 128)
            switch first {
            case "\\":
                guard let escaped = characters.popFirst() else { return nil }
                switch escaped {
                case "d": for byte in 48...57 { allowed[byte] = true }
                case "w": for byte in 0..<128 where isWord(byte) { allowed[byte] = true }
                case "s": for byte in [9, 10, 12, 13, 32] { allowed[byte] = true }
                case ".", "-", "/", "\\", "+", "*", "?", "(", ")", "[", "]", "{", "}", "|", "^", "$", "_", ":", "@",
                    "#", " ":
                    allowed[Int(escaped.value)] = true
                default: return nil
                }
            case "[":
                guard characters.first != "^", let close = characters.firstIndex(of: "]") else { return nil }
                let members = Array(characters[characters.startIndex..<close])
                characters = characters[characters.index(after: close)...]
                var index = 0
                while index < members.count {
                    let member = members[index]
                    guard member.isASCII, member != "\\" else { return nil }
                    if index + 2 < members.count, members[index + 1] == "-", members[index + 2].isASCII {
                        guard member.value <= members[index + 2].value else { return nil }
                        for byte in Int(member.value)...Int(members[index + 2].value) { allowed[byte] = true }
                        index += 3
                    } else {
                        allowed[Int(member.value)] = true
                        index += 1
                    }
                }
            case ".": for byte in 0..<128 where byte != 10 && byte != 13 { allowed[byte] = true }
            case "(", ")", "|", "*", "+", "?", "{", "}", "^", "$", "]": return nil
            default:
                guard first.isASCII else { return nil }
                allowed[Int(first.value)] = true
            }
            var minimum = 1
            var maximum = 1
            switch characters.first {
            case "*":
                minimum = 0
                maximum = .max
                characters = characters.dropFirst()
            case "+":
                maximum = .max
                characters = characters.dropFirst()
            case "?":
                minimum = 0
                characters = characters.dropFirst()
            case "{":
                guard let close = characters.firstIndex(of: "}") else { return nil }
                let inside = String(
                    String.UnicodeScalarView(characters[characters.index(after: characters.startIndex)..<close]))
                let parts = inside.split(separator: ",", omittingEmptySubsequences: false)
                guard let low = Int(parts.first ?? "") else { return nil }
                minimum = low
                maximum = parts.count == 1 ? low : (parts[1].isEmpty ? .max : Int(parts[1]) ?? -1)
                guard maximum >= minimum else { return nil }
                characters = characters[characters.index(after: close)...]
            default: break
            }
            // Lazy or possessive suffixes change nothing for a full match, but are not supported here.
            if characters.first == "?" || characters.first == "+" { return nil }
            elements.append(Element(allowed: allowed, minimum: minimum, maximum: maximum))
        }
        // Greedy matching without backtracking is exact only when consecutive elements cannot
        // both take the same byte after a variable-length element; otherwise use the full engine.
        for (index, element) in elements.enumerated()
        where element.minimum != element.maximum && index + 1 < elements.count {
            let next = elements[index + 1]
            if (0..<128).contains(where: { element.allowed[$0] && next.allowed[$0] }) { return nil }
        }
        return SimplePattern(elements: elements)
    }

    /// Whether `text` matches in full; nil for text with non-ASCII characters, where `\\d`, `\\w`,
    /// `\\s` and `.` follow Unicode rules: the caller then asks the full engine.
    public func matches(_ text: String) -> Bool? {
        var text = text
        return text.withUTF8 { bytes in bytes.allSatisfy { $0 < 128 } ? matches(bytes) : nil }
    }

    private func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        for element in elements {
            var taken = 0
            while taken < element.maximum, index < bytes.count, bytes[index] < 128, element.allowed[Int(bytes[index])] {
                taken += 1
                index += 1
            }
            if taken < element.minimum { return false }
        }
        return index == bytes.count
    }

    private static func isWord(_ byte: Int) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 95
    }
}
