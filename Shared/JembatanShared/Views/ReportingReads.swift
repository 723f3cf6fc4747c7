import Foundation

// What reporting serves the workspace as JSON: one definition for the side that encodes it
// (reporting) and the side that decodes it (the workspace's pages), like the events' payloads.

/// `GET /v1/tasks`: the caller's open steps, oldest first, and notices for the admin.
public struct TaskList: Codable, Sendable {
    /// One open step whose actor is the caller's role.
    public struct Task: Codable, Sendable {
        /// The request.
        public var requestId: String
        /// Its title.
        public var title: String?
        /// The producing agency.
        public var agencyCode: String?
        /// The profile's step number (0 outside its numbering).
        public var step: Int
        /// The step's name in the profile.
        public var name: String
        /// Who acts.
        public var role: Role
        /// The phase of the run.
        public var phase: Phase
        /// When the step started.
        public var startedAt: Date
        /// When its standard runs out.
        public var deadline: Date?
        /// Counted on a year whose decree is not loaded.
        public var provisional: Bool
        /// Share of the standard used, in percent.
        public var usedPercent: Double?
        /// `open`, `overdue` or `open_no_standard`.
        public var status: String
        /// The standard in words ("3 hari kerja").
        public var standard: String?
        /// A receipt to acknowledge (`results`, `report`) rather than a step to act in.
        public var receipt: String?

        /// A task.
        public init(
            requestId: String, title: String?, agencyCode: String?, step: Int, name: String, role: Role, phase: Phase,
            startedAt: Date, deadline: Date?, provisional: Bool, usedPercent: Double?, status: String,
            standard: String?, receipt: String? = nil
        ) {
            self.receipt = receipt
            self.requestId = requestId
            self.title = title
            self.agencyCode = agencyCode
            self.step = step
            self.name = name
            self.role = role
            self.phase = phase
            self.startedAt = startedAt
            self.deadline = deadline
            self.provisional = provisional
            self.usedPercent = usedPercent
            self.status = status
            self.standard = standard
        }
    }

    /// Something to do that is no step of a request (the admin: a missing calendar year).
    public struct Notice: Codable, Sendable {
        /// `calendar_year_missing`.
        public var kind: String
        /// The year.
        public var year: Int
        /// What to do, in Indonesian.
        public var message: String

        /// A notice.
        public init(kind: String, year: Int, message: String) {
            self.kind = kind
            self.year = year
            self.message = message
        }
    }

    /// The tasks, oldest first.
    public var tasks: [Task]
    /// The notices.
    public var notices: [Notice]

    /// A task list.
    public init(tasks: [Task], notices: [Notice]) {
        self.tasks = tasks
        self.notices = notices
    }
}

/// `GET /v1/dashboard`: the overview.
public struct DashboardSummary: Codable, Sendable {
    /// The highest SLA threshold a request's current step reached.
    public struct Alert: Codable, Sendable {
        /// The request.
        public var requestId: String
        /// Its agency.
        public var agencyCode: String?
        /// The profile's step number.
        public var step: Int
        /// 50, 75, 90 or 100.
        public var threshold: Int
        /// Share of the standard used.
        public var usedPercent: Double
        /// When the standard runs out.
        public var deadline: Date

        /// An alert.
        public init(
            requestId: String, agencyCode: String?, step: Int, threshold: Int, usedPercent: Double, deadline: Date
        ) {
            self.requestId = requestId
            self.agencyCode = agencyCode
            self.step = step
            self.threshold = threshold
            self.usedPercent = usedPercent
            self.deadline = deadline
        }
    }

    /// Open requests in a phase.
    public struct PhaseCount: Codable, Sendable {
        /// The phase.
        public var phase: Phase
        /// Its name in Indonesian.
        public var label: String
        /// How many open requests are in it.
        public var count: Int

        /// A count.
        public init(phase: Phase, label: String, count: Int) {
            self.phase = phase
            self.label = label
            self.count = count
        }
    }

    /// An agency's compliance with the standards this month.
    public struct AgencyCompliance: Codable, Sendable {
        /// The agency.
        public var agencyCode: String
        /// Steps that kept their standard, in percent; nil when none was measured.
        public var compliancePercent: Double?

        /// A line.
        public init(agencyCode: String, compliancePercent: Double?) {
            self.agencyCode = agencyCode
            self.compliancePercent = compliancePercent
        }
    }

    /// One request.
    public struct Line: Codable, Sendable {
        /// The request.
        public var requestId: String
        /// Its agency.
        public var agencyCode: String?
        /// Its title.
        public var title: String?
        /// The profile's step number it is at.
        public var step: Int
        /// The phase it is in.
        public var phase: Phase?
        /// Its state.
        public var state: RequestState
        /// Last change.
        public var updatedAt: Date

        /// A line.
        public init(
            requestId: String, agencyCode: String?, title: String?, step: Int, phase: Phase?, state: RequestState,
            updatedAt: Date
        ) {
            self.requestId = requestId
            self.agencyCode = agencyCode
            self.title = title
            self.step = step
            self.phase = phase
            self.state = state
            self.updatedAt = updatedAt
        }
    }

    /// The month measured (yyyy-MM, WIB).
    public var period: String
    /// Requests the caller may see.
    public var requestCount: Int
    /// Of which completed.
    public var completedCount: Int
    /// Steps measured this month that kept their standard, in percent; nil when none was measured.
    public var compliancePercent: Double?
    /// Open requests per phase.
    public var openByPhase: [PhaseCount]
    /// Compliance per agency.
    public var agencies: [AgencyCompliance]
    /// Open SLA alerts.
    public var alerts: [Alert]
    /// Years within three months whose decree is missing.
    public var missingCalendarYears: [Int]
    /// Every request the caller may see.
    public var requests: [Line]

    /// An overview.
    public init(
        period: String, requestCount: Int, completedCount: Int, compliancePercent: Double?, openByPhase: [PhaseCount],
        agencies: [AgencyCompliance], alerts: [Alert], missingCalendarYears: [Int], requests: [Line]
    ) {
        self.period = period
        self.requestCount = requestCount
        self.completedCount = completedCount
        self.compliancePercent = compliancePercent
        self.openByPhase = openByPhase
        self.agencies = agencies
        self.alerts = alerts
        self.missingCalendarYears = missingCalendarYears
        self.requests = requests
    }
}

/// `GET /v1/catalogue`: every provisioned dataset the caller may see.
public struct DatasetCatalogue: Codable, Sendable {
    /// One dataset on the hub.
    public struct Entry: Codable, Sendable {
        /// The hub's dataset id.
        public var datasetId: String
        /// The request that made it.
        public var requestId: String
        /// The producing agency.
        public var agencyCode: String
        /// The dataset's name in the contract.
        public var name = ""
        /// Its classification.
        public var classification: String?
        /// How often it is to be updated.
        public var updateFrequency: String?
        /// The consumer agencies the contract names.
        public var consumers: [String] = []
        /// The latest validation score.
        public var qualityScore: Double?
        /// Records accepted.
        public var records = 0
        /// The last push.
        public var lastIngestAt: Date?
        /// When the freshness check found it stale (after its last push).
        public var staleSince: Date?

        /// An entry of `datasetId`.
        public init(datasetId: String, requestId: String, agencyCode: String) {
            self.datasetId = datasetId
            self.requestId = requestId
            self.agencyCode = agencyCode
        }
    }

    /// The datasets.
    public var datasets: [Entry]

    /// A catalogue.
    public init(datasets: [Entry]) { self.datasets = datasets }
}

/// `GET /v1/volume`: records the hub accepted per WIB day.
public struct ExchangeVolume: Codable, Sendable {
    /// One day.
    public struct Day: Codable, Sendable {
        /// yyyy-MM-dd (WIB).
        public var day: String
        /// Pushes.
        public var batches: Int
        /// Records accepted.
        public var accepted: Int
        /// Records rejected.
        public var rejected: Int

        /// A day.
        public init(day: String, batches: Int, accepted: Int, rejected: Int) {
            self.day = day
            self.batches = batches
            self.accepted = accepted
            self.rejected = rejected
        }
    }

    /// The last 30 days, oldest first.
    public var days: [Day]

    /// The volume.
    public init(days: [Day]) { self.days = days }
}
