import JembatanShared
import Testing

@testable import Intake

@Suite("Intake's routes and its OpenAPI document")
struct IntakeRouteParityTests {
    @Test("every route the service serves is in its /openapi.json with the same method, and nothing else is")
    func parity() throws {
        let registered = try RouteParity.registered(IntakeService.definition)
        let documented = try RouteParity.documented(IntakeService.definition)
        #expect(!registered.isEmpty)
        #expect(
            registered.subtracting(documented).isEmpty,
            "served but not documented: \(registered.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(registered).isEmpty,
            "documented but not served: \(documented.subtracting(registered).sorted())")
    }
}
