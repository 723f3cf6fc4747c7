import JembatanShared
import Testing

@testable import Validation

@Test("Validation: every route it serves is in its /openapi.json with the same method, and nothing else is")
func validationRouteParity() throws {
    let problems = try RouteParity.mismatches(ValidationService.definition)
    #expect(problems.isEmpty, "\(problems)")
}
