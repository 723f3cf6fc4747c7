import Foundation
import Testing

/// The real local stack (PostgreSQL + tansu broker + the five services), started once for the
/// integration suite through `deploy/local/stack.sh` on its own ports and data folder, so it
/// runs beside a `make run` stack.
enum LocalStack {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let postgresPort = 55439
    static let brokerPort = 19092
    static let portBase = 18080
    static var brokers: String { "127.0.0.1:\(brokerPort)" }

    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["JEMBATAN_LOCAL_DIR"] = root.appendingPathComponent(".local/test-stack").path
        environment["JEMBATAN_POSTGRES_PORT"] = String(postgresPort)
        environment["JEMBATAN_BROKER_PORT"] = String(brokerPort)
        environment["JEMBATAN_PORT_BASE"] = String(portBase)
        environment["JEMBATAN_FRESH"] = "1"
        return environment
    }

    static func port(of service: String) -> Int {
        portBase + ["intake", "evaluation", "provisioning", "validation", "reporting"].firstIndex(of: service)! + 1
    }

    /// Runs `stack.sh <arguments>` (through `system(3)` on its own thread); throws with its output when it fails.
    @discardableResult
    static func script(_ arguments: String...) async throws -> String {
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("jembatan-stack-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: logURL) }
        let settings = environment.filter { $0.key.hasPrefix("JEMBATAN_") }.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        let command = "env \(settings) /bin/bash '\(root.appendingPathComponent("deploy/local/stack.sh").path)' \(arguments.joined(separator: " ")) >'\(logURL.path)' 2>&1 </dev/null"
        let status: Int32 = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: system(command)) }
            thread.start()
        }
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        guard status == 0 else { throw StackError(command: arguments.joined(separator: " "), output: text) }
        return text
    }

    /// The hub checks region codes against the Kemendagri list: the tests load a sample of it
    /// (Jawa Timur, Pasuruan and Sidoarjo) through the same API operators use.
    static func loadRegionCodes() async throws {
        let file = root.appendingPathComponent("Tests/IntegrationTests/Fixtures/wilayah-sample.csv")
        let reply = try await ServiceHTTP.call("PUT", "provisioning", "/v1/reference/wilayah", token: try await Actors.technical,
                                               rawBody: try Data(contentsOf: file), contentType: "text/csv")
        guard reply.status == 200 else { throw StackError(command: "load region codes", output: reply.text) }
    }

    struct StackError: Error, CustomStringConvertible {
        let command: String
        let output: String
        var description: String { "stack.sh \(command) failed:\n\(output)" }
    }
}

/// Starts the stack before the suite and stops it after.
struct LocalStackTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await LocalStack.script("up")
        do {
            try await LocalStack.loadRegionCodes()
            try await function()
        } catch {
            _ = try? await LocalStack.script("down")
            throw error
        }
        try await LocalStack.script("down")
    }
}

extension Trait where Self == LocalStackTrait {
    /// The suite runs against the real local stack.
    static var localStack: LocalStackTrait { LocalStackTrait() }
}
