import Foundation
import JembatanShared

/// The services' JSON as the workspace reads it (the fields its pages use).
enum Reads {
    /// `GET /v1/tasks` (reporting).
    struct TaskList: Decodable {
        struct Task: Decodable {
            let requestId: String
            let title: String?
            let agencyCode: String?
            let step: Int
            let name: String
            let role: Role
            let phase: Phase
            let startedAt: Date
            let deadline: Date?
            let provisional: Bool
            let usedPercent: Double?
            let status: String
            let standard: String?
        }

        struct Notice: Decodable {
            let kind: String
            let year: Int
            let message: String
        }

        let tasks: [Task]
        let notices: [Notice]
    }

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

        let requestId: String
        let profile: String
        let profileName: String?
        let steps: [Step]
        let overall: Step?
    }

    /// `GET /v1/dashboard` (reporting).
    struct Dashboard: Decodable {
        struct Alert: Decodable {
            let requestId: String
            let agencyCode: String?
            let step: Int
            let threshold: Int
            let usedPercent: Double
            let deadline: Date
        }

        struct PhaseCount: Decodable {
            let label: String
            let count: Int
        }

        struct AgencyCompliance: Decodable {
            let agencyCode: String
            let compliancePercent: Double?
        }

        struct Line: Decodable {
            let requestId: String
            let agencyCode: String?
            let title: String?
            let step: Int
            let phase: Phase?
            let state: RequestState
            let updatedAt: Date
        }

        let period: String
        let requestCount: Int
        let completedCount: Int
        let compliancePercent: Double?
        let openByPhase: [PhaseCount]
        let agencies: [AgencyCompliance]
        let alerts: [Alert]
        let missingCalendarYears: [Int]
        let requests: [Line]
    }

    /// `GET /v1/catalogue` (reporting).
    struct Catalogue: Decodable {
        struct Entry: Decodable {
            let datasetId: String
            let requestId: String
            let agencyCode: String
            let name: String
            let classification: String?
            let updateFrequency: String?
            let consumers: [String]
            let qualityScore: Double?
            let records: Int
            let lastIngestAt: Date?
            let staleSince: Date?
        }

        let datasets: [Entry]
    }

    /// `GET /v1/volume` (reporting).
    struct Volume: Decodable {
        struct Day: Decodable {
            let day: String
            let batches: Int
            let accepted: Int
            let rejected: Int
        }

        let days: [Day]
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
