import Foundation
import JembatanClient
import JembatanShared

/// The demo's documents of record: each person gives the paraf or signature their role owes, as
/// they would on the document's page in the workspace (same API, their own token and password),
/// then the demo says where each document is.
struct DemoDocuments {
    let client: ServiceClient
    let people: [DemoPeople.Person]
    let workspace: String

    func person(_ role: Role) -> DemoPeople.Person? { people.first { $0.role == role } }

    /// The request's documents that `owner` keeps (waiting up to `seconds` for at least one).
    func documents(_ owner: ServiceName, of requestId: String, seconds: Int = 0) async throws -> [[String: Any]] {
        let reader = person(.head)?.token
        for attempt in 0...(seconds * 4) {
            let reply = try await client.call(
                "GET", owner, "/v1/requests/\(requestId)/documents", token: reader)
            let found = reply.json["documents"] as? [[String: Any]] ?? []
            if !found.isEmpty || attempt == seconds * 4 { return found }
            try await Task.sleep(for: .milliseconds(250))
        }
        return []
    }

    /// Paraf (where the rule has one) and signature of every unsigned document `owner` keeps for the request.
    func complete(_ owner: ServiceName, of requestId: String, seconds: Int = 0) async throws {
        for document in try await documents(owner, of: requestId, seconds: seconds) {
            guard let id = document["documentId"] as? String, document["state"] as? String != "signed" else {
                continue
            }
            if document["state"] as? String == "draft",
                let role = (document["verifierRole"] as? String).flatMap(Role.init),
                let verifier = person(role)
            {
                let reply = try await client.call("POST", owner, "/v1/documents/\(id)/paraf", token: verifier.token)
                guard reply.status == 200 else { throw DemoError.refused("paraf \(id)", reply.text) }
            }
            if let role = (document["signerRole"] as? String).flatMap(Role.init), let signer = person(role) {
                let reply = try await client.call(
                    "POST", owner, "/v1/documents/\(id)/signature", token: signer.token,
                    json: ["password": signer.password])
                guard reply.status == 200 else { throw DemoError.refused("signature \(id)", reply.text) }
            }
        }
    }

    /// Where each of the request's documents is, as lines to print.
    func lines(of requestId: String) async throws -> [String] {
        var lines: [String] = []
        for owner in DocumentReader.owners {
            for document in try await documents(owner, of: requestId) {
                let id = document["documentId"] as? String ?? ""
                let state =
                    ["draft": "konsep", "verified": "diparaf", "signed": "ditandatangani"][
                        document["state"] as? String ?? ""] ?? ""
                lines.append(
                    "   \(document["title"] as? String ?? "") \(document["number"] as? String ?? "") (\(state))")
                lines.append("      \(workspace)/permohonan/\(requestId)/dokumen/\(owner.rawValue)/\(id)")
                if document["state"] as? String == "signed" {
                    lines.append("      PDF: \(workspace)/dokumen/\(owner.rawValue)/\(id)/pdf")
                    lines.append("      verifikasi (tanpa masuk): \(workspace)/verifikasi/\(owner.rawValue)/\(id)")
                }
            }
        }
        return lines
    }

    enum DemoError: Error, CustomStringConvertible {
        case refused(String, String)
        var description: String {
            switch self {
            case .refused(let what, let answer): "the demo's \(what) was refused: \(answer.prefix(300))"
            }
        }
    }
}
