import Foundation
import JembatanShared
import Testing

@testable import Workspace

/// Who is told of what: the pure rules behind each notification.
@Suite("Notification rules")
struct NotificationRulesTests {
    static let facts = RequestFacts(agencyCode: "35.14-dinkes", title: "Data posyandu", consumers: ["35.14-bappeda"])
    static let someone = ActorReference(id: "x", role: .technical)

    @Test("a return goes to the producer agency with each reason by its field; unknown request: nobody")
    func returned() {
        let event = RequestReturned(
            requestId: "r1", findings: [],
            reasons: [
                ReturnReason(field: "posyandu.kode", message: "jadikan kunci utama"),
                .init(field: nil, message: "lengkapi"),
            ],
            returnedBy: Self.someone, returnedAt: Date())
        let notice = NotificationRules.returned(event, facts: Self.facts)
        #expect(notice.audiences == [.role(.producer, agency: "35.14-dinkes")])
        #expect(notice.body.contains("• posyandu.kode: jadikan kunci utama") && notice.body.contains("• lengkapi"))
        #expect(notice.link == "/permohonan/r1")
        #expect(NotificationRules.returned(event, facts: nil).audiences.isEmpty)
    }

    @Test("a disposition goes to the account its sheet names, else to the technical team")
    func disposition() {
        let event = RequestDispositioned(
            requestId: "r1", note: "", dispositionedBy: .init(id: "k", role: .head), dispositionedAt: Date(),
            sheet: DispositionSheet(
                addressee: "Agus", instruction: "Kaji", urgency: "segera", deadline: nil, number: "1"))
        #expect(
            NotificationRules.dispositioned(event, facts: Self.facts, addressee: .account("tim.teknis")).audiences == [
                .account("tim.teknis")
            ])
        let team = NotificationRules.dispositioned(event, facts: Self.facts, addressee: nil)
        #expect(team.audiences == [.role(.technical, agency: nil)])
        #expect(team.body.contains("Instruksi: Kaji") && team.body.contains("Sifat: segera"))
    }

    @Test("an SLA alert goes to the role acting in the step (its agency for a producer) and to the head")
    func slaAlert() {
        let alert = SLAAlert(
            requestId: "r1", agencyCode: "35.14-dinkes", profile: "pasuruan", step: 8, stepName: "Validasi",
            threshold: 100, usedPercent: 104, standard: "3 hari kerja", stepStartedAt: Date(), deadline: Date(),
            checkedAt: Date(), escalatedTo: .head)
        let notice = NotificationRules.slaAlert(alert, facts: Self.facts, responsible: .producer)
        #expect(notice.audiences == [.role(.producer, agency: "35.14-dinkes"), .role(.head, agency: nil)])
        #expect(notice.kind == "sla-terlampaui" && notice.title.hasPrefix("Batas waktu terlampaui"))
        #expect(
            NotificationRules.slaAlert(alert, facts: Self.facts, responsible: .head).audiences == [
                .role(.head, agency: nil)
            ])
    }

    @Test("the head reads every deviation's explanation but their own")
    func justification() {
        func event(by role: Role) -> DeviationJustified {
            DeviationJustified(
                requestId: "r1", agencyCode: "35.14-dinkes", step: 2, stepName: "Definisi", phase: .definition,
                stepStartedAt: Date(), deviations: ["waktu"], justification: "server mati",
                justifiedBy: .init(id: "op", role: role),
                justifiedAt: Date())
        }
        #expect(
            NotificationRules.justified(event(by: .producer), facts: Self.facts)?.audiences == [
                .role(.head, agency: nil)
            ])
        #expect(NotificationRules.justified(event(by: .head), facts: Self.facts) == nil)
    }

    @Test("a contract change in words: a dropped column or a new type breaks reads; an added optional column does not")
    func contractChange() {
        let old = DatasetDefinition(
            name: "posyandu",
            fields: [
                FieldDefinition(name: "kode", type: "string", required: true),
                FieldDefinition(name: "jumlah", type: "integer", required: false),
            ], primaryKey: ["kode"])
        var added = old
        added.fields.append(FieldDefinition(name: "alamat", type: "string", required: false))
        let additive = ContractNotice.describe(from: old, to: added)
        #expect(additive.changes == ["kolom baru alamat (string, opsional)"] && !additive.breaksReads)
        var dropped = old
        dropped.fields = [FieldDefinition(name: "kode", type: "string", required: true)]
        let breaking = ContractNotice.describe(from: old, to: dropped)
        #expect(breaking.changes == ["kolom jumlah dihapus"] && breaking.breaksReads)
        var retyped = old
        retyped.fields[1].type = "decimal"
        #expect(
            ContractNotice.describe(from: old, to: retyped).changes == ["kolom jumlah berganti tipe: integer → decimal"]
        )
    }
}
