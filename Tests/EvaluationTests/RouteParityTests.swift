import JembatanShared
import Testing

@testable import Evaluation

@Test("Evaluation: every route it serves is in its /openapi.json with the same method, and nothing else is")
func evaluationRouteParity() throws {
    let problems = try RouteParity.mismatches(EvaluationService.definition)
    #expect(problems.isEmpty, "\(problems)")
}
