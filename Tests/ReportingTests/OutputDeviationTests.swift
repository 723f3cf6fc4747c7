import Foundation
import JembatanShared
import Testing

@testable import Reporting

/// An ended step whose document of record is missing or not yet signed is an output deviation.
@Suite("Output deviations (naskah) on the clock")
struct OutputDeviationTests {
    static func kaltimSteps() throws -> [IntegrationReport.Step] {
        let profile = try #require(SOPProfileCatalog.all["kaltim"])
        let reading = ProcedureClock(profile: profile, clock: StepMathsTests.clock).read(
            StepMathsTests.fullWalk(profile), now: StepMathsTests.start.addingTimeInterval(90 * 86400),
            reportedAt: nil)
        return StepMaths.steps(reading)
    }

    static func entry(_ kind: String, _ state: String, verifier: Role? = nil, signer: Role) -> DocumentReader.Entry {
        DocumentReader.Entry(
            owner: "x", kind: kind, number: "000.5.2/001/a/XII/2026", state: state, verifierRole: verifier,
            signerRole: signer)
    }

    @Test(
        "Kaltim: a missing hand-over record, an unverified formulation and an unsigned letter are each named with the role that owes them; signed ones are not"
    )
    func outputs() throws {
        let profile = try #require(SOPProfileCatalog.all["kaltim"])
        var steps = try Self.kaltimSteps()
        StepMaths.checkOutputs(
            &steps, profile: profile,
            documents: [
                Self.entry("surat_permohonan", "draft", signer: .producer),
                Self.entry("lembar_disposisi", "signed", signer: .head),
                Self.entry("dokumen_rumusan_integrasi", "draft", verifier: .technical, signer: .supervisor),
                Self.entry("laporan_hasil_validasi", "signed", signer: .producer),
            ])
        func outputs(_ phase: Phase) -> [String] { steps.filter { $0.phase == phase }.flatMap(\.outputs) }
        #expect(
            outputs(.disposition) == [
                "Surat Permohonan 000.5.2/001/a/XII/2026 belum ditandatangani (Produsen Data (OPD))"
            ])
        #expect(outputs(.interchangeDocument).allSatisfy { $0.contains("belum diparaf (Tim Teknis)") })
        #expect(!outputs(.interchangeDocument).isEmpty)
        #expect(outputs(.handOver) == ["Berita Acara Serah Terima belum ada (Kepala Bidang)"])
        #expect(outputs(.finalEvaluation).isEmpty, "a signed document is no deviation")
        #expect(outputs(.report).isEmpty, "the report step is not checked against itself")
        let handOver = try #require(steps.first { $0.phase == .handOver })
        #expect(handOver.deviations.contains("naskah: Berita Acara Serah Terima belum ada (Kepala Bidang)"))
        #expect(handOver.isDeviation)
    }
}
