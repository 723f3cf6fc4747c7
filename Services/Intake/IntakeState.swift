import JembatanShared

/// Where a request stands in intake's own table (`intake.requests.state`). The raw values are the
/// column's and the API's wire values.
enum IntakeState: String, StoredState, CaseIterable {
    /// Saved by the operator, not yet sent.
    case draft
    /// Sent; waiting for the head's disposition.
    case submitted
    /// The head has dispositioned it to the technical team.
    case dispositioned
    /// Sent back by the technical team with reasons.
    case returned
    /// Revised and sent again after a return.
    case resubmitted
    /// Withdrawn by the agency.
    case withdrawn
    /// Declined by the head with a reason (instead of a disposition).
    case declined
}
