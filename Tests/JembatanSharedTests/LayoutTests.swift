import Foundation
import Testing

/// The architecture a reader finds in the folders holds in the code: SQL only in stores and
/// migrations, no role library importing another, no controller calling another controller.
@Suite("Layout")
struct LayoutTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let roles = ["Intake", "Evaluation", "Provisioning", "Validation", "Reporting"]

    /// Shared files that are the one store of their own table(s), and the operator command's store.
    static let sharedStores: Set<String> = [
        "Shared/JembatanShared/Postgres/Database.swift",  // transactions, connection checks
        "Shared/JembatanShared/Postgres/DatabaseMonitor.swift",  // SELECT 1
        "Shared/JembatanShared/Postgres/Migrations.swift",  // the migrations table
        "Shared/JembatanShared/Postgres/SQLIdentifier.swift",  // the checked identifier itself
        "Shared/JembatanShared/Messaging/Outbox.swift",  // outbox and inbox tables
        "Shared/JembatanShared/Messaging/OutboxRelay.swift",  // the relay's batch
        "Shared/JembatanShared/Audit/AuditChain.swift",  // the audit chain table
        "Shared/JembatanShared/Identity/AccountDirectory.swift",  // accounts and tokens
        // Every role's documents of record and their numbering (one shared shape per schema).
        "Shared/JembatanShared/Documents/DocumentSequence.swift",
        "Shared/JembatanShared/Documents/DocumentStore.swift",
        // The identity schema's writes (the workspace and jembatan accounts).
        "Shared/JembatanShared/Identity/AccountAdministration.swift",
        "Shared/JembatanShared/Records/HubReader.swift",  // read-only view of the hub for other roles
        "Shared/JembatanShared/Records/ValidationReader.swift",  // read-only view of the producer's decision
        "Shared/JembatanShared/Records/DocumentReader.swift",  // read-only view of every role's documents of record
        "Shared/JembatanShared/Profiles/ProfileReader.swift",  // read-only view of intake's profiles
        "Shared/JembatanShared/Records/ReferenceCodes.swift",  // reference lists
        "Shared/JembatanShared/Records/RecordStage.swift",  // the hub's staged batch (COPY/UNNEST)
        "Services/Intake/DDLImporter.swift",  // reads an agency's CREATE TABLE text; runs no SQL
        "Services/Intake/DDLImportController.swift",  // tells people what to send (CREATE TABLE text)
        "Services/Workspace/NewRequestController.swift",  // the same, on the new-request form
        "Services/Intake/IntakeOpenAPI.swift",  // the same, in the API description
    ]

    /// Files that still hold SQL, with how many lines, until their role's store takes it over
    /// (issue 15 is under way). The number may only go down: a file not listed may hold none, a
    /// listed file no more than its number, and a file that now holds fewer lines must say so here.
    static let notYetInStores: [String: Int] = [:]

    /// Controller-to-controller uses that remain until shared views and builders are their own types.
    static let controllerUsesToUndo: Set<String> = []

    /// Swift files under `folder`, relative to the repository.
    static func sources(under folder: String) -> [String] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { ($0 as? URL)?.path }.filter { $0.hasSuffix(".swift") }
            .map { String($0.dropFirst(root.path.count + 1)) }.sorted()
    }

    static func text(_ path: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)) ?? ""
    }

    static let sqlMarkers = try! NSRegularExpression(
        pattern:
            #"\.query(UnlessClosed)?\(|PostgresQuery\(|unsafeSQL|unescaped:|\b(SELECT|INSERT INTO|DELETE FROM|ALTER TABLE|CREATE (TABLE|SCHEMA|INDEX)|DROP (TABLE|SCHEMA))\b|\bUPDATE [a-z_.]+ (r |d )?SET\b"#
    )

    /// Lines of `path` that hold SQL or run it (comments aside).
    static func sqlLines(_ path: String) -> [String] {
        text(path).split(separator: "\n").map(String.init).filter { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("//") else { return false }
            return sqlMarkers.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
        }
    }

    @Test("SQL is written and run only in stores (a Store/ folder, or a shared store of its own table) and migrations")
    func sqlOnlyInStores() {
        let files = Self.sources(under: "Services") + Self.sources(under: "Shared")
        #expect(files.count > 50, "found the sources")
        var offenders: [String] = []
        for file in files
        where !file.contains("/Store/") && !file.contains("/Migrations/") && !file.hasSuffix("Migrations.swift")
            && !Self.sharedStores.contains(file)
        {
            let lines = Self.sqlLines(file)
            let allowed = Self.notYetInStores[file] ?? 0
            if lines.count > allowed {
                offenders += lines.map { "\(file): \($0.trimmingCharacters(in: .whitespaces).prefix(100))" }
            } else if lines.count < allowed {
                Issue.record(
                    "\(file) now holds \(lines.count) SQL lines: lower its number in notYetInStores to \(lines.count)")
            }
        }
        #expect(
            offenders.isEmpty,
            "SQL outside stores (\(offenders.count) lines):\n\(offenders.prefix(40).joined(separator: "\n"))")
    }

    @Test(
        "every statement goes through queryUnlessClosed: PostgresNIO's own query can wait forever on a connection a restart closed"
    )
    func noStatementCanWaitForever() {
        var offenders: [String] = []
        for file in Self.sources(under: "Services") + Self.sources(under: "Shared")
        where file != "Shared/JembatanShared/Postgres/Database.swift" {
            for line in Self.text(file).split(separator: "\n")
            where line.contains(".query(") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                offenders.append("\(file): \(line.trimmingCharacters(in: .whitespaces).prefix(100))")
            }
        }
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
    }

    @Test("no role library imports another role")
    func rolesAreIndependent() {
        for role in Self.roles {
            for file in Self.sources(under: "Services/\(role)") where !file.contains("/Main/") {
                let imports = Self.text(file).split(separator: "\n").filter { $0.hasPrefix("import ") }.map {
                    String($0.dropFirst(7))
                }
                #expect(Set(imports).isDisjoint(with: Self.roles), "\(file) imports \(imports)")
            }
        }
    }

    @Test("no controller calls another controller: shared views and builders are their own types")
    func controllersStandAlone() throws {
        let declaration = try NSRegularExpression(pattern: #"(?:struct|enum|final class|class) (\w+Controller)\b"#)
        var seen: Set<String> = []
        for role in Self.roles {
            let files = Self.sources(under: "Services/\(role)")
            var declaredIn: [String: String] = [:]
            for file in files {
                let text = Self.text(file)
                for match in declaration.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    declaredIn[String(text[Range(match.range(at: 1), in: text)!])] = file
                }
            }
            for file in files where !file.hasSuffix("Service.swift") && !file.contains("/Main/") {
                let text = Self.text(file)
                for (controller, home) in declaredIn
                where home != file && text.range(of: #"\b\#(controller)\b"#, options: .regularExpression) != nil {
                    let use = "\(file) uses \(controller)"
                    seen.insert(use)
                    if !Self.controllerUsesToUndo.contains(use) { Issue.record("\(use) (declared in \(home))") }
                }
            }
        }
        for undone in Self.controllerUsesToUndo.subtracting(seen) {
            Issue.record("\(undone) is gone: take it off controllerUsesToUndo")
        }
    }

    static let markup = try! NSRegularExpression(
        pattern: #"<(html|body|table|thead|tbody|tr|td|th|div|section|svg|rect|ul|li|p|h1|h2|form|input|a href)\b"#)

    @Test("no HTML is built in Swift: pages are Mustache templates the engine escapes")
    func noHandBuiltMarkup() {
        var offenders: [String] = []
        for file in Self.sources(under: "Services") + Self.sources(under: "Shared") {
            for line in Self.text(file).split(separator: "\n").map(String.init) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.hasPrefix("//"),
                    Self.markup.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
                else { continue }
                offenders.append("\(file): \(trimmed.prefix(100))")
            }
        }
        #expect(
            offenders.isEmpty,
            "HTML in Swift sources (\(offenders.count) lines):\n\(offenders.prefix(30).joined(separator: "\n"))")
    }
}
