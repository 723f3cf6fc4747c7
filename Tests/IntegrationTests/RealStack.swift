import Testing

/// Every integration suite runs inside this one: the real stack (PostgreSQL, tansu broker, the
/// five services) is started once, and the suites run one after another against it.
@Suite("Real local stack", .serialized, .localStack, .timeLimit(.minutes(10)))
struct RealStack {}
