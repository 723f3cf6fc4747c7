import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Reads the events that land a task on somebody and writes their notifications (and queues the
/// mails) in the inbox transaction of the event: read twice, told once.
struct NotificationsConsumer: Sendable {
    /// Whether mails are queued (an SMTP server is configured).
    let mail: Bool

    func handle(_ event: ReceivedEvent, on connection: PostgresConnection, logger: Logger) async throws {
        let requestId = event.requestId
        let facts = try await NotificationStore.facts(ofRequest: requestId, on: connection, logger: logger)
        let notices: [Notice]
        switch event.attributes.type {
        case .requestSubmitted:
            notices = [NotificationRules.submitted(try event.payload(RequestSubmitted.self))]
        case .requestResubmitted:
            notices = [NotificationRules.resubmitted(try event.payload(RequestResubmitted.self), facts: facts)]
        case .requestDispositioned:
            let payload = try event.payload(RequestDispositioned.self)
            var named: String?
            if let sheet = payload.sheet {
                named = try await NotificationStore.addressee(sheet.addressee, on: connection, logger: logger)
            }
            notices = [NotificationRules.dispositioned(payload, facts: facts, addressee: named.map(Audience.account))]
        case .contractAgreed:
            notices = try await changeNotices(
                try event.payload(ContractAgreed.self), facts: facts, on: connection, logger: logger)
        case .requestReturned:
            notices = [NotificationRules.returned(try event.payload(RequestReturned.self), facts: facts)]
        case .requestDeclined:
            notices = [NotificationRules.declined(try event.payload(RequestDeclined.self), facts: facts)]
        case .apiProvisioned:
            let profile = try await ProfileReader.profile(ofRequest: requestId, on: connection, logger: logger)
            notices =
                NotificationRules.provisioned(try event.payload(APIProvisioned.self), facts: facts)
                + [
                    NotificationRules.nextStep(
                        "serahkan", title: "Hasil integrasi siap diserahkan: \(facts?.title ?? requestId)",
                        body:
                            "API \(NotificationRules.titled(facts, requestId)) lulus uji integrasi dan tersedia di hub. Serahkan hasil integrasi kepada OPD dari halaman permohonan.",
                        role: profile.line(for: .delivery)?.role, agency: facts?.agencyCode, requestId: requestId)
                ].compactMap { $0 }
        case .resultsHandedOver:
            let profile = try await ProfileReader.profile(ofRequest: requestId, on: connection, logger: logger)
            notices = [
                NotificationRules.nextStep(
                    "tinjau", title: "Hasil integrasi menunggu penilaian Anda: \(facts?.title ?? requestId)",
                    body:
                        "Berita acara serah terima \(NotificationRules.titled(facts, requestId)) sudah dibuat. Nilai data yang terintegrasi: tutup permohonan atau kembalikan ke langkah evaluasi.",
                    role: profile.line(for: .headReview)?.role, agency: facts?.agencyCode, requestId: requestId)
            ].compactMap { $0 }
        case .receiptAcknowledged:
            notices = [NotificationRules.acknowledged(try event.payload(ReceiptAcknowledged.self), facts: facts)]
                .compactMap { $0 }
        case .integrationTestFailed:
            notices = [NotificationRules.integrationFailed(try event.payload(IntegrationTested.self), facts: facts)]
        case .resultsDelivered:
            notices = NotificationRules.delivered(try event.payload(ResultsDelivered.self), facts: facts)
        case .requestAccepted:
            notices = [NotificationRules.accepted(try event.payload(RequestAccepted.self), facts: facts)]
        case .requestReopened:
            notices = [NotificationRules.reopened(try event.payload(RequestReopened.self), facts: facts)]
        case .slaWarning, .slaBreached:
            let alert = try event.payload(SLAAlert.self)
            // The profile the request pinned at submission says who acts in the step.
            let profile = try await ProfileReader.profile(ofRequest: requestId, on: connection, logger: logger)
            let line = alert.step > 0 ? profile.step(alert.step) : profile.lines.first { $0.name == alert.stepName }
            notices = [NotificationRules.slaAlert(alert, facts: facts, responsible: line?.role)]
        case .deviationJustified:
            notices = [NotificationRules.justified(try event.payload(DeviationJustified.self), facts: facts)].compactMap
            {
                $0
            }
        case .reportPublished:
            notices = [NotificationRules.reportPublished(try event.payload(ReportPublished.self))]
        default:
            notices = []
        }
        for notice in notices {
            var recipients: [NotificationStore.Recipient] = []
            for audience in notice.audiences {
                for recipient in try await NotificationStore.recipients(audience, on: connection, logger: logger)
                where !recipients.contains(recipient) {
                    recipients.append(recipient)
                }
            }
            let created = try await NotificationStore.record(
                notice, eventId: event.attributes.id, for: recipients, mail: mail, on: connection, logger: logger)
            NotificationMetrics.created.increment(by: created)
            if recipients.isEmpty {
                logger.notice(
                    "Nobody to notify", metadata: ["kind": "\(notice.kind)", LogKey.requestID: "\(requestId)"])
            }
        }
    }

    /// A dataset that had a contract before and gets a new version: every consumer agency of it is
    /// told what changed and whether their reads break. The first version tells nobody (the API's
    /// notice does, once it is provisioned).
    func changeNotices(
        _ contract: ContractAgreed, facts: RequestFacts?, on connection: PostgresConnection, logger: Logger
    ) async throws -> [Notice] {
        var notices: [Notice] = []
        let consumers = contract.consumers ?? facts?.consumers ?? []
        for dataset in contract.datasets {
            let datasetId = HubDatasetID.of(name: dataset.name, requestId: contract.requestId)
            let previous = try await NotificationStore.lastContract(of: datasetId, on: connection, logger: logger)
            try await NotificationStore.saveContract(
                dataset, of: datasetId, requestId: contract.requestId, version: contract.contractVersion,
                on: connection, logger: logger)
            guard let previous, previous.version < contract.contractVersion, !consumers.isEmpty else { continue }
            let (changes, breaks) = ContractNotice.describe(from: previous.definition, to: dataset)
            notices.append(
                ContractNotice.notice(
                    dataset: dataset.name, datasetId: datasetId, oldVersion: previous.version, contract: contract,
                    changes: changes, breaksReads: breaks, consumers: consumers))
        }
        return notices
    }

    var definition: ConsumerDefinition {
        ConsumerDefinition(
            name: "workspace", topics: WorkspaceConsumer.topics, handledTypes: NotificationRules.handledTypes
        ) {
            event, connection, logger in
            try await handle(event, on: connection, logger: logger)
        }
    }
}
