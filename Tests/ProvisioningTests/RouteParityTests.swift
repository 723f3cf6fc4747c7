import JembatanShared
import Testing

@testable import Provisioning

@Suite("Provisioning's routes and its OpenAPI document")
struct ProvisioningRouteParityTests {
    @Test("every route the service serves is in its /openapi.json with the same method, and nothing else is")
    func parity() throws {
        let registered = try RouteParity.registered(ProvisioningService.definition)
        let documented = try RouteParity.documented(ProvisioningService.definition)
        #expect(!registered.isEmpty)
        #expect(
            registered.subtracting(documented).isEmpty,
            "served but not documented: \(registered.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(registered).isEmpty,
            "documented but not served: \(documented.subtracting(registered).sorted())")
    }
}
