import JembatanShared
import Testing

@testable import Intake

@Test("Intake: every route it serves is in its /openapi.json with the same method, and nothing else is")
func intakeRouteParity() throws {
    let problems = try RouteParity.mismatches(IntakeService.definition)
    #expect(problems.isEmpty, "\(problems)")
}
