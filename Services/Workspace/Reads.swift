import Foundation
import JembatanShared

/// The services' JSON as the workspace reads it (the fields its pages use).
enum Reads {
    /// `GET /v1/requests` and `/v1/requests/{id}` (reporting).
    struct RequestSummary: Decodable {
        let requestId: String
        let agencyCode: String?
        let title: String?
        let profile: String?
        let state: RequestState
        let sopStep: Int
        let phase: Phase?
        let submittedAt: Date?
        let completedAt: Date?
        let updatedAt: Date
    }

    struct RequestList: Decodable {
        let requests: [RequestSummary]
    }

    struct RequestDetail: Decodable {
        struct Entry: Decodable {
            let eventId: String
            let type: String
            let actor: ActorReference
            let occurredAt: Date
        }

        let request: RequestSummary
        let timeline: [Entry]
    }

    /// `GET /v1/requests/{id}/steps` (reporting).
    struct Steps: Decodable {
        struct Step: Decodable {
            struct Justification: Decodable {
                let justification: String
                let justifiedBy: ActorReference
            }

            let step: Int
            let name: String
            let standardLabel: String?
            let startedAt: Date
            let endedAt: Date?
            let usedPercent: Double?
            let status: String
            let role: Role
            let phase: Phase
            let deadline: Date?
            let provisional: Bool
            let withinTarget: Bool?
            let responsible: ActorReference?
            let justification: Justification?
            let deviations: [String]

        }

        /// A receipt line: who acknowledges what, since when, and the receiver's working days.
        struct Receipt: Decodable {
            let kind: String
            let role: Role
            let name: String
            let startedAt: Date
            let acknowledgedAt: Date?
            let acknowledgedBy: String?
            let workingDays: Double
        }

        let requestId: String
        let profile: String
        let profileName: String?
        let steps: [Step]
        let overall: Step?
        let receipts: [Receipt]?
    }

    /// `GET /v1/reports` (reporting).
    struct Reports: Decodable {
        struct Report: Decodable {
            let reportId: String
            let title: String
            let kind: String
            let version: Int
            let generatedAt: Date
            let sha256: String
        }

        let reports: [Report]
    }
}
