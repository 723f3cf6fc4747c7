import Metrics

/// The workspace's notification counters on `/metrics`.
enum NotificationMetrics {
    /// Notifications written (one per person told).
    static let created = Counter(label: "jembatan_notifications_created_total")
    /// Mails the server took.
    static let mailsSent = Counter(label: "jembatan_mails_sent_total")
    /// Mail attempts that failed and will be tried again.
    static let mailsRetried = Counter(label: "jembatan_mails_retried_total")
    /// Mails given up (the server refused them for good).
    static let mailsFailed = Counter(label: "jembatan_mails_failed_total")
}
