import Foundation
import Logging
import PostgresNIO

/// The read-only view of validation's cases (`validation.cases`, which validation alone writes)
/// for the roles whose steps follow the producer's decision: the hand-over waits for an acceptance.
public enum ValidationReader {
    /// The producer's decision on a request: its state (`awaiting_decision`, `accepted`,
    /// `reopened`, `approved`) and the contract it is about; nil when no API was provisioned.
    public static func decision(ofRequest requestId: String, on connection: PostgresConnection, logger: Logger)
        async throws -> (state: String, contractId: String)?
    {
        for try await (state, contract) in try await connection.queryUnlessClosed(
            "SELECT state, contract_id FROM validation.cases WHERE request_id = \(requestId)", logger: logger
        ).decode((String, String).self) {
            return (state, contract)
        }
        return nil
    }
}
