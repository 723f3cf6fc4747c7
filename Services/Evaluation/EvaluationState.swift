import JembatanShared

/// Where a request stands in the technical team's evaluation (`evaluation.submissions.state`).
/// The raw values are the column's (its CHECK constraint) and the API's wire values.
enum EvaluationState: String, StoredState, CaseIterable {
    /// Submitted; the head has not dispositioned it yet.
    case awaitingDisposition = "awaiting_disposition"
    /// Reviewed; the team has to agree or return it.
    case awaitingDecision = "awaiting_decision"
    /// The team agreed; the contract version waits for the steps the profile records before the
    /// API (the interchange document, the laboratory's design and build).
    case preparing
    /// The contract is announced: the hub prepares the API.
    case agreed
    /// The team returned it with reasons.
    case returned
    /// The agency withdrew it.
    case withdrawn

    /// The state as a sentence fragment ("awaiting decision").
    var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// What the team decided on one version of the structure (`evaluation.reviews.decision`).
enum ReviewOutcome: String, StoredState, CaseIterable {
    case agreed, returned
}
