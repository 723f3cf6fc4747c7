import Foundation
import JembatanShared

/// Each step of a request against its standard duration: the report's, the monthly report's and the
/// dashboard's SLA maths, in one place.
enum StepMaths {
    /// Each run of a step (the first event at that step up to the next step's first event) against
    /// the profile's standard; the last run of a finished request is its end, not a step.
    static func steps(runs: [(step: Int, start: Date)], finished: Bool, profile: SOPProfile, clock: SLAClock, now: Date)
        -> [IntegrationReport.Step]
    {
        var steps: [IntegrationReport.Step] = []
        for (index, run) in runs.enumerated() {
            let end = index + 1 < runs.count ? runs[index + 1].start : (finished ? run.start : nil)
            let definition = profile.steps.first { $0.number == run.step }
            guard let standard = definition?.standard, !(finished && index == runs.count - 1) else {
                steps.append(
                    .init(
                        step: run.step, name: definition?.name ?? "", duration: nil, startedAt: run.start, endedAt: end,
                        usedPercent: nil,
                        status: finished && index == runs.count - 1 ? "end" : "no_standard"))
                continue
            }
            let used = clock.used(standard, from: run.start, to: end ?? now) * 100
            steps.append(
                .init(
                    step: run.step, name: definition?.name ?? "", duration: standard, startedAt: run.start,
                    endedAt: end,
                    usedPercent: (used * 10).rounded() / 10,
                    status: end == nil ? (used > 100 ? "overdue" : "open") : (used > 100 ? "late" : "on_time")))
        }
        return steps
    }
}
