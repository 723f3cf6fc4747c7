import Logging
import PostgresNIO

extension DatabaseConfiguration {
    /// Creates the pooled client; run it in the service group before anything queries.
    public func makeClient(logger: Logger) -> PostgresClient {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password.isEmpty ? nil : password,
            database: database, tls: .disable
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectionIdleTimeout = .seconds(60)
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }
}

extension DatabaseConfiguration {
    /// Settings for one connection of its own (not pooled), with a short connect timeout.
    var directConnection: PostgresConnection.Configuration {
        var direct = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password.isEmpty ? nil : password, database: database,
            tls: .disable
        )
        direct.options.connectTimeout = .seconds(2)
        return direct
    }

    /// Why PostgreSQL cannot be used, from a connection attempt of its own (nil: it can). The pool
    /// keeps a query waiting while it cannot connect, so a caller that timed out asks this for the
    /// cause (connection refused, the database missing, authentication failed, starting up …).
    /// The text is the error's full description; it names neither the password nor bound values.
    public func unreachableCause(logger: Logger) async -> String? {
        let direct = directConnection
        do {
            let connection = try await withDeadline(.seconds(3)) {
                try await PostgresConnection.connect(configuration: direct, id: 0, logger: logger)
            }
            try? await connection.close()
            return nil
        } catch {
            return String(reflecting: error)
        }
    }
}

/// PostgreSQL could not be used; `cause` is what a connection attempt of its own answered.
public struct DatabaseUnavailable: Error, CustomStringConvertible {
    /// `host:port/database`.
    public var endpoint: String
    /// Why it cannot be used.
    public var cause: String
    /// PostgreSQL of `configuration` is unusable because of `cause`.
    public init(_ configuration: DatabaseConfiguration, cause: String) {
        endpoint = "\(configuration.host):\(configuration.port)/\(configuration.database)"
        self.cause = cause
    }
    /// The endpoint and the cause, in one sentence.
    public var description: String { "PostgreSQL at \(endpoint) cannot be used: \(cause)" }
}

/// Whether a database error is worth retrying (connection lost, server restarting) or permanent.
public enum DatabaseFailure {
    /// True for errors that a retry cannot fix: data exceptions (22…) and integrity violations (23…).
    public static func isPermanent(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server,
            let state = error.serverInfo?[.sqlState]
        else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }

    /// True when PostgreSQL cannot be reached or is restarting (connection refused or lost, the
    /// server shutting down or not yet accepting connections): the caller may retry shortly.
    public static func isConnectionProblem(_ error: any Error) -> Bool {
        if error is ConnectionClosedByServer { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection, .poolClosed:
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P")
        default: return false
        }
    }
}

/// A validated SQL identifier for the schema a service owns (constants only, never user input).
public struct SchemaName: Sendable, Hashable, CustomStringConvertible {
    /// The identifier.
    public let rawValue: String

    /// Accepts lower-case letters, digits and underscores only.
    public init(_ rawValue: String) {
        precondition(
            !rawValue.isEmpty && rawValue.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") },
            "schema names are fixed lower-case identifiers")
        self.rawValue = rawValue
    }

    /// The identifier.
    public var description: String { rawValue }
}

extension PostgresClient {
    /// Runs `body` in one transaction; rethrows the closure's own error (not PostgresNIO's wrapper),
    /// so typed errors such as `APIError` or `EventRejected` reach their handlers.
    public func inTransaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.beginError ?? error.commitError ?? error
        }
    }
}

extension PostgresClient {
    /// One transaction (BEGIN … COMMIT) on a leased connection, for work that waits on something
    /// else in the middle (the outbox relay waits for the broker): when PostgreSQL closed the
    /// connection meanwhile, no further statement is sent on it — not even ROLLBACK, which the
    /// server did already by closing — because a query on a connection the server closed while
    /// it was idle does not always answer. The closed connection goes back to the pool, which
    /// replaces it.
    public func inTransactionUnlessClosed<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                guard !connection.isClosed else { throw ConnectionClosedByServer() }
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
                throw error
            }
        }
    }
}

/// PostgreSQL closed a connection in the middle of a transaction (a restart, say): nothing of the
/// transaction was committed; the caller starts again on a new connection.
public struct ConnectionClosedByServer: Error, CustomStringConvertible {
    /// The server closed the connection.
    public init() {}
    /// What happened, in one sentence.
    public var description: String { "PostgreSQL closed the connection during the transaction; nothing was committed" }
}

extension PostgresConnection {
    /// Makes every statement of the current transaction see the same snapshot (call it first).
    public func repeatableRead(logger: Logger) async throws {
        try await query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
    }
}
