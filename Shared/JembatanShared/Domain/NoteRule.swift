import Foundation

/// The one rule for a free-text note a person writes at a step (a disposition note, a withdrawal
/// reason, a delivery note, a decision note): at most ``limit`` characters after trimming, and
/// not empty where the step needs one. Violations name the field and answer `required` or
/// `max_length`, everywhere.
public enum NoteRule {
    /// The longest note any step takes.
    public static let limit = 2000

    /// The violation of the rule for `field`, or nil when the note keeps it.
    /// - Parameters:
    ///   - text: what the person wrote (nil when the field was left out).
    ///   - field: the field's name in the request body.
    ///   - required: whether the step needs a note; `purpose` says what it should say.
    public static func violation(_ text: String?, field: String, required: Bool, purpose: String = "a note")
        -> FieldViolation?
    {
        let trimmed = trimmed(text)
        if required && trimmed.isEmpty {
            return FieldViolation(
                field: field, rule: "required", message: "\(purpose) is required (at most \(limit) characters)")
        }
        if trimmed.count > limit {
            return FieldViolation(
                field: field, rule: "max_length",
                message: "\(field) is at most \(limit) characters (\(trimmed.count) given)")
        }
        return nil
    }

    /// The note as stored: without surrounding white space.
    public static func trimmed(_ text: String?) -> String {
        (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The trimmed note, or throws `validation_failed` naming the field and the rule.
    public static func validated(_ text: String?, field: String, required: Bool, purpose: String = "a note") throws
        -> String
    {
        if let violation = violation(text, field: field, required: required, purpose: purpose) {
            throw APIError.validationFailed([violation])
        }
        return trimmed(text)
    }
}
