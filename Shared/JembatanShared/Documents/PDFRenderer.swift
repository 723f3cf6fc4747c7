import Foundation

/// Prints an HTML page to PDF with headless Chromium (no network: the page has no external
/// resources). Reporting prints its reports with it; every role prints its signed documents.
public struct PDFRenderer: Sendable {
    /// The browser to run (`JEMBATAN_CHROMIUM`).
    public let chromium: String
    static let limit: TimeInterval = 60

    /// A renderer running `chromium`.
    public init(chromium: String) { self.chromium = chromium }

    /// The PDF of `html`.
    public func render(html: String) async throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jembatan-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("report.html")
        let pdf = folder.appendingPathComponent("report.pdf")
        try Data(html.utf8).write(to: page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            "--user-data-dir=\(folder.appendingPathComponent("profile").path)", "--print-to-pdf=\(pdf.path)",
            page.absoluteString,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.limit) {
                if process.isRunning { process.terminate() }
            }
        }
        guard status == 0, let data = try? Data(contentsOf: pdf), data.starts(with: Array("%PDF".utf8)) else {
            throw APIError(
                .serviceUnavailable, code: "renderer_unavailable",
                message:
                    "the PDF could not be printed ('\(chromium)' exited with \(status)); install Chromium or set JEMBATAN_CHROMIUM — the HTML report works without it"
            )
        }
        return data
    }
}
