import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// Step 1's letter (Surat Permohonan): generated from the request when it is submitted, numbered
/// by the agency's scheme in the submission's own transaction (a refused or rolled-back
/// submission consumes no number).
enum RequestLetter {
    static let schema = SchemaName("intake")
    static let kind = "surat_permohonan"
    /// The archive classification when the agency has set none (`PUT /v1/numbering-schemes/…`).
    static let defaultClassification = "000.5.2"

    /// Numbers and stores the letter of `submission` on `connection`.
    static func issue(
        _ submission: RequestSubmission, profile: SOPProfile, requestId: String, account: Account, at date: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> StoredDocument {
        var body: [String: String] = [
            "title": submission.title, "purpose": submission.purpose,
            "legalBasis": submission.legalBasis ?? "–",
            "datasets": submission.datasets.map(\.name).joined(separator: ", "),
            "consumers": (submission.intendedConsumers ?? []).joined(separator: ", "),
            "submittedBy": account.name, "date": Indonesian.moment(date),
        ]
        if let contact = submission.contactPerson {
            body["contact"] = [contact.name, contact.email].compactMap { $0 }.joined(separator: ", ")
        }
        return try await DocumentStore.issue(
            schema: schema, requestId: requestId, kind: kind, agency: submission.agencyCode ?? account.agencyCode ?? "",
            title: "Surat Permohonan Integrasi dan Pertukaran Data", body: body,
            defaultClassification: defaultClassification, rule: profile.documentRule(kind), at: date, on: connection,
            logger: logger)
    }
}

/// The head's disposition sheet (lembar disposisi), numbered in the disposition's transaction.
enum DispositionSheetDocument {
    static let kind = "lembar_disposisi"

    static func issue(
        fields: (addressee: String, instruction: String, urgency: String, deadline: Date?), note: String,
        requestId: String, agency: String, title: String, rule: DocumentRule?, by actor: ActorReference, at date: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> StoredDocument {
        let deadline: String =
            fields.deadline.map { day in
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "id_ID")
                formatter.timeZone = WIB.calendar.timeZone
                formatter.dateFormat = "d MMMM yyyy"
                return formatter.string(from: day)
            } ?? "–"
        return try await DocumentStore.issue(
            schema: RequestLetter.schema, requestId: requestId, kind: kind, agency: agency,
            title: "Lembar Disposisi",
            body: [
                "subject": title, "addressee": fields.addressee, "instruction": fields.instruction,
                "urgency": DispositionSheet.urgencies[fields.urgency] ?? fields.urgency, "deadline": deadline,
                "from": actor.id, "date": Indonesian.moment(date), "note": note,
            ],
            defaultClassification: RequestLetter.defaultClassification, rule: rule, at: date, on: connection,
            logger: logger)
    }
}

/// Intake's documents of record (the letter and the disposition sheet) through the shared
/// ``DocumentRoutes`` (listing, reading, paraf, signature, verification), and the agencies'
/// numbering schemes.
struct DocumentsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        DocumentRoutes(signing: Self.signing(context), emptyIsNotFound: true).register(on: router)
        router.put("v1/numbering-schemes/:agency/:kind", use: setScheme)
    }

    struct LetterView: Sendable {
        let number: String
        let title: String
        let agency: String
        let fields: [String: String]
        let state: String
    }

    static let stateLabels = ["draft": "konsep", "verified": "diparaf", "signed": "ditandatangani"]

    /// Signing over intake's documents, each page rendered from its template.
    static func signing(_ context: ServiceContext) -> DocumentSigning {
        DocumentSigning(
            owner: .intake, schema: RequestLetter.schema, client: context.client, configuration: context.configuration
        ) { document, _ in
            try IntakeService.views.render(
                document.kind == DispositionSheetDocument.kind ? "disposition-sheet" : "request-letter",
                LetterView(
                    number: document.number, title: document.title, agency: document.agencyCode,
                    fields: document.body, state: stateLabels[document.state] ?? document.state))
        }
    }

    struct SchemeBody: Decodable {
        let pattern: String?
        let classification: String
    }

    /// The admin sets an agency's numbering scheme for a kind of letter (the next number follows it).
    @Sendable func setScheme(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require([.admin])
        guard let agency = routeContext.parameters.get("agency"), let kind = routeContext.parameters.get("kind"),
            kind == RequestLetter.kind
        else {
            throw APIError(
                .notFound, code: "not_found", message: "intake numbers kind '\(RequestLetter.kind)'", field: "kind")
        }
        let body = try await JSONResponse.decode(SchemeBody.self, from: request)
        let scheme: NumberingScheme
        do {
            scheme = try NumberingScheme(
                pattern: body.pattern ?? NumberingScheme.standard, classification: body.classification)
        } catch let error as NumberingError {
            throw APIError.validationFailed([
                FieldViolation(field: error.field, rule: "numbering", message: error.message)
            ])
        }
        try await DocumentSchemes.set(
            schema: RequestLetter.schema, agency: agency, kind: kind, scheme: scheme, client: context.client,
            logger: routeContext.logger)
        return try JSONResponse.make(["pattern": scheme.pattern, "classification": scheme.classification])
    }
}
