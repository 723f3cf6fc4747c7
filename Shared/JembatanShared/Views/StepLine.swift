import Foundation

/// One step of a request against its standard, as the integration report and the workspace's
/// request page show it (both render the same lines).
public struct StepLine: Sendable {
    /// "3", or "–" for a line outside the profile's numbering.
    public let step: String
    /// The step's name in the profile.
    public let name: String
    /// Who acts, by the profile.
    public let who: String
    /// When the standard runs out, in WIB.
    public let deadline: String
    /// Whether the lower end of a range was kept.
    public let target: String?
    /// Who answers for a deviation.
    public let responsible: String
    /// "waktu", "kelengkapan", or both; nil when the run kept the standard.
    public let deviation: String?
    /// The responsible person's justification, with their name.
    public let justification: String?
    /// `on_time`, `late`, `open`, `overdue`, `no_standard`, `open_no_standard` (a CSS class too).
    public let status: String
    /// The status in words.
    public let statusLabel: String
    /// Start, in WIB.
    public let started: String
    /// End, in WIB (or the text for a step still open).
    public let ended: String
    /// The standard in words.
    public let standard: String
    /// Share of the standard used.
    public let used: String
    /// The bar of that share.
    public let bar: SLABar?

    /// What each step's status means for the head reading it.
    public static let statusLabels = [
        "on_time": "sesuai standar", "late": "MENYIMPANG (melewati standar)", "open": "berjalan",
        "overdue": "berjalan, MELEWATI standar",
        "no_standard": "tanpa standar", "open_no_standard": "berjalan, tanpa standar",
    ]

    /// The deadline in WIB; "(sementara)" when counted on a year whose decree is not loaded.
    public static func deadlineText(_ deadline: Date?, provisional: Bool) -> String {
        guard let deadline else { return "–" }
        return WIB.format(deadline) + (provisional ? " (sementara: keputusan libur tahun itu belum dimuat)" : "")
    }

    /// The line of one run of a step; a step not yet ended shows `open` as its end.
    public init(
        step: Int, name: String, role: Role, deadline: Date?, provisional: Bool, withinTarget: Bool?,
        responsible: ActorReference?, deviations: [String], justification: String?, status: String,
        startedAt: Date, endedAt: Date?, standard: String?, usedPercent: Double?, open: String,
        names: [String: String] = [:]
    ) {
        self.step = step > 0 ? "\(step)" : "–"
        self.name = name
        who = role.label
        self.deadline = Self.deadlineText(deadline, provisional: provisional)
        target = withinTarget.map { $0 ? "dalam target" : "melewati target" }
        self.responsible = responsible.map { "\(names[$0.id] ?? $0.id) (\($0.role.label))" } ?? "–"
        deviation = deviations.isEmpty ? nil : deviations.joined(separator: ", ")
        self.justification = justification
        self.status = status
        statusLabel =
            ([Self.statusLabels[status] ?? status]
            + deviations.filter { $0 != "waktu" }.map {
                "penyimpangan \($0)"
            }).joined(separator: "; ")
        started = WIB.format(startedAt)
        ended = WIB.format(endedAt, missing: open)
        self.standard = standard ?? "–"
        used = usedPercent.map(Indonesian.percent) ?? "–"
        bar = usedPercent.map(SLABar.init(usedPercent:))
    }
}
