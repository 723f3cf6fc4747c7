import Foundation
import Logging
import Synchronization
import Testing

@testable import JembatanShared

@Suite("Liveness building blocks", .serialized)  // the deadline-timer count is process-wide
struct LivenessUnitTests {
    @Test("an attempt that finishes leaves no deadline timer sleeping behind it")
    func deadlineTimersEnd() async throws {
        let before = DeadlineTimers.pending
        for value in 0..<200 {
            let result = try await withDeadline(.seconds(3600)) { value }
            #expect(result == value)
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while DeadlineTimers.pending > before, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(
            DeadlineTimers.pending == before,
            "\(DeadlineTimers.pending - before) timers of finished attempts still sleep")
    }

    @Test("an attempt past its limit is abandoned with AttemptTimedOut, even if it ignores cancellation")
    func deadlineAbandons() async throws {
        // The operation ignores cancellation and runs until the test releases it: the caller must
        // get AttemptTimedOut while the operation is still running (no clock in the assertion, so
        // a loaded machine cannot make it fail).
        let released = TestFlag()
        let ended = TestFlag()
        await #expect(throws: AttemptTimedOut.self) {
            try await withDeadline(.milliseconds(200)) {
                while !released.isSet { try? await Task.sleep(for: .milliseconds(10)) }
                ended.set()
                return 1
            }
        }
        #expect(!ended.isSet, "the caller was released before the stuck operation ended")
        released.set()
    }

    @Test(
        "a scheduled round that never returns is abandoned and the next round runs; a failing round is retried, not fatal"
    )
    func scheduleKeepsGoing() async {
        let released = TestFlag()
        let stuckEnded = TestFlag()
        let calls = Mutex(0)
        let gate = StartupGate()
        gate.open()
        let schedule = ScheduledWork(
            "test", every: .milliseconds(10), roundLimit: .milliseconds(200), gate: gate, logger: Logger(label: "test")
        ) {
            let call = calls.withLock {
                $0 += 1
                return $0
            }
            switch call {
            case 1:  // a statement on a closed connection: ignores cancellation, never answers
                // (waits in a task of its own, so the cancellation does not turn the wait into a spin)
                await Task.detached { while !released.isSet { try? await Task.sleep(for: .milliseconds(10)) } }.value
                stuckEnded.set()
            case 2: throw ConnectionClosedByServer()
            default: break
            }
        }
        #expect(await schedule.runOnce() == .abandoned)
        #expect(!stuckEnded.isSet, "the schedule went on while the stuck round still hung")
        #expect(await schedule.runOnce() == .failed)
        #expect(await schedule.runOnce() == .completed)
        released.set()
    }

    @Test("retry delays are jittered between half the ceiling and the ceiling, which doubles from 100 ms to 5 s")
    func backoffJitter() {
        #expect((1...8).map(Backoff.ceiling(attempt:)) == [100, 200, 400, 800, 1600, 3200, 5000, 5000])
        for attempt in 1...8 {
            let ceiling = Backoff.ceiling(attempt: attempt)
            let delays = (0..<200).map { _ in Backoff.delay(attempt: attempt) }
            #expect(delays.allSatisfy { $0 >= .milliseconds(ceiling / 2) && $0 <= .milliseconds(ceiling) })
            #expect(
                Set(delays).count > 1,
                "attempt \(attempt): delays differ (consumers that failed together do not retry in step)")
        }
    }

    @Test(
        "the consumers' timing chain: attempt limit < max.poll.interval.ms < watchdog bound; a configuration breaking it is refused"
    )
    func timingChain() throws {
        let configuration = try JembatanConfiguration(service: .intake, environment: [:])
        let timing = configuration.consumerTiming
        #expect(timing.attemptLimit < .milliseconds(configuration.kafka.maxPollIntervalMilliseconds))
        #expect(.milliseconds(configuration.kafka.maxPollIntervalMilliseconds) < timing.watchdogBound)
        // With the tests' short bound, a handle that replaced a member without LeaveGroup must still
        // outwait that member's session (6 s) plus the broker's initial join delay (3 s) before the
        // watchdog may judge it unsettled (a clean-clone CI run recreated it twice at 8 s).
        let short = try JembatanConfiguration(
            service: .provisioning,
            environment: ["JEMBATAN_KAFKA_MAX_POLL_INTERVAL_MS": "7000", "JEMBATAN_CONSUMER_WATCHDOG_SECONDS": "8"]
        ).consumerTiming
        #expect(short.unsettledBound(everSettled: false) > .seconds(6 + 3))
        #expect(short.unsettledBound(everSettled: true) == .seconds(8))
        #expect(throws: ConfigurationError.self) {
            try JembatanConfiguration(service: .intake, environment: ["JEMBATAN_CONSUMER_WATCHDOG_SECONDS": "15"])
        }
        #expect(throws: ConfigurationError.self) {
            try JembatanConfiguration(service: .intake, environment: ["JEMBATAN_TEST_CONSUMER_FAULT": "explode:now"])
        }
    }

    @Test("a member counts as settled only when steady, with partitions, fetching every one of them")
    func groupSettling() {
        let status = ConsumerGroupStatus()
        #expect(!status.snapshot.isSettled, "not settled before any assignment")
        let partitions = (0..<3).map { TopicPartition(topic: "t", partition: $0) }
        status.assigned(partitions, incremental: false)
        status.statistics(joinState: "steady", groupState: "up", fetching: partitions)
        #expect(status.snapshot.isSettled)
        // What the stress test found: steady, assigned, but committed offsets never fetched.
        status.statistics(joinState: "steady", groupState: "up", fetching: Array(partitions.prefix(1)))
        #expect(!status.snapshot.isSettled)
        status.statistics(joinState: "wait-join", groupState: "up", fetching: partitions)
        #expect(!status.snapshot.isSettled)
        status.statistics(joinState: "steady", groupState: "up", fetching: partitions)
        #expect(status.snapshot.isSettled)
        status.revoked(partitions, incremental: false)
        #expect(!status.snapshot.isSettled)
    }

    @Test(
        "a partition with records waiting whose position does not move is reported stuck; a moving one or a pause for a retry is not"
    )
    func stuckPartition() {
        let status = ConsumerGroupStatus()
        let place = TopicPartition(topic: "t", partition: 0)
        status.assigned([place], incremental: false)
        status.statistics(joinState: "steady", groupState: "up", fetching: [place], positions: [place: (5, 0)])
        #expect(status.snapshot.stuckSince == nil, "no records waiting")
        status.statistics(joinState: "steady", groupState: "up", fetching: [place], positions: [place: (5, 2)])
        let first = status.snapshot.stuckSince
        #expect(first != nil)
        status.statistics(joinState: "steady", groupState: "up", fetching: [place], positions: [place: (5, 2)])
        #expect(status.snapshot.stuckSince == first, "still the same position: stuck since the first sighting")
        status.statistics(joinState: "steady", groupState: "up", fetching: [place], positions: [place: (6, 1)])
        #expect(status.snapshot.stuckSince != first, "the position moved: measured afresh")
        status.pausedForRetry = true
        status.statistics(joinState: "steady", groupState: "up", fetching: [place], positions: [place: (6, 1)])
        #expect(status.snapshot.stuckSince == nil, "a pause for a retry is not a stuck fetch")
    }
}

/// A flag shared with a task.
final class TestFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
