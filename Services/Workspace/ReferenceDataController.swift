import Foundation
import Hummingbird
import JembatanShared

/// Data rujukan: what the procedure counts and checks against. The technical team and the admin
/// load reference code lists (CSV `code,label`; the count loaded is shown); the admin loads a
/// year's working-day calendar from the holiday decree, and reads or adds SOP profiles.
struct ReferenceDataController: Sendable {
    let context: WorkspaceContext

    func register(on router: RouterGroup<WorkspaceRequestContext>) {
        router.get("rujukan", use: show)
        router.post("rujukan/referensi", use: loadReferenceList)
        router.post("rujukan/kalender", use: loadYear)
        router.post("rujukan/profil", use: addProfile)
    }

    static let readers: Set<Role> = [.admin, .technical]
    /// A reference list file is at most 20 MB (the form says so); a profile file at most 1 MB.
    static let profileLimit = 1024 * 1024

    struct View: Sendable {
        struct List: Sendable {
            let name: String
            let codes: String
            let loaded: String
        }

        struct Year: Sendable {
            let year: Int
            let decree: String
            let holidays: Int
            let cutiBersama: Int
        }

        struct Profile: Sendable {
            struct Step: Sendable {
                let number: String
                let name: String
                let role: String
                let standard: String
            }

            let id: String
            let name: String
            let version: Int
            let source: String
            let isDefault: Bool
            let steps: [Step]
        }

        let csrf: String
        let admin: Bool
        let lists: [List]
        let years: [Year]
        let provisional: String?
        let profiles: [Profile]
        var done: String?
        var error: String?
        /// Which form the error belongs to.
        var errorIn: [String: Bool] = [:]
        var problems: [String] = []
        var hasProblems = false
        var values: [String: String] = [:]
    }

    struct Lists: Decodable {
        struct List: Decodable {
            let referenceSet: String
            let codes: Int
            let importedAt: Date
            let importedBy: String
        }
        let lists: [List]
    }

    struct Years: Decodable {
        struct Year: Decodable {
            let year: Int
            let decree: String
            let holidays: Int
            let cutiBersama: Int
        }
        let years: [Year]
        let provisionalYears: [Int]
    }

    struct Profiles: Decodable {
        let defaultProfile: String
        let profiles: [SOPProfile]
    }

    func view(_ person: SignedIn) async throws -> View {
        let lists = try await context.services.get(Lists.self, .provisioning, "/v1/reference", as: person).lists
        let years = try await context.services.get(Years.self, .reporting, "/v1/calendar/years", as: person)
        let profiles = try await context.services.get(Profiles.self, .intake, "/v1/profiles", as: person)
        return View(
            csrf: person.csrf, admin: person.account.role == .admin,
            lists: lists.sorted { $0.referenceSet < $1.referenceSet }.map {
                .init(
                    name: $0.referenceSet, codes: Indonesian.integer($0.codes),
                    loaded: "\(WIB.format($0.importedAt)) oleh \($0.importedBy)")
            },
            years: years.years.map {
                .init(year: $0.year, decree: $0.decree, holidays: $0.holidays, cutiBersama: $0.cutiBersama)
            },
            provisional: years.provisionalYears.isEmpty
                ? nil
                : "Tahun \(years.provisionalYears.map(String.init).joined(separator: ", ")) belum dimuat: batas waktu di tahun itu masih sementara.",
            profiles: profiles.profiles.map { profile in
                .init(
                    id: profile.id, name: profile.name, version: profile.version, source: profile.source,
                    isDefault: profile.id == profiles.defaultProfile,
                    steps: profile.steps.map { step in
                        .init(
                            number: step.number > 0 ? "\(step.number)" : "–", name: step.name, role: step.role.label,
                            standard: step.standard.map(Self.duration) ?? "–")
                    })
            })
    }

    static func duration(_ duration: SOPProfile.Duration) -> String {
        let unit =
            switch duration.unit {
            case .workingDays: "hari kerja"
            case .months: "bulan"
            case .minutes: "menit"
            }
        return duration.target.map { "\($0)–\(duration.value) \(unit)" } ?? "\(duration.value) \(unit)"
    }

    func render(_ view: View, person: SignedIn, status: HTTPResponse.Status = .ok) async throws -> Response {
        var page = view
        page.hasProblems = !page.problems.isEmpty
        return try Pages.render(
            "reference-data", title: "Data rujukan", signedIn: person, active: "/rujukan",
            taskCount: try await context.taskCount(person), page: page, status: status)
    }

    @Sendable func show(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.readers)
        var view = try await view(person)
        view.done = request.uri.queryParameters["selesai"].map { String($0) }.flatMap { Self.done[$0] }
        return try await render(view, person: person)
    }

    static let done = [
        "referensi": "Daftar referensi dimuat.",
        "kalender": "Kalender kerja tahun itu dimuat; jam SLA memakainya sekarang.",
        "profil": "Profil SOP disimpan.",
    ]

    /// The form again with the refusal: the summary, each broken line or field, what was typed.
    func refuse(
        _ form: String, person: SignedIn, error: String, problems: [String] = [], values: [String: String] = [:]
    ) async throws -> Response {
        var view = try await view(person)
        view.error = error
        view.errorIn = [form: true]
        view.problems = problems
        view.values = values
        return try await render(view, person: person, status: .unprocessableContent)
    }

    /// A service's violations as lines a person reads: `baris 3: …`.
    static func problems(_ reply: JembatanClientReply) -> [String] {
        (ServiceCalls.refusal(reply)?.violations ?? []).map { violation in
            var place = violation.field
            if let match = place.wholeMatch(of: /([A-Za-z]+)\[([0-9]+)\]/), let index = Int(match.output.2) {
                // Lines are counted from 1 by the service already; list items from 0.
                place = match.output.1 == "line" ? "baris \(index)" : "\(match.output.1) ke-\(index + 1)"
            }
            let rule =
                switch violation.rule {
                case "syntax": "harus berbentuk kode,label"
                case "unique": "ganda"
                case "required": "wajib diisi"
                case "range": "di luar rentang yang diterima"
                case "date_in_year": "tanggal harus di tahun itu (tahun-bulan-tanggal)"
                default: violation.message
                }
            return "\(place): \(rule)"
        }
    }

    // MARK: - Forms

    /// A reference code list from a CSV file (`code,label`, a header row first); it replaces the list.
    @Sendable func loadReferenceList(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws
        -> Response
    {
        let person = try routeContext.person(in: Self.readers)
        let name = routeContext.form.trimmed("name")
        let values = ["name": name]
        guard !name.isEmpty, name.count <= 63,
            name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }),
            name.first?.isLetter == true
        else {
            return try await refuse(
                "referensi", person: person,
                error: "Nama daftar: huruf kecil, angka dan garis bawah, diawali huruf (misalnya kode_wilayah).",
                values: values)
        }
        guard let file = routeContext.files["berkas"], !file.data.isEmpty else {
            return try await refuse(
                "referensi", person: person, error: "Pilih berkas CSV daftar referensi.", values: values)
        }
        let reply = try await context.services.upload(
            .provisioning, "/v1/reference/\(name)", method: "PUT", as: person, data: file.data,
            contentType: "text/csv")
        guard reply.status < 300 else {
            return try await refuse(
                "referensi", person: person,
                error: "Daftar \(name) tidak dimuat: perbaiki baris berikut. Daftar yang lama tetap berlaku.",
                problems: Self.problems(reply), values: values)
        }
        return Pages.redirect(to: "/rujukan?selesai=referensi#referensi")
    }

    /// Dates, one per line: `2027-01-01` followed by anything (the holiday's name).
    static func dates(_ text: String) -> [String] {
        StepFormsController.lines(text).map { String($0.split(whereSeparator: \.isWhitespace).first ?? "") }
    }

    /// A year of the working-day calendar from the joint decree (SKB): national holidays and cuti bersama.
    @Sendable func loadYear(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.admin])
        let form = routeContext.form
        let values = form.fields.filter { $0.key != "_csrf" }
        guard let year = Int(form.trimmed("year")) else {
            return try await refuse(
                "kalender", person: person, error: "Tulis tahunnya, misalnya 2027.", values: values)
        }
        let body: [String: Any] = [
            "year": year, "decree": form.trimmed("decree"), "holidays": Self.dates(form["holidays"]),
            "cutiBersama": Self.dates(form["cutiBersama"]),
        ]
        let reply = try await context.services.submit(
            "PUT", .reporting, "/v1/calendar/years/\(year)", as: person, json: body)
        guard reply.status < 300 else {
            return try await refuse(
                "kalender", person: person, error: "Kalender tahun \(year) tidak dimuat: perbaiki isian berikut.",
                problems: Self.problems(reply).map {
                    $0.replacingOccurrences(of: "holidays ke-", with: "libur nasional ke-").replacingOccurrences(
                        of: "cutiBersama ke-", with: "cuti bersama ke-"
                    ).replacingOccurrences(of: "decree", with: "dasar (SKB)")
                }, values: values)
        }
        return Pages.redirect(to: "/rujukan?selesai=kalender#kalender")
    }

    /// A new SOP profile (or the next version of one) from its JSON file.
    @Sendable func addProfile(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.admin])
        guard let file = routeContext.files["berkas"], !file.data.isEmpty, file.data.count <= Self.profileLimit else {
            return try await refuse(
                "profil", person: person, error: "Pilih berkas JSON profil SOP (paling besar 1 MB).")
        }
        let reply = try await context.services.upload(
            .intake, "/v1/profiles", as: person, data: file.data, contentType: "application/json")
        guard reply.status < 300 else {
            let code = ServiceCalls.errorCode(reply)
            let error =
                switch code {
                case "version_exists":
                    "Versi profil ini sudah ada; versi yang tersimpan tidak pernah diubah. Naikkan nomor versinya."
                case "invalid_json", "bad_request", "decoding_failed":
                    "Berkas ini bukan JSON profil SOP yang terbaca."
                default: "Profil tidak disimpan: perbaiki isian berikut."
                }
            return try await refuse("profil", person: person, error: error, problems: Self.problems(reply))
        }
        return Pages.redirect(to: "/rujukan?selesai=profil#profil")
    }
}
