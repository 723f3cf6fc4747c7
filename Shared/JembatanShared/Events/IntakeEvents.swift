import Foundation

// Events of topic `jembatan.intake.v1` (SOP steps 1–2).

/// A producer submitted a request with its data definition (SOP step 1).
public struct RequestSubmitted: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.requestSubmitted
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The producing agency's code.
    public var agencyCode: String
    /// The request's title.
    public var title: String
    /// What the data will be used for.
    public var purpose: String
    /// The SOP profile the request pins.
    public var profile: String
    /// The version of that profile's data the request pins.
    public var profileVersion: Int?
    /// The regulation the sharing rests on.
    public var legalBasis: String?
    /// Whom to ask about the data.
    public var contactPerson: ContactPerson?
    /// Agencies that will read the shared data.
    public var intendedConsumers: [String]?
    /// Attached documents (metadata only).
    public var attachments: [AttachmentMetadata]?
    /// The datasets, as defined.
    public var datasets: [DatasetDefinition]
    /// Who submitted it.
    public var submittedBy: ActorReference
    /// When it was submitted.
    public var submittedAt: Date

    /// Creates the payload.
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
    /// The type this payload is published as.
    public static let eventType = EventType.requestDispositioned
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The actor's note (at most 2 000 characters).
    public var note: String
    /// The head who dispositioned it.
    public var dispositionedBy: ActorReference
    /// When.
    public var dispositionedAt: Date
    /// The disposition sheet (lembar disposisi): addressee, instruction, urgency, deadline, and the
    /// number of the sheet as a document of record. Absent in events written before it existed.
    public var sheet: DispositionSheet?

    /// Creates the payload.
    public init(
        requestId: String, note: String, dispositionedBy: ActorReference, dispositionedAt: Date,
        sheet: DispositionSheet? = nil
    ) {
        self.requestId = requestId
        self.note = note
        self.dispositionedBy = dispositionedBy
        self.dispositionedAt = dispositionedAt
        self.sheet = sheet
    }
}

/// What a disposition sheet says, as SRIKANDI's disposition does: to whom, what to do, how urgent,
/// by when.
public struct DispositionSheet: Codable, Sendable, Equatable {
    /// The person or unit it is addressed to.
    public var addressee: String
    /// The instruction.
    public var instruction: String
    /// `biasa`, `segera` or `sangat_segera`.
    public var urgency: String
    /// The day it is to be done by (WIB), if the head set one.
    public var deadline: Date?
    /// The sheet's number.
    public var number: String

    /// The urgencies, as the offices name them.
    public static let urgencies = ["biasa": "Biasa", "segera": "Segera", "sangat_segera": "Sangat segera"]

    /// A sheet.
    public init(addressee: String, instruction: String, urgency: String, deadline: Date?, number: String) {
        self.addressee = addressee
        self.instruction = instruction
        self.urgency = urgency
        self.deadline = deadline
        self.number = number
    }
}

/// After a return, the producer revised the definition and submitted it again (a new version).
public struct RequestResubmitted: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.requestResubmitted
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The new version number (the first submission is version 1).
    public var version: Int
    /// The datasets, as defined.
    public var datasets: [DatasetDefinition]
    /// Who sent the revision.
    public var resubmittedBy: ActorReference
    /// When.
    public var resubmittedAt: Date

    /// Creates the payload.
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
    /// The type this payload is published as.
    public static let eventType = EventType.requestWithdrawn
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// Why, in words.
    public var reason: String
    /// Who withdrew it.
    public var withdrawnBy: ActorReference
    /// When.
    public var withdrawnAt: Date

    /// Creates the payload.
    public init(requestId: String, reason: String, withdrawnBy: ActorReference, withdrawnAt: Date) {
        self.requestId = requestId
        self.reason = reason
        self.withdrawnBy = withdrawnBy
        self.withdrawnAt = withdrawnAt
    }
}

/// The head declined the request with a reason instead of dispositioning it (the disposition
/// sheet's other outcome): a terminal state, nothing further happens to it.
public struct RequestDeclined: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.requestDeclined
    /// The request the event belongs to (the Kafka key).
    public var requestId: String
    /// Why, in words (the producer reads it).
    public var reason: String
    /// Who declined it.
    public var declinedBy: ActorReference
    /// When.
    public var declinedAt: Date

    /// Creates the payload.
    public init(requestId: String, reason: String, declinedBy: ActorReference, declinedAt: Date) {
        self.requestId = requestId
        self.reason = reason
        self.declinedBy = declinedBy
        self.declinedAt = declinedAt
    }
}
