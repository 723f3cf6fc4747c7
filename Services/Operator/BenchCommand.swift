import ArgumentParser
import Foundation
import JembatanClient
import JembatanShared
import Logging
import PostgresNIO

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `jembatan bench ingest`: the exchange API's push and read throughput next to what PostgreSQL
/// does with the same rows in the same run (`COPY` into a plain table; the same keyset pages in
/// raw SQL). Run by `make bench-ingest` against a release-built stack of its own.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks against the physical limits of the same machine.",
        subcommands: [Ingest.self, PipelineBench.self])

    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Push N records through the exchange API (CSV, streamed) and read them back with cursor pages; compare with COPY and raw SQL."
        )

        @Option(help: "Records to push.")
        var records = 1_000_000

        @Option(help: "Port of the intake service; the others follow (+1 … +4).")
        var intakePort = ServiceName.intake.defaultPort

        @Option(help: "Kemendagri region list to load (CSV code,label).")
        var referenceFile: String

        @Option(help: "File to append the results to (Markdown).")
        var output: String?

        @Option(help: "pid of the provisioning process (peak memory is read from /proc).")
        var provisioningPid: Int32

        @Option(help: "pid of the validation process.")
        var validationPid: Int32

        func run() async throws {
            let configuration = try loadConfiguration()
            let logger = quietLogger()
            let client = ServiceClient(host: "127.0.0.1", intakePort: intakePort, timeout: 120)
            let suffix = String(UUID().uuidString.lowercased().prefix(6))
            let tokens = try await withAccountAdministration { administration in
                var tokens: [String: String] = [:]
                for (name, role, agency) in [
                    ("bench-producer", Role.producer, "35.14-dinkes" as String?), ("bench-head", .head, nil),
                    ("bench-technical", .technical, nil),
                    ("bench-consumer", .consumer, "35.14-bappeda"),
                ] {
                    tokens[name] = try await administration.create(
                        name: "\(name)-\(suffix)", role: role, agencyCode: agency, validFor: .seconds(86_400),
                        createdBy: "jembatan bench"
                    ).text
                }
                return tokens
            }
            let technical = tokens["bench-technical"]!
            let producer = tokens["bench-producer"]!
            let regions = try loadRegions(referenceFile)
            let lists = try await client.send("GET", .provisioning, "/v1/reference", token: technical)
            if !(lists["lists"] as? [[String: Any]] ?? []).contains(where: {
                $0["referenceSet"] as? String == "wilayah"
            }) {
                _ = try await ReferenceUpload.put(
                    set: "wilayah", file: URL(fileURLWithPath: referenceFile), token: technical,
                    baseURL: client.url(.provisioning, "").absoluteString)
            }
            say("preparing: request → disposition → agreed contract → integration test → keys")
            let submitted = try await client.send(
                "POST", .intake, "/v1/requests", token: producer, json: BenchData.submission(suffix: suffix))
            let requestId = try (submitted["requestId"] as? String).orThrow("no request id")
            _ = try await client.send(
                "POST", .intake, "/v1/requests/\(requestId)/disposition", token: tokens["bench-head"]!,
                json: ["note": "bench"])
            _ = try await client.waitFor(.evaluation, "/v1/requests/\(requestId)/review", token: technical) {
                $0["state"] as? String == "awaiting_decision"
            }
            _ = try await client.send(
                "POST", .evaluation, "/v1/requests/\(requestId)/decision", token: technical, json: ["decision": "agree"]
            )
            let endpoints = try await client.waitFor(
                .provisioning, "/v1/requests/\(requestId)/endpoints", token: technical
            ) { !(($0["integrationTests"] as? [Any]) ?? []).isEmpty }
            let datasetId = try ((endpoints["endpoints"] as? [[String: Any]])?.first?["datasetId"] as? String).orThrow(
                "no dataset")
            let writeKey = try await client.collectKey(requestId: requestId, scope: "write", token: producer)
            let readKey = try await client.collectKey(
                requestId: requestId, scope: "read", token: tokens["bench-consumer"]!)

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("jembatan-bench-\(suffix).csv")
            defer { try? FileManager.default.removeItem(at: file) }
            let bytes = try BenchData.writeCSV(records: records, regions: regions, to: file)
            say("generated \(records) records, \(bytes / 1_000_000) MB of CSV")

            // 1. The exchange API: streamed CSV, validated, staged with COPY, upserted.
            let rssBefore = peakRSS(provisioningPid)
            let pushStart = ContinuousClock.now
            let pushed = try await client.upload(
                .provisioning, "/v1/datasets/\(datasetId)/records", token: writeKey, file: file,
                contentType: "text/csv", timeout: 3600)
            let pushSeconds = seconds(since: pushStart)
            guard pushed.status == 200, pushed.json["accepted"] as? Int == records else {
                throw ValidationError("push failed: \(pushed.text.prefix(500))")
            }
            let rssPeak = peakRSS(provisioningPid)
            // The push queued a validation run; let it finish so it does not share the CPU with what follows.
            _ = try await client.waitFor(.validation, "/v1/requests/\(requestId)/validation-runs", token: producer) {
                !(($0["runs"] as? [Any]) ?? []).isEmpty
            }

            // 2. The physical limit: COPY of the same file into a plain typed table, same database.
            let copySeconds = try await copyBaseline(file: file, configuration: configuration)

            // 3. Reads: full cursor scan over HTTP, then the same keyset pages in raw SQL.
            let readStart = ContinuousClock.now
            var cursor: String?
            var read = 0
            // The client only counts records (flat objects: one '{' each, plus the page's own) and takes
            // the cursor from the page's end, so its own JSON parsing does not compete with the server.
            repeat {
                let page = try await client.call(
                    "GET", .provisioning,
                    "/v1/datasets/\(datasetId)/records?limit=1000\(cursor.map { "&after=\($0)" } ?? "")", token: readKey
                ).data
                read += page.reduce(0) { $0 + ($1 == UInt8(ascii: "{") ? 1 : 0) } - 1
                let tail = String(decoding: page.suffix(200), as: UTF8.self)
                if let start = tail.range(of: "\"nextCursor\":\"") {
                    cursor = String(tail[start.upperBound...].prefix { $0 != "\"" })
                } else {
                    cursor = nil
                }
            } while cursor != nil
            let readSeconds = seconds(since: readStart)
            let table = "hub_\(requestId.prefix(8))_kunjungan_bench_\(suffix)_v1"
            let (rawRead, rawSeconds) = try await rawScan(table: table, configuration: configuration, logger: logger)
            guard read == records, rawRead == records else {
                throw ValidationError("read \(read) over HTTP and \(rawRead) in SQL, expected \(records)")
            }

            // 4. A validation run over every record, next to a plain count(*) scan of the same table.
            let validationBefore = peakRSS(validationPid)
            let runStart = ContinuousClock.now
            let run = try await client.send(
                "POST", .validation, "/v1/requests/\(requestId)/validation-runs", token: producer)
            let runSeconds = seconds(since: runStart)
            guard run["records"] as? Int == records else {
                throw ValidationError("the validation run saw \(run["records"] ?? "?") records")
            }
            let validationPeak = peakRSS(validationPid)
            let countSeconds = try await countScan(table: table, configuration: configuration, logger: logger)

            let checkCount = ((run["datasets"] as? [[String: Any]])?.first?["checks"] as? [Any])?.count ?? 0
            let pushRate = Double(records) / pushSeconds
            let copyRate = Double(records) / copySeconds
            let readRate = Double(records) / readSeconds
            let rawRate = Double(records) / rawSeconds
            let lines = [
                "| measure | Jembatan | physical limit (same run) | ratio | goal |",
                "|---|---|---|---|---|",
                "| ingest, \(records) records (\(bytes / 1_000_000) MB CSV) | \(format(pushRate)) records/s (\(format(pushSeconds, digits: 1)) s, HTTP + validation + upsert) | \(format(copyRate)) records/s (`COPY` into a plain table, \(format(copySeconds, digits: 1)) s) | \(format(pushRate / copyRate, digits: 2)) × | ≥ 0.5 × |",
                "| read, full cursor scan, pages of 1 000 | \(format(readRate)) records/s (\(format(readSeconds, digits: 1)) s over HTTP) | \(format(rawRate)) records/s (same keyset pages in SQL, \(format(rawSeconds, digits: 1)) s) | \(format(readRate / rawRate, digits: 2)) × | ≥ 0.5 × |",
                "| validation run (\(checkCount) checks) over \(records) records | \(format(runSeconds, digits: 2)) s (HTTP, one pass + examples) | \(format(countSeconds, digits: 2)) s (a plain SQL count of the same table) | \(format(countSeconds / runSeconds, digits: 2)) × (\(format(runSeconds / countSeconds, digits: 1)) × the scan's time) | |",
                "| validation peak RSS during the run | \(validationPeak / 1_048_576) MiB (before: \(validationBefore / 1_048_576) MiB) | | | bounded, not ∝ records |",
                "| provisioning peak RSS during ingest | \(rssPeak / 1_048_576) MiB (before: \(rssBefore / 1_048_576) MiB) | body: \(bytes / 1_048_576) MiB | | bounded, not ∝ body |",
            ]
            for line in lines { say(line) }
            if let output {
                let text =
                    "\n### Exchange ingest and read (\(ISO8601DateFormatter().string(from: Date())))\n\n"
                    + lines.joined(separator: "\n") + "\n"
                if let handle = FileHandle(forWritingAtPath: output) {
                    handle.seekToEndOfFile()
                    handle.write(Data(text.utf8))
                    try handle.close()
                } else {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: output))
                }
            }
        }

        func copyBaseline(file: URL, configuration: JembatanConfiguration) async throws -> Double {
            let database = configuration.database
            let table = "bench_copy_\(UUID().uuidString.prefix(8).lowercased())"
            let psql =
                "PGPASSWORD='\(database.password)' psql -q -h \(database.host) -p \(database.port) -U \(database.user) \(database.database) -v ON_ERROR_STOP=1"
            let statements = DatabaseInspection.CopyBaseline(table: table, file: file.path)
            try shell("\(psql) -c '\(statements.create)'")
            let start = ContinuousClock.now
            try shell("\(psql) -c \"\(statements.copy)\"")
            let elapsed = seconds(since: start)
            try shell("\(psql) -c '\(statements.drop)'")
            return elapsed
        }

        func rawScan(table: String, configuration: JembatanConfiguration, logger: Logger) async throws -> (Int, Double)
        {
            let client = configuration.database.makeClient(logger: logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                let start = ContinuousClock.now
                var last = ""
                var total = 0
                guard let table = SQLIdentifier(table) else { throw UnsafeIdentifier(text: table) }
                while true {
                    var count = 0
                    var body = ""
                    for (key, record) in try await DatabaseInspection.hubRecords(
                        of: table, after: last, limit: 1000, client: client, logger: logger)
                    {
                        count += 1
                        body += record
                        last = key
                    }
                    total += count
                    if count < 1000 { break }
                }
                return (total, seconds(since: start))
            }
        }

        func countScan(table: String, configuration: JembatanConfiguration, logger: Logger) async throws -> Double {
            let client = configuration.database.makeClient(logger: logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                let start = ContinuousClock.now
                guard let table = SQLIdentifier(table) else { throw UnsafeIdentifier(text: table) }
                _ = try await DatabaseInspection.hubRecordCount(of: table, client: client, logger: logger)
                return seconds(since: start)
            }
        }

        func loadRegions(_ path: String) throws -> [String] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
                let code = line.split(separator: ",").first.map(String.init) ?? ""
                return code.split(separator: ".").count == 4 ? code : nil
            }
        }

        func peakRSS(_ pid: Int32) -> Int {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
            else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }

        func seconds(since start: ContinuousClock.Instant) -> Double {
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }

        func format(_ value: Double, digits: Int = 0) -> String {
            digits == 0 ? String(Int(value.rounded())) : String(format: "%.\(digits)f", value)
        }

        func shell(_ command: String) throws {
            guard system(command) == 0 else { throw ValidationError("failed: \(command)") }
        }
    }
}

/// Realistic rows: a health-centre visit register (kunjungan puskesmas).
enum BenchData {
    static func submission(suffix: String) -> [String: Any] {
        [
            "title": "Benchmark: register kunjungan puskesmas",
            "purpose": "Mengukur throughput hub",
            "legalBasis": "Perpres 39/2019",
            "contactPerson": ["name": "Bench", "email": "bench@example.go.id"],
            "intendedConsumers": ["35.14-bappeda"],
            "datasets": [
                [
                    "name": "kunjungan_bench_\(suffix)",
                    "primaryKey": ["id_kunjungan"],
                    "classification": "internal",
                    "updateFrequency": "daily",
                    "fields": [
                        ["name": "id_kunjungan", "type": "string", "required": true, "pattern": "^K[0-9]{9}$"],
                        ["name": "kode_puskesmas", "type": "string", "required": true],
                        ["name": "kode_wilayah", "type": "region_code", "required": true],
                        ["name": "tanggal_kunjungan", "type": "date", "required": true],
                        [
                            "name": "jenis_layanan", "type": "string", "required": true,
                            "allowedValues": ["rawat_jalan", "rawat_inap", "gawat_darurat", "imunisasi", "kia"],
                        ],
                        ["name": "umur_pasien", "type": "integer", "required": true, "minimum": 0, "maximum": 120],
                        ["name": "jenis_kelamin", "type": "string", "required": true, "allowedValues": ["L", "P"]],
                        ["name": "biaya", "type": "decimal", "required": false, "minimum": 0],
                        ["name": "bpjs", "type": "boolean", "required": true],
                    ],
                ]
            ],
        ]
    }

    static func writeCSV(records: Int, regions: [String], to file: URL) throws -> Int {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var chunk =
            "id_kunjungan,kode_puskesmas,kode_wilayah,tanggal_kunjungan,jenis_layanan,umur_pasien,jenis_kelamin,biaya,bpjs\n"
        var total = 0
        let services = ["rawat_jalan", "rawat_inap", "gawat_darurat", "imunisasi", "kia"]
        var random = SystemRandomNumberGenerator()
        for index in 0..<records {
            let region = regions[Int.random(in: 0..<regions.count, using: &random)]
            let day = 1 + index % 28
            let month = 1 + index % 12
            chunk +=
                "K\(String(format: "%09d", index)),P\(region.prefix(5).replacingOccurrences(of: ".", with: ""))\(index % 40),\(region),2026-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day),"
            chunk +=
                "\(services[index % 5]),\(index % 100),\(index % 2 == 0 ? "L" : "P"),\(index % 3 == 0 ? "" : "\(index % 250).\(index % 100)"),\(index % 4 != 0)\n"
            if chunk.utf8.count > 1 << 20 {
                total += chunk.utf8.count
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        total += chunk.utf8.count
        handle.write(Data(chunk.utf8))
        return total
    }
}

extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let value = self else { throw ValidationError(message) }
        return value
    }
}
