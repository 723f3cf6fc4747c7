import Foundation

/// A QR code as inline SVG, drawn by Debian's `qrencode` (the signed document's verification
/// address, printed beside the signature so anyone holding the paper or the file can check it).
public enum QRCode {
    /// The SVG of `text`, without the XML declaration, ready to inline in a page.
    public static func svg(_ text: String, executable: String = "qrencode") async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable, "-t", "SVG", "-l", "M", "-m", "2", "-s", "4", "--svg-path", "-o", "-", text]
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let data: Data = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                do {
                    try process.run()
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: process.terminationStatus == 0 ? data : Data())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let start = text.range(of: "<svg") else {
            throw APIError(
                .serviceUnavailable, code: "qrencode_unavailable",
                message: "the verification QR code could not be drawn: install qrencode (apt install qrencode)")
        }
        return String(text[start.lowerBound...])
    }
}
