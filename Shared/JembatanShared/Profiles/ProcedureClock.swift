import Foundation

/// One entry of a request's timeline as the procedure clock reads it.
public struct Milestone: Sendable, Equatable {
    /// The event's id (empty in tests that need none).
    public var id: String = ""
    /// What happened.
    public var event: EventType
    /// When it happened.
    public var at: Date
    /// Who did it.
    public var actor: ActorReference
    /// For a recorded phase (``PhaseRecorded``): the phase recorded as done.
    public var completedPhase: Phase?
    /// For the producer's decision: when the validation run it rests on was complete, the moment
    /// the final evaluation (its own step) began.
    public var evidenceAt: Date?

    /// A timeline entry.
    public init(
        _ event: EventType, at: Date, by actor: ActorReference, completedPhase: Phase? = nil, evidenceAt: Date? = nil,
        id: String = ""
    ) {
        self.id = id
        self.event = event
        self.at = at
        self.actor = actor
        self.completedPhase = completedPhase
        self.evidenceAt = evidenceAt
    }

    /// Among entries of the same moment, the procedure's own order (an API announced in the same
    /// transaction as its passed integration test comes after it).
    var rank: Int { ProcedureClock.eventOrder.firstIndex(of: event) ?? ProcedureClock.eventOrder.count }
}

/// The procedure's clock as a pure function of a request's profile and its timeline: which phase
/// each entry opens, the request's state, and every step's runs (start, end, who ended it)
/// measured against the profile's standards. The read model, the request page, the reports and
/// the SLA monitor all read a request through it; the unit tests walk each profile through it.
public struct ProcedureClock: Sendable {
    /// The profile the request pinned.
    public let profile: SOPProfile
    /// Working days, holidays and office hours.
    public let clock: SLAClock

    /// A clock for `profile` on `clock`.
    public init(profile: SOPProfile, clock: SLAClock) {
        self.profile = profile
        self.clock = clock
    }

    /// The order of events within one moment.
    static let eventOrder: [EventType] = [
        .requestSubmitted, .requestDispositioned, .evaluationStarted, .requestReturned, .requestResubmitted,
        .phaseRecorded, .contractAgreed, .integrationTestFailed, .integrationTestPassed, .apiProvisioned,
        .resultsDelivered, .requestReopened, .requestAccepted, .resultsHandedOver, .integrationApproved,
        .requestWithdrawn, .requestDeclined,
    ]

    /// The events that move a request through its steps.
    public static let steppingEvents: Set<EventType> = Set(eventOrder)

    /// Where one entry leaves the request.
    public struct Entry: Sendable, Equatable {
        /// The entry.
        public var milestone: Milestone
        /// The phase the request is in after it; nil once withdrawn.
        public var phase: Phase?
        /// The request's state after it.
        public var state: RequestState
    }

    /// One stretch of time spent in one step (or line) of the profile.
    public struct Run: Sendable, Equatable {
        /// The profile's step or line.
        public var line: SOPProfile.Step
        /// The phases the request went through in it.
        public var phases: [Phase]
        /// When it began.
        public var start: Date
        /// When it ended; nil while open.
        public var end: Date?
        /// Who ended it (the actor of the entry that moved the request on).
        public var endedBy: ActorReference?
        /// The measure against the standard.
        public var measure: Measure?
    }

    /// A run against its standard.
    public struct Measure: Sendable, Equatable {
        /// The standard.
        public var standard: SOPProfile.Duration
        /// The share of the standard used (1.0 = all of it).
        public var used: Double
        /// When the standard runs out.
        public var deadline: Date
        /// Whether the lower end of a range was kept (nil when the standard is no range).
        public var withinTarget: Bool?
        /// Whether the deadline was counted on a year whose decree is not loaded.
        public var provisional: Bool

        /// Past the standard: a time deviation.
        public var breached: Bool { used > 1 }
    }

    /// A request read through its profile.
    public struct Reading: Sendable, Equatable {
        /// Each entry with the phase and state it leads to, in order.
        public var entries: [Entry]
        /// Every run of every step, in order.
        public var runs: [Run]
        /// The whole procedure against the profile's overall standard (from submission to completion).
        public var overall: Run?
        /// The request's state.
        public var state: RequestState
        /// The phase it is in; nil once withdrawn.
        public var phase: Phase?
        /// When the request was completed (the entry that opened its report step).
        public var completedAt: Date?

        /// The open run, if any.
        public var current: Run? { runs.last { $0.end == nil } }
    }

    /// Reads `milestones` (any order) up to `now`; `reportedAt` ends the report step (the integration
    /// report's publication).
    public func read(_ milestones: [Milestone], now: Date, reportedAt: Date? = nil) -> Reading {
        let ordered = milestones.filter { Self.steppingEvents.contains($0.event) }.sorted {
            ($0.at, $0.rank) < ($1.at, $1.rank)
        }
        var entries: [Entry] = []
        var phase: Phase?
        var state = RequestState.submitted
        var completedAt: Date?
        var withdrawnAt: Date?
        var visits: [(phase: Phase, start: Date, endedBy: ActorReference?)] = []
        func enter(_ next: Phase, at time: Date, by actor: ActorReference) {
            if let last = visits.last, last.phase == next { return }
            if !visits.isEmpty { visits[visits.count - 1].endedBy = actor }
            visits.append((next, time, nil))
        }
        for milestone in ordered where state != .withdrawn && state != .declined {
            if milestone.event == .requestAccepted, phase == .producerValidation, let last = visits.last {
                // The final evaluation began when the evidence it rests on was ready.
                let began = min(max(milestone.evidenceAt ?? milestone.at, last.start), milestone.at)
                enter(.finalEvaluation, at: began, by: milestone.actor)
            }
            let (next, newState) = transition(milestone, from: phase, state: state)
            if let next {
                enter(next, at: milestone.at, by: milestone.actor)
            } else if !visits.isEmpty {
                visits[visits.count - 1].endedBy = milestone.actor
                withdrawnAt = milestone.at
            }
            phase = next
            state = newState
            if newState == .completed, completedAt == nil { completedAt = milestone.at }
            entries.append(Entry(milestone: milestone, phase: phase, state: state))
        }
        // Merge consecutive visits that belong to the same step into one run.
        var runs: [Run] = []
        for (index, visit) in visits.enumerated() {
            let end: Date? = index + 1 < visits.count ? visits[index + 1].start : withdrawnAt
            guard let line = profile.line(for: visit.phase) else { continue }
            if var last = runs.last, last.line == line, last.end == visit.start {
                last.phases.append(visit.phase)
                last.end = end
                last.endedBy = visit.endedBy
                runs[runs.count - 1] = last
            } else {
                runs.append(
                    Run(line: line, phases: [visit.phase], start: visit.start, end: end, endedBy: visit.endedBy))
            }
        }
        if let last = runs.indices.last, runs[last].phases.contains(.report), let reportedAt, runs[last].end == nil {
            runs[last].end = max(reportedAt, runs[last].start)
        }
        for index in runs.indices {
            // A step the producer's revision interrupted resumes where it stopped: the time before counts.
            var carried = 0.0
            if index >= 2, runs[index - 1].phases == [.revision], runs[index - 2].line == runs[index].line {
                carried = runs[index - 2].measure?.used ?? 0
            }
            runs[index].measure = measure(
                runs[index].line.standard, from: runs[index].start, to: runs[index].end ?? now, carried: carried)
        }
        var overall: Run?
        if let first = ordered.first {
            let line = SOPProfile.Step(
                number: 0, name: "Seluruh prosedur", role: .supervisor, standard: profile.overall, inputs: [],
                output: nil, phases: [], note: nil)
            let end = completedAt ?? withdrawnAt
            overall = Run(
                line: line, phases: [], start: first.at, end: end, endedBy: nil,
                measure: measure(profile.overall, from: first.at, to: end ?? now))
        }
        return Reading(
            entries: entries, runs: runs, overall: overall, state: state, phase: phase, completedAt: completedAt)
    }

    /// The measure of the time from `start` to `end` against `standard`.
    /// `carried` is the share already used by earlier runs of the same step (a resumed step 3).
    public func measure(_ standard: SOPProfile.Duration?, from start: Date, to end: Date, carried: Double = 0)
        -> Measure?
    {
        guard let standard else { return nil }
        let used = carried + clock.used(standard, from: start, to: end, hours: profile.hours)
        let deadline = clock.deadline(standard, from: start, hours: profile.hours, remaining: max(0, 1 - carried))
        var withinTarget: Bool?
        if let target = standard.target {
            withinTarget = used * Double(standard.value) <= Double(target)
        }
        return Measure(
            standard: standard, used: used, deadline: deadline, withinTarget: withinTarget,
            provisional: clock.calendar.isProvisional(from: start, to: max(deadline, end)))
    }

    /// The phase and state an entry leads to from `phase`.
    func transition(_ milestone: Milestone, from phase: Phase?, state: RequestState) -> (Phase?, RequestState) {
        switch milestone.event {
        case .requestSubmitted: return (.disposition, .submitted)
        case .requestDispositioned: return (.definition, .dispositioned)
        case .evaluationStarted:
            return profile.has(.assignment) && phase != .evaluation && phase != .revision
                ? (.assignment, .underEvaluation) : (.evaluation, .underEvaluation)
        case .phaseRecorded:
            let done = milestone.completedPhase ?? phase ?? .evaluation
            let order = profile.phaseOrder
            let next =
                order.firstIndex(of: done).flatMap { $0 + 1 < order.count ? order[$0 + 1] : nil } ?? .apiPreparation
            return (next, next == .evaluation ? .underEvaluation : .preparing)
        case .requestReturned: return (.revision, .returned)
        case .requestResubmitted: return (.evaluation, .resubmitted)
        case .contractAgreed: return (.apiPreparation, .provisioning)
        case .integrationTestFailed: return (.fix, .integrationTestFailed)
        case .integrationTestPassed: return (.integrationTest, .integrationTested)
        case .apiProvisioned: return (.delivery, .provisioned)
        case .resultsDelivered: return (.producerValidation, .validating)
        case .requestAccepted:
            return profile.has(.handOver) ? (.handOver, .accepted) : (.report, .completed)
        case .requestReopened: return (.evaluation, .reopened)
        case .resultsHandedOver:
            return profile.has(.headReview) ? (.headReview, .handedOver) : (.report, .completed)
        case .integrationApproved: return (.report, .completed)
        case .requestWithdrawn: return (nil, .withdrawn)
        case .requestDeclined: return (nil, .declined)
        default: return (phase, state)
        }
    }
}

/// The order the SOP requires between actors' decisions, as pure rules the services apply in
/// their transactions.
public enum ProcedureRules {
    /// Why the producer may not accept yet: the profile has a delivery step and the results of the
    /// current contract are not delivered. Nil when the acceptance may go ahead.
    public static func acceptanceRefusal(profile: SOPProfile, deliveredAt: Date?) -> String? {
        guard let delivery = profile.line(for: .delivery), deliveredAt == nil else { return nil }
        return
            "the results are not delivered yet (\(delivery.reference): \(delivery.name)); the producer accepts after the delivery"
    }
}
