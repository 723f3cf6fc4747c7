import Foundation
import Synchronization

/// What librdkafka last told a consumer about its group membership, from the rebalance and
/// statistics callbacks (both run inside the consumer's own poll).
public struct ConsumerGroupSnapshot: Sendable, Equatable {
    /// Partitions assigned to this member now.
    public var assigned: [TopicPartition] = []
    /// librdkafka's `cgrp.join_state` (`init`, `wait-join`, `wait-sync`, …, `steady`); `unknown` before the first statistics.
    public var joinState = "unknown"
    /// librdkafka's `cgrp.state` (`up` when the coordinator is known).
    public var groupState = "unknown"
    /// Assigned partitions whose fetcher is active (from the statistics; nil before the first).
    public var fetching: Int?
    /// Since when some assigned partition with records waiting (librdkafka's `consumer_lag` > 0)
    /// has not moved its position, while the consumer was not pausing for a retry (nil: none).
    public var stuckSince: ContinuousClock.Instant?
    /// Rebalances this member took part in.
    public var rebalances = 0
    /// Since when this member has not been a steady group member with partitions (nil: it is one).
    public var unsettledSince: ContinuousClock.Instant? = .now

    /// A steady member that owns at least one partition and fetches every partition it owns.
    public var isSettled: Bool { unsettledSince == nil }
}

/// The mutable side of ``ConsumerGroupSnapshot``, shared with librdkafka's callbacks.
final class ConsumerGroupStatus: Sendable {
    private struct State {
        var snapshot = ConsumerGroupSnapshot()
        var pausedForRetry = false
        /// Partitions this consumer paused and has not resumed yet.
        var paused: Set<TopicPartition> = []
        /// Per partition: the position last seen and since when it has not moved with records waiting.
        var waiting: [TopicPartition: (position: Int64, since: ContinuousClock.Instant)] = [:]
    }

    private let state = Mutex(State())

    var snapshot: ConsumerGroupSnapshot { state.withLock { $0.snapshot } }

    /// While set, newly assigned partitions are paused at once (a handler is retrying an event).
    var pausedForRetry: Bool {
        get { state.withLock { $0.pausedForRetry } }
        set {
            state.withLock { state in
                state.pausedForRetry = newValue
                // A pause is the application's choice, not a stuck fetch: measure afresh after it.
                state.waiting = [:]
                state.snapshot.stuckSince = nil
            }
        }
    }

    /// Remembers partitions the consumer paused.
    func notePaused(_ partitions: [TopicPartition]) {
        state.withLock { $0.paused.formUnion(partitions) }
    }

    /// Of `partitions`, those the consumer paused (now forgotten: the caller resumes them).
    func takePaused(_ partitions: [TopicPartition]) -> [TopicPartition] {
        state.withLock { state in
            let taken = state.paused.intersection(partitions)
            state.paused.subtract(taken)
            return taken.sorted()
        }
    }

    func assigned(_ partitions: [TopicPartition], incremental: Bool) {
        state.withLock { state in
            state.snapshot.rebalances += 1
            state.snapshot.assigned =
                incremental ? Array(Set(state.snapshot.assigned + partitions)).sorted() : partitions.sorted()
            Self.settle(&state.snapshot)
        }
    }

    func revoked(_ partitions: [TopicPartition], incremental: Bool) {
        state.withLock { state in
            let gone = Set(partitions)
            state.snapshot.assigned = incremental ? state.snapshot.assigned.filter { !gone.contains($0) } : []
            Self.settle(&state.snapshot)
        }
    }

    func statistics(
        joinState: String, groupState: String, fetching: [TopicPartition],
        positions: [TopicPartition: (position: Int64, lag: Int64)] = [:]
    ) {
        state.withLock { state in
            let now = ContinuousClock.now
            var waiting: [TopicPartition: (position: Int64, since: ContinuousClock.Instant)] = [:]
            if !state.pausedForRetry {
                for place in state.snapshot.assigned {
                    guard let seen = positions[place], seen.lag > 0 else { continue }
                    if let before = state.waiting[place], before.position == seen.position {
                        waiting[place] = before
                    } else {
                        waiting[place] = (seen.position, now)
                    }
                }
            }
            state.waiting = waiting
            state.snapshot.stuckSince = waiting.values.map(\.since).min()
            state.snapshot.joinState = joinState
            state.snapshot.groupState = groupState
            state.snapshot.fetching = Set(fetching).intersection(state.snapshot.assigned).count
            Self.settle(&state.snapshot)
        }
    }

    private static func settle(_ snapshot: inout ConsumerGroupSnapshot) {
        // Before the first statistics the join state is unknown: judge by the assignment alone.
        let steady = snapshot.joinState == "steady" || snapshot.joinState == "unknown"
        let fetchingAll = snapshot.fetching.map { $0 >= snapshot.assigned.count } ?? true
        if steady && !snapshot.assigned.isEmpty && fetchingAll {
            snapshot.unsettledSince = nil
        } else if snapshot.unsettledSince == nil {
            snapshot.unsettledSince = .now
        }
    }
}
