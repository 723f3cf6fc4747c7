import Foundation

// Events of topic `jembatan.intake.v1` (SOP steps 1–2).

/// A producer submitted a request with its data definition (SOP step 1).
public struct RequestSubmitted: EventPayload, Equatable {
    public static let eventType = EventType.requestSubmitted
    public var requestId: String
    public var agencyCode: String
    public var title: String
    public var purpose: String
    /// The SOP profile the request pins.
    public var profile: String
    /// The version of that profile's data the request pins.
    public var profileVersion: Int?
    public var legalBasis: String?
    public var contactPerson: ContactPerson?
    /// Agencies that will read the shared data.
    public var intendedConsumers: [String]?
    public var attachments: [AttachmentMetadata]?
    public var datasets: [DatasetDefinition]
    public var submittedBy: ActorReference
    public var submittedAt: Date

    public init(
        requestId: String, agencyCode: String, title: String, purpose: String, profile: String,
        profileVersion: Int? = nil,
        legalBasis: String? = nil, contactPerson: ContactPerson? = nil, intendedConsumers: [String]? = nil,
        attachments: [AttachmentMetadata]? = nil,
        datasets: [DatasetDefinition], submittedBy: ActorReference, submittedAt: Date
    ) {
        self.profileVersion = profileVersion
        self.legalBasis = legalBasis
        self.contactPerson = contactPerson
        self.intendedConsumers = intendedConsumers
        self.attachments = attachments
        self.requestId = requestId
        self.agencyCode = agencyCode
        self.title = title
        self.purpose = purpose
        self.profile = profile
        self.datasets = datasets
        self.submittedBy = submittedBy
        self.submittedAt = submittedAt
    }
}

/// The head issued the disposition to the technical team (end of SOP step 1).
public struct RequestDispositioned: EventPayload, Equatable {
    public static let eventType = EventType.requestDispositioned
    public var requestId: String
    public var note: String
    public var dispositionedBy: ActorReference
    public var dispositionedAt: Date

    public init(requestId: String, note: String, dispositionedBy: ActorReference, dispositionedAt: Date) {
        self.requestId = requestId
        self.note = note
        self.dispositionedBy = dispositionedBy
        self.dispositionedAt = dispositionedAt
    }
}

/// After a return, the producer revised the definition and submitted it again (a new version).
public struct RequestResubmitted: EventPayload, Equatable {
    public static let eventType = EventType.requestResubmitted
    public var requestId: String
    /// The new version number (the first submission is version 1).
    public var version: Int
    public var datasets: [DatasetDefinition]
    public var resubmittedBy: ActorReference
    public var resubmittedAt: Date

    public init(
        requestId: String, version: Int, datasets: [DatasetDefinition], resubmittedBy: ActorReference,
        resubmittedAt: Date
    ) {
        self.requestId = requestId
        self.version = version
        self.datasets = datasets
        self.resubmittedBy = resubmittedBy
        self.resubmittedAt = resubmittedAt
    }
}

/// The producer withdrew the request; nothing further happens to it.
public struct RequestWithdrawn: EventPayload, Equatable {
    public static let eventType = EventType.requestWithdrawn
    public var requestId: String
    public var reason: String
    public var withdrawnBy: ActorReference
    public var withdrawnAt: Date

    public init(requestId: String, reason: String, withdrawnBy: ActorReference, withdrawnAt: Date) {
        self.requestId = requestId
        self.reason = reason
        self.withdrawnBy = withdrawnBy
        self.withdrawnAt = withdrawnAt
    }
}
