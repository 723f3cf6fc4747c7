import Foundation

/// Token buckets per credential: `ratePerMinute` calls a minute, bursts up to that many.
/// Per process; with several provisioning instances each grants its own share.
actor RateLimiter {
    struct Decision: Sendable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Seconds until the next call is allowed (when refused) or the bucket is full.
        var retryAfter: Int
    }

    private var buckets: [String: (tokens: Double, at: Date)] = [:]

    func take(_ key: String, ratePerMinute: Int, now: Date = Date()) -> Decision {
        let capacity = Double(max(ratePerMinute, 1))
        let perSecond = capacity / 60
        var bucket = buckets[key] ?? (capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + now.timeIntervalSince(bucket.at) * perSecond)
        bucket.at = now
        guard bucket.tokens >= 1 else {
            buckets[key] = bucket
            return Decision(
                allowed: false, limit: ratePerMinute, remaining: 0,
                retryAfter: Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
        bucket.tokens -= 1
        buckets[key] = bucket
        return Decision(
            allowed: true, limit: ratePerMinute, remaining: Int(bucket.tokens),
            retryAfter: Int(((capacity - bucket.tokens) / perSecond).rounded(.up)))
    }
}
