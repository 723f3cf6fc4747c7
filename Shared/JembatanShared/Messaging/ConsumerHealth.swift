import Foundation
import Metrics
import Synchronization

/// The timing of a consumer's safety nets, one chain (documented in docs/liveness.md):
/// handler attempt limit < `max.poll.interval.ms` < watchdog bound.
public struct ConsumerTiming: Sendable, Equatable {
    /// How long one attempt to apply an event may take before it is abandoned and retried.
    public var attemptLimit: Duration
    /// How long a consumer's loop may stand still, or the consumer stay out of its group with no
    /// partitions while the broker answers, before the watchdog recreates it.
    public var watchdogBound: Duration
    /// Added to the bound for a new handle that has not yet been a settled member: the member it
    /// replaced left without LeaveGroup, and the broker may keep it (even as the forming group's
    /// leader) until its session times out. One session timeout.
    public var firstJoinAllowance: Duration
    /// Recreations within ``livenessWindow`` after which `/livez` fails (recreation did not help).
    public var recreationsBeforeUnlive = 3

    /// The window in which recreations are counted for liveness.
    public var livenessWindow: Duration { watchdogBound * 5 }

    /// The chain for `kafka`: the attempt limit is 40 % of `max.poll.interval.ms` (at most 20 s).
    public init(kafka: KafkaConfiguration, watchdogSeconds: Int) {
        attemptLimit = min(.seconds(20), .milliseconds(kafka.maxPollIntervalMilliseconds * 2 / 5))
        watchdogBound = .seconds(watchdogSeconds)
        firstJoinAllowance = .milliseconds(kafka.sessionTimeoutMilliseconds)
    }

    /// How long a handle may stay unsettled: the bound, plus the first-join allowance until it has
    /// been a settled member once.
    public func unsettledBound(everSettled: Bool) -> Duration {
        everSettled ? watchdogBound : watchdogBound + firstJoinAllowance
    }
}

/// A fault a test asks a consumer to suffer (`JEMBATAN_TEST_CONSUMER_FAULT`; never set in production):
/// `stall-loop` (the loop stops turning) or `leave-group` (the member silently leaves its group after
/// its first assignment), each `:once` (first consumer of the process only) or `:always`.
public struct ConsumerFault: Sendable, Equatable {
    /// What the fault does.
    public enum Kind: String, Sendable {
        case stallLoop = "stall-loop"
        case leaveGroup = "leave-group"
    }
    /// The fault.
    public var kind: Kind
    /// Every consumer of the process (`:always`), or the first only (`:once`).
    public var always: Bool

    /// Parses `kind:once|always`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 2, let kind = Kind(rawValue: parts[0]), ["once", "always"].contains(parts[1]) else {
            return nil
        }
        self.kind = kind
        always = parts[1] == "always"
    }

    /// Whether consumer generation `generation` (1 = the first) suffers it.
    public func applies(to generation: Int) -> Bool { always || generation == 1 }
}

/// What `/livez` and `jembatan lag` show of one consumer.
public struct ConsumerHealthReport: Sendable, Codable, Equatable {
    /// The consumer's name.
    public var consumer: String
    /// 1 for the first consumer handle of the process, +1 per recreation.
    public var generation: Int
    /// Seconds since its poll loop last turned.
    public var secondsSinceLoopTurned: Double
    /// librdkafka's join state (`steady` when it has its partitions).
    public var joinState: String
    /// Partitions assigned to it.
    public var assignedPartitions: Int
    /// Assigned partitions whose fetcher runs (nil before librdkafka's first statistics).
    public var fetchingPartitions: Int?
    /// Times its watchdog replaced the handle.
    public var recreations: Int
    /// Replacements within the liveness window.
    public var recreationsInWindow: Int
    /// Why it was last replaced.
    public var lastRecreationReason: String?
    /// Whether `/livez` counts it as live.
    public var live: Bool
}

/// Every consumer of the process and its watchdog's findings; `/livez` reads it.
public final class ConsumerHealth: Sendable {
    private struct Entry {
        var generation = 0
        var lastTurn = ContinuousClock.now
        var group = ConsumerGroupSnapshot()
        var recreations: [ContinuousClock.Instant] = []
        var total = 0
        var lastReason: String?
    }

    private let entries = Mutex<[String: Entry]>([:])
    let timing: ConsumerTiming

    /// Creates the registry for consumers with `timing`.
    public init(timing: ConsumerTiming) { self.timing = timing }

    func started(_ consumer: String, generation: Int) {
        entries.withLock {
            $0[consumer, default: Entry()].generation = generation
            $0[consumer]?.lastTurn = .now
        }
    }

    func observed(_ consumer: String, lastTurn: ContinuousClock.Instant, group: ConsumerGroupSnapshot) {
        entries.withLock {
            $0[consumer]?.lastTurn = lastTurn
            $0[consumer]?.group = group
        }
        Gauge(label: "jembatan_consumer_loop_age_seconds", dimensions: [("consumer", consumer)])
            .record((ContinuousClock.now - lastTurn).seconds)
        Gauge(label: "jembatan_consumer_assigned_partitions", dimensions: [("consumer", consumer)]).record(
            group.assigned.count)
    }

    func recreated(_ consumer: String, reason: String) {
        entries.withLock { entries in
            entries[consumer, default: Entry()].recreations.append(.now)
            entries[consumer]?.total += 1
            entries[consumer]?.lastReason = reason
        }
        Counter(label: "jembatan_consumer_recreations_total", dimensions: [("consumer", consumer)]).increment()
    }

    /// One report per consumer, sorted by name.
    public func reports() -> [ConsumerHealthReport] {
        let now = ContinuousClock.now
        let window = timing.livenessWindow
        return entries.withLock { entries in
            entries.map { name, entry in
                let recent = entry.recreations.filter { now - $0 < window }.count
                return ConsumerHealthReport(
                    consumer: name, generation: entry.generation,
                    secondsSinceLoopTurned: ((now - entry.lastTurn).seconds * 10).rounded() / 10,
                    joinState: entry.group.joinState, assignedPartitions: entry.group.assigned.count,
                    fetchingPartitions: entry.group.fetching,
                    recreations: entry.total, recreationsInWindow: recent, lastRecreationReason: entry.lastReason,
                    live: recent < timing.recreationsBeforeUnlive
                )
            }.sorted { $0.consumer < $1.consumer }
        }
    }

    /// False when some consumer was recreated K times within the window without recovering.
    public var isLive: Bool { reports().allSatisfy(\.live) }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
