import Foundation
import Testing

@testable import JembatanShared

@Suite("CloudEvents envelope")
struct CloudEventCodecTests {
    let requestId = "2f94df6a-f69b-47e6-8c51-e11d4eea9668"

    func sampleEvent() -> RequestDispositioned {
        RequestDispositioned(
            requestId: requestId, note: "Mohon ditindaklanjuti",
            dispositionedBy: ActorReference(id: "kadis", role: .head),
            dispositionedAt: Date(timeIntervalSince1970: 1_790_000_000))
    }

    @Test("an encoded event is a structured CloudEvent 1.0 whose payload decodes back")
    func roundTrip() throws {
        let bytes = try CloudEventCodec.encode(sampleEvent(), id: "e-1", source: .intake, subject: requestId)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["specversion"] as? String == "1.0")
        #expect(object["source"] as? String == "/jembatan/intake")
        #expect(object["type"] as? String == "id.jembatan.request.dispositioned.v1")
        #expect(object["subject"] as? String == requestId)
        #expect(object["datacontenttype"] as? String == "application/json")
        let attributes = try CloudEventCodec.attributes(of: bytes, key: requestId).get()
        #expect(attributes.id == "e-1")
        #expect(attributes.type == .requestDispositioned)
        #expect(try CloudEventCodec.payload(RequestDispositioned.self, from: bytes) == sampleEvent())
    }

    @Test("unknown fields in the envelope and the payload are ignored")
    func unknownFieldsIgnored() throws {
        let json = """
            {"specversion":"1.0","id":"x","source":"/jembatan/intake","type":"id.jembatan.request.dispositioned.v1",
             "subject":"\(requestId)","time":"2026-11-22T00:00:00Z","extension":"yes",
             "data":{"requestId":"\(requestId)","note":"n","dispositionedBy":{"id":"k","role":"head","office":"x"},
                     "dispositionedAt":"2026-11-22T00:00:00Z","futureField":42}}
            """
        let bytes = Array(json.utf8)
        #expect(throws: Never.self) { try CloudEventCodec.attributes(of: bytes, key: requestId).get() }
        let payload = try CloudEventCodec.payload(RequestDispositioned.self, from: bytes)
        #expect(payload.note == "n")
    }

    @Test(
        "every kind of malformed record is named precisely",
        arguments: [
            (#"not json"#, "value is not a JSON object"),
            (#"[1,2]"#, "value is not a JSON object"),
            (#"{"hello":"world"}"#, "not a CloudEvent: missing or invalid attribute 'specversion'"),
            (#"{"specversion":"0.3","id":"1","source":"s","type":"t"}"#, "unsupported CloudEvents specversion '0.3'"),
            (#"{"specversion":"1.0","source":"s","type":"t"}"#, "not a CloudEvent: missing or invalid attribute 'id'"),
            (
                #"{"specversion":"1.0","id":"1","source":"s","type":"id.jembatan.something.else.v1","subject":"K"}"#,
                "unknown event type 'id.jembatan.something.else.v1'"
            ),
            (
                #"{"specversion":"1.0","id":"1","source":"s","type":"id.jembatan.request.submitted.v9","subject":"K"}"#,
                "unsupported version of event type 'id.jembatan.request.submitted.v9'"
            ),
            (
                #"{"specversion":"1.0","id":"1","source":"s","type":"id.jembatan.request.submitted.v1"}"#,
                "missing subject (request id)"
            ),
            (
                #"{"specversion":"1.0","id":"1","source":"s","type":"id.jembatan.request.submitted.v1","subject":"OTHER"}"#,
                "record key 'K' does not match subject 'OTHER'"
            ),
        ])
    func malformed(json: String, reason: String) {
        switch CloudEventCodec.attributes(of: Array(json.utf8), key: "K") {
        case .success: Issue.record("accepted a malformed record: \(json)")
        case .failure(let problem): #expect(problem.description == reason)
        }
    }

    @Test("invalid UTF-8, a missing key and an oversized record are refused")
    func byteLevelProblems() throws {
        let valid = try CloudEventCodec.encode(sampleEvent(), source: .intake, subject: requestId)
        #expect(CloudEventCodec.attributes(of: [0x7B, 0xFF, 0xFE, 0x7D], key: requestId) == .failure(.invalidUTF8))
        #expect(CloudEventCodec.attributes(of: valid, key: nil) == .failure(.missingKey))
        let huge = Array(repeating: UInt8(ascii: " "), count: 5 << 20)
        #expect(CloudEventCodec.attributes(of: huge, key: requestId) == .failure(.tooLarge(bytes: 5 << 20)))
    }

    @Test("a payload with wrong types names the field")
    func wrongPayloadTypes() throws {
        let json = """
            {"specversion":"1.0","id":"x","source":"/jembatan/intake","type":"id.jembatan.request.dispositioned.v1",
             "subject":"\(requestId)","time":"2026-11-22T00:00:00Z",
             "data":{"requestId":"\(requestId)","note":17,"dispositionedBy":{"id":"k","role":"head"},"dispositionedAt":"2026-11-22T00:00:00Z"}}
            """
        let message = KafkaMessage(
            topic: Topic.intake.rawValue, partition: 0, offset: 0, key: Array(requestId.utf8), value: Array(json.utf8),
            headers: [])
        let attributes = try CloudEventCodec.attributes(of: message.value, key: message.keyText).get()
        let event = ReceivedEvent(attributes: attributes, message: message)
        let error = try #require(throws: EventRejected.self) { try event.payload(RequestDispositioned.self) }
        #expect(error.reason.contains("note: expected a string"))
    }

    @Test("every event type is written to one writer's topic: a service's, or the operator's operations topic")
    func typesMapToTopics() {
        for type in EventType.allCases {
            #expect(type.rawValue.hasPrefix("id.jembatan."))
            #expect(type.rawValue.hasSuffix(".v1"))
            #expect(EventType.resolve(type.rawValue) == .known(type))
        }
        #expect(Set(EventType.allCases.map(\.topic)) == Set(ServiceName.allCases.map(\.topic) + [.operations]))
    }
}
