import Foundation
import JembatanShared

/// What a new contract version of a dataset means for the agencies that read it, in words: every
/// change, and whether their reads break (a field gone or of another type, another primary key).
enum ContractNotice {
    /// The kinds of change that break a reader: what it reads is gone or has another shape.
    static let breaksReads: Set<BreakingChange.Kind> = [.primaryKey, .fieldRemoved, .typeChanged]

    /// The changes from `old` to `new`, each a sentence, and whether they break reads.
    static func describe(from old: DatasetDefinition, to new: DatasetDefinition) -> (
        changes: [String], breaksReads: Bool
    ) {
        let breaking = ContractChange.breakingChanges(from: old, to: new)
        var changes: [String] = breaking.map { change in
            let field = change.field ?? ""
            switch change.kind {
            case .primaryKey:
                return
                    "kunci utama berubah: \(old.primaryKey.joined(separator: ", ")) → \(new.primaryKey.joined(separator: ", "))"
            case .fieldRemoved: return "kolom \(field) dihapus"
            case .typeChanged:
                let before = old.fields.first { $0.name == field }?.type ?? "?"
                let after = new.fields.first { $0.name == field }?.type ?? "?"
                return "kolom \(field) berganti tipe: \(before) → \(after)"
            case .becameRequired: return "kolom \(field) kini wajib diisi"
            case .allowedValuesNarrowed: return "nilai yang diizinkan untuk kolom \(field) dipersempit"
            case .patternOrReferenceChanged: return "pola atau data rujukan kolom \(field) berubah"
            case .rangeNarrowed: return "rentang nilai kolom \(field) dipersempit"
            case .newRequiredField: return "kolom baru \(field) (wajib)"
            }
        }
        let oldFields = Dictionary(old.fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for field in new.fields {
            guard let before = oldFields[field.name] else {
                if !field.required { changes.append("kolom baru \(field.name) (\(field.type), opsional)") }
                continue
            }
            if before.required && !field.required { changes.append("kolom \(field.name) kini opsional") }
            if let wider = field.allowedValues, let earlier = before.allowedValues,
                Set(earlier).isStrictSubset(of: Set(wider))
            {
                changes.append(
                    "nilai baru yang diizinkan untuk kolom \(field.name): \(wider.filter { !earlier.contains($0) }.joined(separator: ", "))"
                )
            }
        }
        if old.updateFrequency != new.updateFrequency, let frequency = new.updateFrequency {
            changes.append("frekuensi pembaruan kini \(frequency)")
        }
        return (changes, breaking.contains { breaksReads.contains($0.kind) })
    }

    /// The notice to `consumers` of a dataset whose contract went from version `oldVersion` to `contract`'s.
    static func notice(
        dataset: String, datasetId: String, oldVersion: Int, contract: ContractAgreed, changes: [String],
        breaksReads: Bool,
        consumers: [String]
    ) -> Notice {
        let verdict =
            breaksReads
            ? "Perubahan ini MEMUTUS pembacaan yang ada: sesuaikan aplikasi Anda sebelum membaca versi baru."
            : "Perubahan ini tidak memutus pembacaan yang ada: aplikasi Anda tetap dapat membaca seperti sebelumnya."
        let lines = changes.isEmpty ? ["• tidak ada perubahan struktur"] : changes.map { "• \($0)" }
        return Notice(
            kind: "kontrak-berubah:\(datasetId)", audiences: consumers.map { .role(.consumer, agency: $0) },
            title:
                "Kontrak dataset \(dataset) berubah (versi \(oldVersion) → \(contract.contractVersion))\(breaksReads ? " — memutus pembacaan" : "")",
            body: ([
                "Dataset \(dataset) dari \(contract.agencyCode) mendapat kontrak versi \(contract.contractVersion):"
            ] + lines + [verdict])
            .joined(separator: "\n"),
            link: "/katalog/\(datasetId)", requestId: contract.requestId)
    }
}
