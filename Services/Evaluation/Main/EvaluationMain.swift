import JembatanShared
import Evaluation

/// Technical evaluation: SOP steps 3–4. Reviews the proposed structure, decides, versions the dataset contract.
@main
struct EvaluationMain {
    static func main() async {
        await ServiceRuntime.main(EvaluationService.definition)
    }
}
