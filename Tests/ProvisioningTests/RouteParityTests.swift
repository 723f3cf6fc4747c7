import JembatanShared
import Testing

@testable import Provisioning

@Test("Provisioning: every route it serves is in its /openapi.json with the same method, and nothing else is")
func provisioningRouteParity() throws {
    let problems = try RouteParity.mismatches(ProvisioningService.definition)
    #expect(problems.isEmpty, "\(problems)")
}
