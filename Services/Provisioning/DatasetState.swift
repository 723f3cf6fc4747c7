import JembatanShared

/// Whether a hub dataset's API may be used (`provisioning.datasets.state`). The raw values are the
/// column's (its CHECK constraint) and the API's wire values.
enum DatasetState: String, StoredState, CaseIterable {
    /// The integration test passed: the API takes pushes and reads.
    case provisioned
    /// Registered (or re-registered for a new contract version) and not yet passed its integration test.
    case testFailed = "test_failed"
}

/// Where one credential stands, as its holder and the IT staff see it.
enum CredentialState: String, Codable, Sendable, CaseIterable {
    case active, revoked, expired
    /// Issued; the producer has not collected its secret yet.
    case awaitingCollection = "awaiting_collection"
}
