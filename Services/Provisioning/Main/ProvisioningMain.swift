import JembatanShared
import Provisioning

/// API provisioning: SOP steps 5–7 and the exchange hub. Prepares dataset storage and
/// endpoints, runs the integration unit test, issues credentials, serves the exchange API.
@main
struct ProvisioningMain {
    static func main() async {
        await ServiceRuntime.main(ProvisioningService.definition)
    }
}
