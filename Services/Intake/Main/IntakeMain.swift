import Intake
import JembatanShared

/// Intake: SOP steps 1–2. Producers submit requests with their data definition; the head dispositions them.
@main
struct IntakeMain {
    static func main() async {
        await ServiceRuntime.main(IntakeService.definition)
    }
}
