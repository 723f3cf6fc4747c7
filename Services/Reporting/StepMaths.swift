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

    /// An ended step's documents of record checked against the profile's rules: a document the step
    /// should have produced that is missing, or not yet verified and signed, is an output deviation
    /// (`naskah`) owed by the role named. The report step is not checked (its document is the report).
    static func checkOutputs(
        _ steps: inout [IntegrationReport.Step], profile: SOPProfile, documents: [DocumentReader.Entry]
    ) {
        for index in steps.indices where steps[index].endedAt != nil {
            guard let line = profile.line(for: steps[index].phase) else { continue }
            let kinds = DocumentKind.titles.keys.sorted().compactMap { profile.documentRule($0) }.filter {
                line.phases.contains($0.phase) && $0.phase != .report
            }
            steps[index].outputs = kinds.compactMap { rule in
                let title = DocumentKind.titles[rule.kind] ?? rule.kind
                let issued = documents.filter { $0.kind == rule.kind }
                guard !issued.isEmpty else { return "\(title) belum ada (\(rule.signer.label))" }
                guard let open = issued.first(where: { $0.state != "signed" }) else { return nil }
                if open.state == "draft", let verifier = open.verifierRole ?? rule.verifier {
                    return "\(title) \(open.number) belum diparaf (\(verifier.label))"
                }
                return "\(title) \(open.number) belum ditandatangani (\((open.signerRole ?? rule.signer).label))"
            }
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
