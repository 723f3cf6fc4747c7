import Foundation

/// A QR code as a PNG, drawn by Debian's `qrencode` (the signed document's verification address,
/// printed beside the signature so anyone holding the paper or the file can check it).
public enum QRCode {
    /// The PNG of `text` (error correction M, 8 pixels a module, a 2-module margin).
    public static func png(_ text: String, executable: String = "qrencode") async throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable, "-t", "PNG", "-l", "M", "-m", "2", "-s", "8", "-o", "-", text]
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
        guard data.starts(with: [0x89, 0x50, 0x4E, 0x47]) else {
            throw APIError(
                .serviceUnavailable, code: "qrencode_unavailable",
                message: "the verification QR code could not be drawn: install qrencode (apt install qrencode)")
        }
        return data
    }
}
