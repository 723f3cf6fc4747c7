import JembatanShared
import Testing

@testable import Reporting

@Test("Reporting: every route it serves is in its /openapi.json with the same method, and nothing else is")
func reportingRouteParity() throws {
    let problems = try RouteParity.mismatches(ReportingService.definition)
    #expect(problems.isEmpty, "\(problems)")
}
