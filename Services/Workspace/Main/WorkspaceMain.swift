import Workspace

/// The people's workspace: sign-in, Tugas saya and every page (port 8080).
@main
struct WorkspaceMain {
    static func main() async {
        await WorkspaceService.main()
    }
}
