import Synchronization

/// An attempt that did not finish in time (treated as transient: the caller retries).
public struct AttemptTimedOut: Error, CustomStringConvertible {
    /// The limit that passed.
    public let limit: Duration
    /// The limit, in one sentence.
    public var description: String { "no result within \(limit); the attempt was cancelled" }
}

/// Timers of ``withDeadline(_:_:)`` still sleeping: each ends when its attempt does, so after the
/// attempts are done this is 0 again (a unit test holds it to that).
public enum DeadlineTimers {
    static let live = Atomic<Int>(0)
    /// How many deadline timers are sleeping now.
    public static var pending: Int { live.load(ordering: .relaxed) }
}

/// Runs `operation`, giving up after `limit`: the operation is then cancelled and the caller
/// gets `AttemptTimedOut` at once, even if the operation ignores cancellation for a while (a
/// database connection lost mid-query, say). An abandoned attempt that still commits later is
/// harmless where the effect is guarded by the inbox, as event handling is. When the operation
/// finishes first, its timer is cancelled with it; cancelling the caller cancels the operation.
public func withDeadline<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T)
    async throws -> T
{
    let finished = Mutex(false)
    let claim: @Sendable () -> Bool = {
        finished.withLock { done in
            defer { done = true }
            return !done
        }
    }
    let work = AttemptTask()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            DeadlineTimers.live.add(1, ordering: .relaxed)
            let timer = Task {
                defer { DeadlineTimers.live.subtract(1, ordering: .relaxed) }
                do { try await Task.sleep(for: limit) } catch { return }  // the attempt ended first
                if claim() {
                    work.task.withLock { $0 }?.cancel()
                    continuation.resume(throwing: AttemptTimedOut(limit: limit))
                }
            }
            let task = Task {
                defer { timer.cancel() }
                do {
                    let value = try await operation()
                    if claim() { continuation.resume(returning: value) }
                } catch {
                    if claim() { continuation.resume(throwing: error) }
                }
            }
            work.task.withLock { $0 = task }
        }
    } onCancel: {
        work.task.withLock { $0 }?.cancel()
    }
}

/// The running attempt of ``withDeadline(_:_:)``, shared with its timer and the cancellation handler.
private final class AttemptTask: Sendable {
    let task = Mutex<Task<Void, Never>?>(nil)
}
