import Foundation
import JembatanShared

/// The answer to a push.
struct IngestOutcome: Codable, Sendable {
    var batchId: String
    var datasetId: String
    var format: String
    var received: Int
    var accepted: Int
    var rejected: Int
    var inserted: Int
    var updated: Int
    var errors: [RecordError]
    var errorsTruncated: Bool
}
