import Logging
import PostgresNIO
import Synchronization

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
    /// Runs `body` in one transaction; rethrows the closure's own error (not a wrapper), so typed
    /// errors such as `APIError` or `EventRejected` reach their handlers. BEGIN, COMMIT and ROLLBACK
    /// go through ``PostgresConnection/queryUnlessClosed(_:logger:)``: a connection PostgreSQL
    /// closed while it sat in the pool fails the transaction at once instead of hanging it.
    public func inTransaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await inTransactionUnlessClosed(logger: logger, body)
    }

    /// One transaction (BEGIN … COMMIT) on a leased connection, for work that waits on something
    /// else in the middle (the outbox relay waits for the broker): when PostgreSQL closed the
    /// connection meanwhile, no further statement is sent on it — not even ROLLBACK, which the
    /// server did already by closing. The closed connection goes back to the pool, which replaces it.
    public func inTransactionUnlessClosed<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try await connection.queryUnlessClosed("BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.queryUnlessClosed("COMMIT", logger: logger)
                return result
            } catch {
                if !connection.isClosed { _ = try? await connection.queryUnlessClosed("ROLLBACK", logger: logger) }
                throw error
            }
        }
    }
}

extension PostgresClient {
    /// Runs `query` on a pooled connection and reads its rows whole before the connection goes
    /// back (the pool's own `query` waits forever when it leases a connection PostgreSQL closed a
    /// moment before, and keeps that lease; see ``PostgresConnection/queryUnlessClosed(_:logger:file:line:)``).
    /// For the small answers of a request or an event; stream a large one on a connection of its own.
    @discardableResult
    public func queryUnlessClosed(
        _ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line
    ) async throws -> CollectedRows {
        try await withConnection { connection in
            let rows = try await connection.queryUnlessClosed(query, logger: logger, file: file, line: line)
            return CollectedRows(rows: try await rows.collect())
        }
    }
}

/// The rows of a query, read whole; decoded like PostgresNIO's row sequence (`rows.decode(…)`).
public struct CollectedRows: AsyncSequence, Sendable {
    /// A row.
    public typealias Element = PostgresRow
    /// The rows in the order the server sent them.
    public let rows: [PostgresRow]

    /// Iterates the rows.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: IndexingIterator<[PostgresRow]>
        /// The next row, or nil after the last.
        public mutating func next() async throws -> PostgresRow? { base.next() }
    }

    /// An iterator over the rows.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: rows.makeIterator()) }
}

extension PostgresConnection {
    /// Runs `query`, or fails with ``ConnectionClosedByServer`` once the connection is closed with
    /// no answer. PostgresNIO (1.33) writes a query into the channel without a promise for the
    /// write: on a connection that closed while idle (PostgreSQL restarted; the pool has not yet
    /// noticed) the write fails, nobody is told, and the caller would wait forever. A watcher looks
    /// at the connection every 100 ms; an answer already on its way gets 200 ms more. A query lost
    /// that way leaves its waiting task behind (one per loss; losses come with restarts only).
    @discardableResult
    public func queryUnlessClosed(
        _ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line
    ) async throws -> PostgresRowSequence {
        guard !isClosed else { throw ConnectionClosedByServer() }
        let finished = Mutex(false)
        let claim: @Sendable () -> Bool = {
            finished.withLock { done in
                defer { done = true }
                return !done
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let watcher = Task {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: .milliseconds(100)) } catch { return }
                    guard isClosed else { continue }
                    do { try await Task.sleep(for: .milliseconds(200)) } catch { return }
                    if claim() { continuation.resume(throwing: ConnectionClosedByServer()) }
                    return
                }
            }
            Task {
                defer { watcher.cancel() }
                do {
                    let rows = try await self.query(query, logger: logger, file: file, line: line)
                    if claim() { continuation.resume(returning: rows) }
                } catch {
                    if claim() { continuation.resume(throwing: error) }
                }
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
