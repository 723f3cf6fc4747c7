import Dispatch
import Foundation
import Synchronization

/// A small, fixed set of dedicated threads for blocking C calls such as `curl_easy_perform`.
///
/// Work submitted through ``run(_:)`` never occupies a thread of Swift's cooperative pool: the
/// calling task suspends on a continuation that a pool thread resumes. Jobs run in FIFO order;
/// at most `threadCount` run at once, the rest wait in the queue.
final class BlockingThreadPool: Sendable {
    typealias Job = @Sendable () -> Void

    /// The pool used for SMTP sends (two threads: sends are short and rare).
    static let mail = BlockingThreadPool(threadCount: 2, name: "mailer-smtp")

    private let queue = Mutex<[Job]>([])
    private let pending = DispatchSemaphore(value: 0)

    /// Starts `threadCount` threads that live as long as the process.
    init(threadCount: Int, name: String) {
        for index in 0..<max(1, threadCount) {
            let thread = Thread { [self] in self.workLoop() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Runs `body` on a pool thread and returns its result to the suspended caller.
    func run<Success: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> Success
    ) async throws(Failure) -> Success {
        let result: Result<Success, Failure> = await withCheckedContinuation { continuation in
            submit {
                continuation.resume(returning: Result { () throws(Failure) -> Success in try body() })
            }
        }
        return try result.get()
    }

    private func submit(_ job: @escaping Job) {
        queue.withLock { $0.append(job) }
        pending.signal()
    }

    private func workLoop() -> Never {
        while true {
            pending.wait()
            let job = queue.withLock { jobs in jobs.isEmpty ? nil : jobs.removeFirst() }
            job?()
        }
    }
}
