import Testing
@testable import JembatanShared

@Suite("SOP profiles")
struct SOPProfileTests {
    @Test("the four shipped profiles load, each with ten numbered steps")
    func catalogue() throws {
        #expect(Set(SOPProfileCatalog.all.keys) == ["pasuruan", "kaltim", "sragen", "laboratorium"])
        for profile in SOPProfileCatalog.all.values {
            #expect(profile.steps.map(\.number) == Array(1...10), "\(profile.id)")
        }
        #expect(SOPProfileCatalog.profile(SOPProfileCatalog.defaultProfileID) != nil)
    }

    @Test("standard durations follow the SOPs: Sragen evaluates in 14 working days, Pasuruan in a month, the laboratory in minutes")
    func durations() throws {
        let sragen = try #require(SOPProfileCatalog.profile("sragen"))
        #expect(sragen.steps[2].standard == .init(value: 14, unit: .workingDays))
        let pasuruan = try #require(SOPProfileCatalog.profile("pasuruan"))
        #expect(pasuruan.steps[2].standard == .init(value: 1, unit: .months))
        #expect(pasuruan.steps[7].standard == .init(value: 3, unit: .workingDays))
        let laboratory = try #require(SOPProfileCatalog.profile("laboratorium"))
        #expect(laboratory.steps.compactMap(\.standard).allSatisfy { $0.unit == .minutes })
        #expect(laboratory.requiredInputs == [.purpose, .contactPerson])
    }

    @Test("every step maps onto phases: the three Diskominfo SOPs cover request to the head's review in order, the laboratory its own development phases")
    func phases() throws {
        for id in ["pasuruan", "kaltim", "sragen"] {
            let profile = try #require(SOPProfileCatalog.profile(id))
            #expect(profile.steps.flatMap(\.phases) == [.request, .disposition, .definition, .evaluation, .interchangeDocument, .apiPreparation,
                                                       .integrationTest, .delivery, .producerValidation, .finalEvaluation, .report, .headReview], "\(id)")
        }
        let laboratory = try #require(SOPProfileCatalog.profile("laboratorium"))
        #expect(laboratory.steps.flatMap(\.phases).filter { [.assignment, .design, .build, .fix, .handOver].contains($0) } == [.assignment, .design, .build, .fix, .handOver])
        #expect(Phase.allCases.allSatisfy { !$0.label.isEmpty })
        #expect(RequestState.label(of: "completed") == "selesai" && RequestState.label(of: "unknown_state") == "unknown_state")
    }
}
