import Foundation
import JembatanShared

/// The pure rules of receipts: who acknowledges what, from when it waits for them, and the line it
/// is on the clock (the receiver's time, no standard: the SOP sets none).
enum Receipts {
    /// What is acknowledged.
    enum Kind: String, Codable, Sendable, CaseIterable {
        /// The delivered results (the producer).
        case results
        /// The request's report (the Kepala Bidang, then the Kepala Dinas).
        case report

        /// The line's name on the clock and in Tugas saya.
        var name: String {
            switch self {
            case .results: "Konfirmasi penerimaan hasil integrasi"
            case .report: "Menerima laporan hasil integrasi"
            }
        }
    }

    /// The order of receivers of `kind`: each after the one before.
    static func receivers(of kind: Kind) -> [Role] {
        switch kind {
        case .results: [.producer]
        case .report: [.supervisor, .head]
        }
    }

    /// One receipt's state for one receiver.
    struct Line: Sendable, Equatable {
        var kind: Kind
        var role: Role
        /// When it reached the receiver (delivery, the report's publication, the previous receiver's receipt).
        var startedAt: Date
        var acknowledgedAt: Date?
        var acknowledgedBy: String?
    }

    /// A stored receipt.
    struct Stored: Sendable, Equatable {
        var kind: Kind
        var role: Role
        var by: String
        var at: Date
    }

    /// Every receipt line of a request: the results' from the delivery on, the report's from its
    /// first publication on; the head's once the Kepala Bidang acknowledged.
    static func lines(deliveredAt: Date?, reportPublishedAt: Date?, stored: [Stored]) -> [Line] {
        var lines: [Line] = []
        for (kind, start) in [(Kind.results, deliveredAt), (.report, reportPublishedAt)] {
            guard var since = start else { continue }
            for role in receivers(of: kind) {
                let receipt = stored.first { $0.kind == kind && $0.role == role }
                lines.append(
                    Line(
                        kind: kind, role: role, startedAt: since, acknowledgedAt: receipt?.at,
                        acknowledgedBy: receipt?.by))
                guard let receipt else { break }
                since = receipt.at
            }
        }
        return lines
    }

    /// Why `role` may not acknowledge `kind` now (nil: it may), as the API's code and message.
    static func refusal(kind: Kind, role: Role, lines: [Line]) -> (code: String, message: String)? {
        guard receivers(of: kind).contains(role) else {
            return (
                "receipt_not_yours",
                "\(kind.rawValue) is acknowledged by \(receivers(of: kind).map(\.rawValue).joined(separator: ", then "))"
            )
        }
        guard lines.contains(where: { $0.kind == kind && $0.role == role }) else {
            switch kind {
            case .results: return ("results_not_delivered", "the results have not been delivered yet")
            case .report:
                return role == .head
                    ? ("report_not_forwarded", "the Kepala Bidang has not acknowledged the report yet")
                    : ("report_not_published", "the request's report has not been published yet")
            }
        }
        return nil
    }
}
