import Synchronization

/// An attempt that did not finish in time (treated as transient: the caller retries).
public struct AttemptTimedOut: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "no result within \(limit); the attempt was cancelled" }
}

/// Runs `operation`, giving up after `limit`: the operation is then cancelled and the caller
/// gets `AttemptTimedOut` at once, even if the operation ignores cancellation for a while (a
/// database connection lost mid-query, say). An abandoned attempt that still commits later is
/// harmless where the effect is guarded by the inbox, as event handling is.
public func withDeadline<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let finished = Mutex(false)
    let claim: @Sendable () -> Bool = { finished.withLock { done in defer { done = true }; return !done } }
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let work = Task {
            do {
                let value = try await operation()
                if claim() { continuation.resume(returning: value) }
            } catch {
                if claim() { continuation.resume(throwing: error) }
            }
        }
        Task {
            try? await Task.sleep(for: limit)
            if claim() {
                work.cancel()
                continuation.resume(throwing: AttemptTimedOut(limit: limit))
            }
        }
    }
}
