import Foundation

/// One institution's version of the procedure: its own numbered steps in the seed's wording, who
/// acts, their standard durations ("Mutu Baku — Waktu"), inputs ("Kelengkapan") and outputs, each
/// mapped onto the typed ``Phase``s the services drive. Profiles are data: shipped as JSON files
/// (`Profiles/Data`), stored and extended by intake; a request pins the id and version it started with.
public struct SOPProfile: Codable, Sendable, Equatable {
    /// How a standard duration is counted (SYSTEM.md §7).
    public enum Unit: String, Codable, Sendable {
        /// Monday–Friday minus national holidays and cuti bersama.
        case workingDays = "working_days"
        /// Calendar months (the SOPs' "1 bulan").
        case months
        /// Office minutes: minutes inside office hours on working days (seeds 000 and 004).
        case minutes
    }

    /// A standard duration. A range ("1–3 hari") keeps both ends: `value` is the upper end, the
    /// standard (100 %, a breach past it); `target` the lower end, shown beside it.
    public struct Duration: Codable, Sendable, Equatable {
        /// How many units: the standard (the upper end of a range).
        public var value: Int
        /// The lower end of a range, when the SOP gives one.
        public var target: Int?
        /// The unit.
        public var unit: Unit

        /// A standard of `value` units, with the lower end `target` of a range.
        public init(value: Int, target: Int? = nil, unit: Unit) {
            self.value = value
            self.target = target
            self.unit = unit
        }

    }

    /// Office hours for standards in minutes, WIB (SYSTEM.md §7: 07:30–16:00 Monday–Thursday,
    /// 07:30–16:30 Friday unless the profile says otherwise).
    public struct OfficeHours: Codable, Sendable, Equatable {
        /// Opening, minutes after midnight.
        public var opens: Int
        /// Closing Monday to Thursday, minutes after midnight.
        public var closes: Int
        /// Closing on Friday, minutes after midnight.
        public var closesFriday: Int

        /// The decided default: 07:30–16:00, Friday to 16:30.
        public static let standard = OfficeHours(opens: 7 * 60 + 30, closes: 16 * 60, closesFriday: 16 * 60 + 30)
    }

    /// One step of the procedure, or a line outside the seed's numbering (`number` 0).
    public struct Step: Codable, Sendable, Equatable {
        /// The seed's step number; 0 for a line the seed does not number (revision, fix).
        public var number: Int
        /// The seed's wording.
        public var name: String
        /// Who acts.
        public var role: Role
        /// The standard duration; nil where the SOP sets none.
        public var standard: Duration?
        /// What the step needs ("Kelengkapan").
        public var inputs: [String]
        /// What it produces ("Output"), if the seed names it.
        public var output: String?
        /// The phases of the procedure this step covers, in order.
        public var phases: [Phase]
        /// Why a standard was chosen where the seed gives none, or how a step was read.
        public var note: String?

        /// A short name for charts and tables: the label of the step's first phase.
        public var shortName: String { phases.first?.label ?? name }

        /// "Langkah 3" for a numbered step, the name for a line outside the numbering.
        public var reference: String { number > 0 ? "Langkah \(number)" : name }
    }

    /// Profile id, e.g. `pasuruan`.
    public var id: String
    /// Version of this profile's data; requests pin it.
    public var version: Int
    /// Institution and SOP.
    public var name: String
    /// The seed (SOP number and file) the steps are read from.
    public var source: String
    /// Inputs a submission must carry (see ``RequiredInput``).
    public var requiredInputs: [RequiredInput]
    /// Office hours for standards in minutes; the default when nil.
    public var officeHours: OfficeHours?
    /// The whole procedure's standard, when the SOP gives one (Kaltim: "3 sampai 4 bulan").
    public var overall: Duration?
    /// The numbered steps, in the seed's order.
    public var steps: [Step]
    /// Lines outside the seed's numbering: the producer's revision time, the fix after a failed
    /// integration test (when the seed does not number one).
    public var otherLines: [Step]
    /// Who verifies (paraf) and who signs each document of record, where this profile differs
    /// from ``DocumentRule/standard``.
    public var documents: [DocumentRule]? = nil

    /// The rule for documents of `kind`: this profile's, else the standard one.
    public func documentRule(_ kind: String) -> DocumentRule? {
        (documents ?? []).first { $0.kind == kind } ?? DocumentRule.standard.first { $0.kind == kind }
    }

    /// Every line: numbered steps, then the others.
    public var lines: [Step] { steps + otherLines }

    /// The step numbered `number`, if the profile has it.
    public func step(_ number: Int) -> Step? { steps.first { $0.number == number } }

    /// The number of the step that covers `phase`; nil when this profile has no such step, 0 for a line outside the numbering.
    public func stepNumber(of phase: Phase) -> Int? { line(for: phase)?.number }

    /// The step or line that covers `phase`.
    public func line(for phase: Phase) -> Step? { lines.first { $0.phases.contains(phase) } }

    /// Whether some step of this profile covers `phase`.
    public func has(_ phase: Phase) -> Bool { line(for: phase) != nil }

    /// The phases of the numbered steps, in order.
    public var phaseOrder: [Phase] { steps.flatMap(\.phases) }

    /// The phases this profile has recorded as done before the team's decision (the laboratory's assignment).
    public var recordedBeforeDecision: [Phase] {
        Array(phaseOrder.prefix { $0 != .evaluation }.filter { Phase.recorded.contains($0) })
    }

    /// The phases recorded as done between the agreement and the API (the interchange document; the
    /// laboratory's design and build), in order: the last announces the contract.
    public var recordedBeforeAPI: [Phase] {
        guard let agreed = phaseOrder.firstIndex(of: .evaluation) else { return [] }
        return phaseOrder[(agreed + 1)...].filter { Phase.recorded.contains($0) }
    }

    /// The office hours minutes are counted in.
    public var hours: OfficeHours { officeHours ?? .standard }

    /// Whether `id` is a profile id: 1 to 40 lower-case ASCII letters, digits, '-' or '_'.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 40
            && id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// The rules a profile must keep to be used: every phase the services drive is covered once,
    /// numbers are unique and ascending, standards positive with the target below the standard.
    /// Empty when the profile is usable.
    public var violations: [FieldViolation] {
        var found: [FieldViolation] = []
        func add(_ field: String, _ rule: String, _ message: String) {
            found.append(FieldViolation(field: field, rule: rule, message: message))
        }
        if !Self.isValidID(id) {
            add("id", "pattern", "id is 1 to 40 lower-case letters, digits, '-' or '_'")
        }
        if version < 1 { add("version", "minimum", "version starts at 1") }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { add("name", "required", "name the institution and SOP") }
        if steps.isEmpty { add("steps", "required", "a profile has at least one step") }
        let numbers = steps.map(\.number)
        if numbers != numbers.sorted() || Set(numbers).count != numbers.count || numbers.contains(where: { $0 < 1 }) {
            add("steps", "numbering", "steps are numbered from 1, each number once, in order")
        }
        for (index, line) in otherLines.enumerated() where line.number != 0 {
            add("otherLines[\(index)].number", "const", "a line outside the numbering has number 0")
        }
        let covered = lines.flatMap(\.phases)
        for phase in Phase.allCases where covered.filter({ $0 == phase }).count > 1 {
            add("steps", "unique_phase", "phase \(phase.rawValue) is covered by more than one step")
        }
        for phase in Phase.required where !covered.contains(phase) {
            add("steps", "required_phase", "no step covers phase \(phase.rawValue) (\(phase.label))")
        }
        for (index, line) in lines.enumerated() {
            let field = index < steps.count ? "steps[\(index)]" : "otherLines[\(index - steps.count)]"
            if line.phases.isEmpty { add("\(field).phases", "required", "a step covers at least one phase") }
            if line.name.trimmingCharacters(in: .whitespaces).isEmpty {
                add("\(field).name", "required", "a step has the seed's wording")
            }
            if let standard = line.standard {
                if standard.value < 1 { add("\(field).standard.value", "minimum", "a standard is at least 1") }
                if let target = standard.target, target < 1 || target >= standard.value {
                    add(
                        "\(field).standard.target", "range",
                        "the lower end of a range is at least 1 and below the upper end")
                }
            }
        }
        return found
    }
}

/// An input the completeness check can require.
public enum RequiredInput: String, Codable, Sendable, CaseIterable {
    case purpose, legalBasis, contactPerson, intendedConsumers, attachments, classification, updateFrequency, primaryKey
}

/// The shipped profiles: the JSON files in `Profiles/Data`, one per seed SOP. Intake stores them
/// and the ones an admin adds; the other roles read the stored ones through ``ProfileReader``.
public enum SOPProfileCatalog {
    /// Every shipped profile, by id.
    public static let all: [String: SOPProfile] = {
        let directory = Bundle.module.resourceURL!.appendingPathComponent("Data")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var profiles: [String: SOPProfile] = [:]
        for file in files.sorted() where file.hasSuffix(".json") {
            let data = try! Data(contentsOf: directory.appendingPathComponent(file))
            let profile = try! JSONDecoder().decode(SOPProfile.self, from: data)
            precondition(profile.violations.isEmpty, "shipped profile \(file): \(profile.violations)")
            profiles[profile.id] = profile
        }
        precondition(!profiles.isEmpty, "no shipped SOP profiles under \(directory.path)")
        return profiles
    }()

    /// The profile used when nothing else names one (`JEMBATAN_DEFAULT_PROFILE` overrides it in intake).
    public static let builtInDefaultID = "pasuruan"

    /// The shipped profile `id`, if it exists.
    public static func profile(_ id: String) -> SOPProfile? { all[id] }
}
