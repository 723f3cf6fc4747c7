import Foundation
import Intake
import JembatanShared

/// Intake: SOP steps 1–2. Producers submit requests with their data definition; the head dispositions them.
@main
struct IntakeMain {
    static func main() async {
        // Templates missing beside the executable are a packaging error: say so instead of failing the first letter.
        if case .failure(let error) = IntakeService.loadedViews {
            FileHandle.standardError.write(Data("jembatan-intake: cannot load the page templates: \(error)\n".utf8))
            exit(78)
        }
        await ServiceRuntime.main(IntakeService.definition)
    }
}
