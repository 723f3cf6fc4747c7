import Foundation

// Events of topic `jembatan.reporting.v1` (SOP step 10).

/// A step of a request used 50, 75 or 90 % of its standard duration (or 100 %: a breach,
/// escalated to the head — the SOPs count a deviation from the standard as a failure to account for).
public struct SLAAlert: EventPayload, Equatable {
    /// The type this payload is published as.
    public static var eventType: EventType { .slaWarning }
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The producing agency's code.
    public var agencyCode: String
    /// The SOP profile the request follows.
    public var profile: String
    /// The step, numbered as the read model numbers it.
    public var step: Int
    /// The step's name in the profile.
    public var stepName: String
    /// 50, 75, 90 or 100.
    public var threshold: Int
    /// Share of the standard used when checked, in percent.
    public var usedPercent: Double
    /// e.g. `1 working_days`.
    public var standard: String
    /// When the step started.
    public var stepStartedAt: Date
    /// When its standard duration ends.
    public var deadline: Date
    /// When the check ran.
    public var checkedAt: Date
    /// `head` for a breach.
    public var escalatedTo: Role?

    /// Creates the payload.
    public init(
        requestId: String, agencyCode: String, profile: String, step: Int, stepName: String, threshold: Int,
        usedPercent: Double, standard: String,
        stepStartedAt: Date, deadline: Date, checkedAt: Date, escalatedTo: Role?
    ) {
        self.requestId = requestId
        self.agencyCode = agencyCode
        self.profile = profile
        self.step = step
        self.stepName = stepName
        self.threshold = threshold
        self.usedPercent = usedPercent
        self.standard = standard
        self.stepStartedAt = stepStartedAt
        self.deadline = deadline
        self.checkedAt = checkedAt
        self.escalatedTo = escalatedTo
    }

    /// Published as `…sla.warning` below 100 %, `…sla.breached` at 100 %.
    public var publishedType: EventType { threshold >= 100 ? .slaBreached : .slaWarning }
}

/// Reporting recorded the request as complete (SOP step 10).
public struct RequestCompleted: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.requestCompleted
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The producing agency's code.
    public var agencyCode: String
    /// Number of events on the request's timeline when it completed.
    public var timelineEvents: Int
    /// When it completed.
    public var completedAt: Date

    /// Creates the payload.
    public init(requestId: String, agencyCode: String, timelineEvents: Int, completedAt: Date) {
        self.requestId = requestId
        self.agencyCode = agencyCode
        self.timelineEvents = timelineEvents
        self.completedAt = completedAt
    }
}

/// Reporting generated and stored a report: a request's integration report (subject: the request id)
/// or a periodic one (subject: `monthly-<yyyy-MM>` or `maintenance-<yyyy-MM>`).
public struct ReportPublished: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.reportPublished
    /// The request id, or the periodic report's key.
    public var requestId: String
    /// The stored report.
    public var reportId: String
    /// `integration`, `monthly` or `maintenance`.
    public var kind: String
    /// `yyyy-MM` for periodic reports.
    public var period: String?
    /// The report's title.
    public var title: String
    /// Where to read it (reporting service), e.g. `/v1/reports/<reportId>` (+ `.pdf` when printed).
    public var path: String
    /// `html` always; `pdf` when the renderer was available.
    public var formats: [String]
    /// SHA-256 (hex) of the stored HTML.
    public var sha256: String
    /// When it was published.
    public var publishedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, reportId: String, kind: String, period: String?, title: String, path: String,
        formats: [String], sha256: String, publishedAt: Date
    ) {
        self.requestId = requestId
        self.reportId = reportId
        self.kind = kind
        self.period = period
        self.title = title
        self.path = path
        self.formats = formats
        self.sha256 = sha256
        self.publishedAt = publishedAt
    }
}

/// The person responsible for a deviation explained it (seed 003: "harus dipertanggungjawabkan oleh
/// pelaksana"): the head reads it.
public struct DeviationJustified: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.deviationJustified
    /// The request.
    public var requestId: String
    /// The producing agency's code.
    public var agencyCode: String
    /// The profile's step number (0 for the revision and fix lines).
    public var step: Int
    /// The step's name.
    public var stepName: String
    /// The first phase of the step's run (with `stepStartedAt`, the run's key).
    public var phase: Phase
    /// When the run started.
    public var stepStartedAt: Date
    /// The deviations explained (`waktu`, `kelengkapan`, `naskah: …`).
    public var deviations: [String]
    /// The explanation.
    public var justification: String
    /// Who explained it.
    public var justifiedBy: ActorReference
    /// When.
    public var justifiedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, agencyCode: String, step: Int, stepName: String, phase: Phase, stepStartedAt: Date,
        deviations: [String], justification: String, justifiedBy: ActorReference, justifiedAt: Date
    ) {
        self.requestId = requestId
        self.agencyCode = agencyCode
        self.step = step
        self.stepName = stepName
        self.phase = phase
        self.stepStartedAt = stepStartedAt
        self.deviations = deviations
        self.justification = justification
        self.justifiedBy = justifiedBy
        self.justifiedAt = justifiedAt
    }
}

/// A receiver acknowledged: the producer the delivered results (`results`), the Kepala Bidang or
/// the Kepala Dinas the request's report (`report`; the Kepala Bidang's receipt forwards it to the head).
public struct ReceiptAcknowledged: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.receiptAcknowledged
    /// The request.
    public var requestId: String
    /// The producing agency's code.
    public var agencyCode: String
    /// `results` or `report`.
    public var kind: String
    /// Who acknowledged.
    public var acknowledgedBy: ActorReference
    /// When.
    public var acknowledgedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, agencyCode: String, kind: String, acknowledgedBy: ActorReference, acknowledgedAt: Date
    ) {
        self.requestId = requestId
        self.agencyCode = agencyCode
        self.kind = kind
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
    }
}
