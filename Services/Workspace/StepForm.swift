import Foundation
import JembatanShared

/// The form on the request page for the step the person takes now (which fields, which
/// buttons), with a refused attempt's errors and values.
struct StepForm: Sendable {
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Run: Sendable {
        let runId: String
        let score: String
        let passed: Bool
        let records: String
        let failed: String?
        let at: String
    }

    struct Finding: Sendable {
        let severity: String
        let blocking: Bool
        let place: String
        let rule: String
        let message: String
    }

    let requestId: String
    let csrf: String
    /// The automated review's findings the technical team decides on.
    var findings: [Finding] = [] {
        didSet { hasFindings = !findings.isEmpty }
    }
    /// Whether there are findings (set with them in ``make``; the template cannot count).
    var hasFindings = false
    /// Why the request was returned, for the producer's revision.
    var returnReasons: [String] = [] {
        didSet { hasReturnReasons = !returnReasons.isEmpty }
    }
    var hasReturnReasons = false
    var disposition = false
    var decision = false
    /// The phase the form records as done (interchange document, assignment, design, build).
    var record: String?
    var recordOutput: String?
    var delivery = false
    var validationRun = false
    var run: Run?
    var handOver = false
    var headReview = false
    var rerun = false
    var urgencies: [Option] = []
    let errors: [String: String]
    let values: [String: String]

    /// The form of `phase` for `person`; nil when the step has none here (the producer's revision, the report).
    static func make(
        _ phase: Phase, requestId: String, person: SignedIn, outcome: FormOutcome?, context: WorkspaceContext
    ) async throws -> StepForm? {
        var form = StepForm(
            requestId: requestId, csrf: person.csrf, errors: outcome?.fields ?? [:], values: outcome?.values ?? [:])
        switch phase {
        case .disposition:
            form.disposition = true
            let chosen = form.values["urgency"] ?? "biasa"
            form.urgencies = [("biasa", "Biasa"), ("segera", "Segera"), ("sangat_segera", "Sangat segera")].map {
                Option(value: $0.0, label: $0.1, selected: $0.0 == chosen)
            }
        case .evaluation:
            form.decision = true
            form.findings = try await review(requestId, person: person, context: context).findings.map {
                Finding(
                    severity: ["blocking": "harus diperbaiki", "warning": "peringatan"][$0.severity.rawValue]
                        ?? "catatan",
                    blocking: $0.severity == .blocking,
                    place: [$0.dataset, $0.field].compactMap { $0 }.joined(separator: "."), rule: $0.rule,
                    message: $0.message)
            }
        case .revision:
            // The revision itself goes through the API for now; the reasons are what the producer reads first.
            let reasons =
                try await review(requestId, person: person, context: context).reviews.last {
                    $0.decision == "returned"
                }?.reasons ?? []
            form.returnReasons = reasons.map { ($0.field.map { "\($0): " } ?? "") + $0.message }
            return form.returnReasons.isEmpty ? nil : form
        case .interchangeDocument, .assignment, .design, .build:
            form.record = phase.rawValue
            form.recordOutput = phase.label
        case .delivery:
            form.delivery = true
        case .producerValidation, .finalEvaluation:
            form.validationRun = true
            form.run = try await latestRun(requestId, person: person, context: context)
        case .handOver:
            form.handOver = true
        case .headReview:
            form.headReview = true
        case .fix:
            form.rerun = true
        default:
            return nil
        }
        return form
    }

    struct Review: Decodable {
        struct Past: Decodable {
            let decision: String
            let reasons: [ReturnReason]
        }
        let findings: [ReviewFinding]
        let reviews: [Past]
    }

    /// Evaluation's review of the request: the automated findings and the team's past decisions.
    static func review(_ requestId: String, person: SignedIn, context: WorkspaceContext) async throws -> Review {
        try await context.services.get(Review.self, .evaluation, "/v1/requests/\(requestId)/review", as: person)
    }

    /// The producer's latest quality-check run: the decision rests on it, with its scorecard in view.
    static func latestRun(_ requestId: String, person: SignedIn, context: WorkspaceContext) async throws -> Run? {
        struct Runs: Decodable {
            struct Summary: Decodable {
                let runId: String
                let passed: Bool
                let score: Double
                let records: Int
                let failedChecks: [String]
                let completedAt: Date
            }
            let runs: [Summary]
        }
        let runs = try await context.services.get(
            Runs.self, .validation, "/v1/requests/\(requestId)/validation-runs", as: person
        ).runs
        guard let last = runs.max(by: { $0.completedAt < $1.completedAt }) else { return nil }
        return Run(
            runId: last.runId, score: Indonesian.number(last.score), passed: last.passed,
            records: Indonesian.integer(last.records),
            failed: last.failedChecks.isEmpty ? nil : last.failedChecks.joined(separator: ", "),
            at: Indonesian.moment(last.completedAt))
    }
}
