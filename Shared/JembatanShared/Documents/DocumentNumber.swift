import Foundation

/// An agency's numbering scheme for one kind of letter (naskah dinas), e.g.
/// `{klasifikasi}/{nomor:3}/{instansi}/{bulan}/{tahun}` → `000.5.2/007/35.14-dinkes/XII/2026`.
///
/// Tokens: `{nomor}` (the sequence, `{nomor:N}` zero-padded to N digits), `{klasifikasi}` (the
/// archive classification code), `{instansi}` (the agency's code), `{bulan}` (the month in Roman
/// numerals, as Indonesian letters write it), `{tahun}` (the year). The sequence runs per agency,
/// kind and year, so a scheme must hold `{nomor}` and `{tahun}`.
public struct NumberingScheme: Sendable, Equatable, Codable {
    /// The pattern.
    public let pattern: String
    /// The classification code `{klasifikasi}` stands for.
    public let classification: String

    /// The scheme offices start with: `{klasifikasi}/{nomor:3}/{instansi}/{bulan}/{tahun}`.
    public static let standard = "{klasifikasi}/{nomor:3}/{instansi}/{bulan}/{tahun}"

    /// A checked scheme; `NumberingError` names what is wrong with the pattern.
    public init(pattern: String = NumberingScheme.standard, classification: String) throws {
        for problem in Self.problems(pattern) { throw problem }
        guard !classification.isEmpty, classification.count <= 30,
            classification.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter || ".-".contains($0)) })
        else {
            throw NumberingError(
                field: "classification", message: "kode klasifikasi: 1–30 huruf, angka, '.' atau '-' (contoh 000.5.2)")
        }
        self.pattern = pattern
        self.classification = classification
    }

    /// What the pattern breaks: unknown tokens, no `{nomor}` or `{tahun}`, unbalanced braces.
    public static func problems(_ pattern: String) -> [NumberingError] {
        var problems: [NumberingError] = []
        guard !pattern.isEmpty, pattern.count <= 120 else {
            return [NumberingError(field: "pattern", message: "pola nomor: 1–120 karakter")]
        }
        var tokens: [String] = []
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                return [NumberingError(field: "pattern", message: "kurung kurawal '{' tanpa '}'")]
            }
            tokens.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        if rest.contains("}") {
            problems.append(NumberingError(field: "pattern", message: "kurung kurawal '}' tanpa '{'"))
        }
        for token in tokens where Token(token) == nil {
            problems.append(
                NumberingError(
                    field: "pattern",
                    message:
                        "token {\(token)} tidak dikenal; yang tersedia: {nomor}, {nomor:N}, {klasifikasi}, {instansi}, {bulan}, {tahun}"
                ))
        }
        let parsed = tokens.compactMap(Token.init)
        if !parsed.contains(where: { if case .number = $0 { true } else { false } }) {
            problems.append(NumberingError(field: "pattern", message: "pola nomor wajib memuat {nomor}"))
        }
        if !parsed.contains(.year) {
            problems.append(
                NumberingError(
                    field: "pattern", message: "pola nomor wajib memuat {tahun} (urutan dimulai lagi tiap tahun)"))
        }
        return problems
    }

    enum Token: Equatable {
        case number(width: Int)
        case classification, agency, month, year

        init?(_ text: String) {
            switch text {
            case "nomor": self = .number(width: 0)
            case "klasifikasi": self = .classification
            case "instansi": self = .agency
            case "bulan": self = .month
            case "tahun": self = .year
            default:
                guard text.hasPrefix("nomor:"), let width = Int(text.dropFirst(6)), (1...8).contains(width) else {
                    return nil
                }
                self = .number(width: width)
            }
        }
    }

    /// The number of the `sequence`-th letter of `agency` dated `date` (WIB).
    public func number(sequence: Int, agency: String, date: Date) -> String {
        let parts = WIB.calendar.dateComponents([.year, .month], from: date)
        var text = ""
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            text += rest[..<open]
            switch Token(String(rest[rest.index(after: open)..<close])) {
            case .number(let width):
                let digits = String(sequence)
                text += String(repeating: "0", count: max(0, width - digits.count)) + digits
            case .classification: text += classification
            case .agency: text += agency
            case .month: text += Self.roman(parts.month ?? 1)
            case .year: text += String(parts.year ?? 0)
            case nil: break
            }
            rest = rest[rest.index(after: close)...]
        }
        return text + rest
    }

    /// 1 → I … 12 → XII (months), up to 3999.
    public static func roman(_ value: Int) -> String {
        let table: [(Int, String)] = [
            (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
            (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
        ]
        var value = value
        var text = ""
        for (amount, letters) in table {
            while value >= amount {
                text += letters
                value -= amount
            }
        }
        return text
    }
}

/// A numbering scheme that breaks a rule: the field and the rule, in Indonesian.
public struct NumberingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `pattern` or `classification`.
    public let field: String
    /// The rule.
    public let message: String
    /// `field: rule`.
    public var description: String { "\(field): \(message)" }
}
