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
}
