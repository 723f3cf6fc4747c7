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

    @Test(
        "standard durations follow the SOPs: Sragen evaluates in 14 working days, Pasuruan in a month, the laboratory in minutes"
    )
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

    @Test(
        "every step maps onto phases: the three Diskominfo SOPs cover request to the head's review in order, the laboratory its own development phases"
    )
    func phases() throws {
        for id in ["pasuruan", "kaltim", "sragen"] {
            let profile = try #require(SOPProfileCatalog.profile(id))
            #expect(
                profile.steps.flatMap(\.phases) == [
                    .request, .disposition, .definition, .evaluation, .interchangeDocument, .apiPreparation,
                    .integrationTest, .delivery, .producerValidation, .finalEvaluation, .report, .headReview,
                ], "\(id)")
        }
        let laboratory = try #require(SOPProfileCatalog.profile("laboratorium"))
        #expect(
            laboratory.steps.flatMap(\.phases).filter { [.assignment, .design, .build, .fix, .handOver].contains($0) }
                == [.assignment, .design, .build, .fix, .handOver])
        #expect(Phase.allCases.allSatisfy { !$0.label.isEmpty })
        #expect(
            RequestState.label(of: "completed") == "selesai"
                && RequestState.label(of: "unknown_state") == "unknown_state")
    }

    @Test(
        "the read model numbers a request's step by the phase it is in: the dashboard's step names come from the profile",
        arguments: [
            (Phase.disposition, 1, "Disposisi"), (.definition, 2, "Definisi data"), (.evaluation, 3, "Evaluasi teknis"),
            (.apiPreparation, 5, "Penyiapan API"),
            (.integrationTest, 6, "Uji integrasi"), (.delivery, 7, "Penyerahan hasil"),
            (.producerValidation, 8, "Validasi oleh OPD"), (.report, 10, "Laporan"),
        ])
    func stepOfPhase(phase: Phase, number: Int, shortName: String) throws {
        let steps = SOPProfileCatalog.readModelSteps
        #expect(steps.stepNumber(of: phase) == number)
        let step = try #require(steps.step(number))
        #expect(step.phases.contains(phase))
        // A step covering two phases is named by its first ("1 · Permohonan" although it also holds the disposition).
        #expect(step.shortName == (step.phases.first == phase ? shortName : step.phases[0].label))
        #expect(
            SOPProfileCatalog.profile("laboratorium")?.stepNumber(of: .apiPreparation) == nil,
            "the laboratory has no API preparation")
    }

    @Test("a state read from a column the code does not know is an error that names it, never a guess")
    func unknownStoredState() {
        #expect(throws: UnknownStoredValue.self) { try RequestState(stored: "approved") }
        #expect((try? RequestState(stored: "under_evaluation")) == .underEvaluation)
        #expect(
            UnknownStoredValue(type: "RequestState", value: "approved").description
                == "unknown RequestState 'approved' in the database")
        #expect(RequestState.completed.isClosed && RequestState.withdrawn.isClosed && !RequestState.returned.isClosed)
    }
}
