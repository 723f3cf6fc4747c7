import Foundation
import Logging
import Synchronization
import Testing

@testable import JembatanShared

@Suite("Observability building blocks")
struct ObservabilityUnitTests {
    @Test(
        "a JSON log line is one valid JSON object with the fixed fields first and the metadata as fields, whatever the text holds"
    )
    func jsonLine() throws {
        let message = "kutipan \"Dinkes\"\nbaris dua\t\\ \u{1}"
        let line = JSONLogHandler.line(
            date: Date(timeIntervalSince1970: 1_796_000_000.25), level: .warning, label: "jembatan-intake",
            message: message,
            metadata: [
                "http.request.id": "abc", "count": .stringConvertible(3), "nested": ["a": "b"], "level": "overwritten?",
            ]
        )
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1, "one line")
        #expect(line.hasPrefix("{\"ts\":\"2026-11-30T"), "\(line)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == message)
        #expect(object["level"] as? String == "warning", "metadata never overwrites the fixed fields")
        #expect(object["logger"] as? String == "jembatan-intake")
        #expect(object["http.request.id"] as? String == "abc")
        #expect(object["count"] as? String == "3")
        #expect((object["nested"] as? [String: Any])?["a"] as? String == "b")
        #expect((object["ts"] as? String)?.hasSuffix(".250Z") == true, "\(object["ts"] ?? "")")
    }

    @Test(
        "the handler writes what is logged through a Logger, with the logger's metadata and an attached error's full description"
    )
    func handlerWrites() throws {
        let lines = LockedLines()
        var logger = Logger(label: "jembatan-test") { label in
            var handler = JSONLogHandler(label: label, output: JSONLineOutput { lines.append($0) })
            handler.logLevel = .info
            return handler
        }
        logger[metadataKey: LogKey.httpRequestID] = "req-1"
        logger.debug("not written")
        logger.info("written", metadata: ["extra": "x"])
        let written = lines.all
        #expect(written.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(
            object["http.request.id"] as? String == "req-1" && object["extra"] as? String == "x"
                && object["message"] as? String == "written")
    }

    @Test("a Prometheus exposition parses into types and samples with their labels (escaped quotes included)")
    func prometheusText() {
        let text = """
            # TYPE jembatan_consumer_lag gauge
            jembatan_consumer_lag{group="jembatan-provisioning",topic="jembatan.evaluation.v1",partition="0"} 3
            jembatan_consumer_lag{group="jembatan-provisioning",topic="jembatan.evaluation.v1",partition="1"} 4
            # TYPE jembatan_http_requests_total counter
            jembatan_http_requests_total{method="GET",route="/v1/requests/{id}",status="200"} 12
            # TYPE jembatan_broker_degraded gauge
            jembatan_broker_degraded 0
            odd_line{label="a \\"quoted\\" value"} 1.5
            """
        let parsed = PrometheusText(text)
        #expect(
            parsed.types == [
                "jembatan_consumer_lag": "gauge", "jembatan_http_requests_total": "counter",
                "jembatan_broker_degraded": "gauge",
            ])
        #expect(parsed.sum("jembatan_consumer_lag", where: ["group": "jembatan-provisioning"]) == 7)
        #expect(parsed.sum("jembatan_consumer_lag", where: ["group": "jembatan-intake"]) == nil)
        #expect(parsed.values("jembatan_http_requests_total").first?.labels["route"] == "/v1/requests/{id}")
        #expect(parsed.sum("jembatan_broker_degraded") == 0)
        #expect(parsed.values("odd_line").first?.labels["label"] == "a \"quoted\" value")
    }

    @Test("connection problems are told apart from errors a retry cannot fix")
    func connectionProblems() {
        #expect(DatabaseFailure.isConnectionProblem(ConnectionClosedByServer()))
        #expect(!DatabaseFailure.isConnectionProblem(CancellationError()))
    }
}

final class LockedLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
