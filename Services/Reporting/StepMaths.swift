import Foundation
import JembatanShared

/// Each run of each step of a request, as the report, the monthly report, the request page and
/// the dashboard show it: the procedure clock's reading (``ProcedureClock``) in one shape.
enum StepMaths {
    /// The runs of `reading` as report lines, with the justification recorded for each deviation.
    static func steps(_ reading: ProcedureClock.Reading, justifications: [StoredJustification] = [])
        -> [IntegrationReport.Step]
    {
        reading.runs.map { run in
            let phase = run.phases.first ?? .request
            return step(run, justification: justifications.first { $0.phase == phase && $0.stepStartedAt == run.start })
        }
    }

    /// One run as a report line.
    static func step(_ run: ProcedureClock.Run, justification: StoredJustification? = nil) -> IntegrationReport.Step {
        do {
            let status: String
            if let measure = run.measure {
                if run.end == nil {
                    status = measure.breached ? "overdue" : "open"
                } else {
                    status = measure.breached ? "late" : "on_time"
                }
            } else {
                status = run.end == nil ? "open_no_standard" : "no_standard"
            }
            let phase = run.phases.first ?? .request
            return IntegrationReport.Step(
                step: run.line.number, name: run.line.name, duration: run.measure?.standard,
                startedAt: run.start, endedAt: run.end,
                usedPercent: run.measure.map { ($0.used * 1000).rounded() / 10 }, status: status,
                role: run.line.role, phase: phase, deadline: run.measure?.deadline,
                provisional: run.measure?.provisional ?? false, withinTarget: run.measure?.withinTarget,
                responsible: run.endedBy, justification: justification)
        }
    }
}
