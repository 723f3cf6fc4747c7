import JembatanShared
import Validation

/// Validation: SOP steps 8–9. Quality checks (scorecards), reconciliation with the producer's system,
/// freshness findings, and the producer's final evaluation resting on them.
@main
struct ValidationMain {
    static func main() async {
        await ServiceRuntime.main(ValidationService.definition)
    }
}
