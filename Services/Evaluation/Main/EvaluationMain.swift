import Evaluation
import Foundation
import JembatanShared

/// Technical evaluation: SOP steps 3–4. Reviews the proposed structure, decides, versions the dataset contract.
@main
struct EvaluationMain {
    static func main() async {
        // Templates missing beside the executable are a packaging error: say so instead of failing the first document.
        if case .failure(let error) = EvaluationService.loadedViews {
            FileHandle.standardError.write(Data("jembatan-evaluation: cannot load the page templates: \(error)\n".utf8))
            exit(78)
        }
        await ServiceRuntime.main(EvaluationService.definition)
    }
}
