import Foundation

/// Times and durations as the offices read them.
public enum WIB {
    /// `4 Des 2026 09.30 WIB`: Western Indonesian Time, Indonesian month names, the hour and
    /// minutes separated by a point as Indonesian writing does.
    public static func format(_ date: Date) -> String { formatter.string(from: date) }

    /// `4 Des 2026 09.30 WIB`, or `–` when there is no date.
    public static func format(_ date: Date?, missing: String = "–") -> String { date.map(format) ?? missing }

    /// The calendar of Asia/Jakarta (days and months of reports).
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Jakarta")!
        return calendar
    }()

    nonisolated(unsafe) private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "id_ID")
        formatter.timeZone = TimeZone(identifier: "Asia/Jakarta")
        formatter.dateFormat = "d MMM yyyy HH.mm 'WIB'"
        return formatter
    }()
}

/// Numbers as Indonesian text writes them: `1.234,5` (thousands with a point, decimals with a comma).
public enum Indonesian {
    /// `1.234,5` with `digits` decimals.
    public static func number(_ value: Double, digits: Int = 1) -> String {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "id_ID")
        formatter.numberStyle = .decimal
        formatter.minimumFractionDigits = digits
        formatter.maximumFractionDigits = digits
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    /// `1.234`.
    public static func integer(_ value: Int) -> String { number(Double(value), digits: 0) }

    /// `82,5 %`.
    public static func percent(_ value: Double) -> String { "\(number(value)) %" }

    /// `4 Desember 2026 pukul 09.30 WIB`.
    public static func moment(_ date: Date) -> String { momentFormatter.string(from: date) }

    nonisolated(unsafe) private static let momentFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "id_ID")
        formatter.timeZone = TimeZone(identifier: "Asia/Jakarta")
        formatter.dateFormat = "d MMMM yyyy 'pukul' HH.mm 'WIB'"
        return formatter
    }()
}

extension SOPProfile.Unit {
    /// The unit in Bahasa Indonesia.
    public var label: String {
        switch self {
        case .workingDays: "hari kerja"
        case .months: "bulan"
        case .minutes: "menit kerja"
        }
    }
}

extension SOPProfile.Duration {
    /// `3 hari kerja`, `1–3 hari kerja` (a range: the upper end is the standard), `660 menit kerja`.
    public var label: String { "\(target.map { "\($0)–" } ?? "")\(value) \(unit.label)" }
}

extension EventType {
    /// What happened, in words, for timelines people read.
    public var label: String {
        switch self {
        case .requestSubmitted: "Permohonan diajukan"
        case .requestDispositioned: "Permohonan didisposisi"
        case .requestResubmitted: "Permohonan diajukan ulang"
        case .requestWithdrawn: "Permohonan ditarik"
        case .requestDeclined: "Permohonan ditolak"
        case .evaluationStarted: "Evaluasi teknis dimulai"
        case .contractAgreed: "Kontrak data disetujui"
        case .requestReturned: "Permohonan dikembalikan"
        case .apiProvisioned: "API disiapkan di hub"
        case .integrationTestPassed: "Uji integrasi lulus"
        case .integrationTestFailed: "Uji integrasi gagal"
        case .resultsDelivered: "Hasil integrasi diserahkan"
        case .recordsIngested: "Data dikirim ke hub"
        case .validationRunCompleted: "Validasi data selesai"
        case .reconciliationCompleted: "Rekonsiliasi selesai"
        case .freshnessFinding: "Temuan keterlambatan data"
        case .requestAccepted: "Hasil diterima produsen"
        case .requestReopened: "Dikembalikan ke evaluasi"
        case .requestCompleted: "Permohonan selesai"
        case .slaWarning: "Peringatan mutu baku waktu"
        case .slaBreached: "Mutu baku waktu terlampaui"
        case .reportPublished: "Laporan diterbitkan"
        case .opsCheckCompleted: "Pemeriksaan operasional"
        case .incidentOpened: "Insiden dibuka"
        case .incidentEscalated: "Insiden dieskalasi"
        case .incidentClosed: "Insiden ditutup"
        case .backupCompleted: "Cadangan dibuat"
        case .deadLetterRedriven: "Pesan gagal dikirim ulang"
        case .phaseRecorded: "Langkah dicatat selesai"
        case .resultsHandedOver: "Dokumen hasil diserahterimakan"
        case .integrationApproved: "Data terintegrasi dinilai sesuai"
        case .deviationJustified: "Penyimpangan dijelaskan"
        case .receiptAcknowledged: "Tanda terima"
        }
    }

    /// The label of an event type stored as text (the text itself when unknown).
    public static func label(of text: String) -> String { EventType(rawValue: text)?.label ?? text }
}
