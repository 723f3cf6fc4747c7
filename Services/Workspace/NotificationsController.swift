import Foundation
import Hummingbird
import JembatanShared

/// *Pemberitahuan*: what the person was told (also by e-mail), newest first; opening one marks it
/// read and leads to where its task is done.
struct NotificationsController: Sendable {
    let context: WorkspaceContext
    let store: NotificationStore

    func register(on router: RouterGroup<WorkspaceRequestContext>) {
        router.get("pemberitahuan", use: list)
        router.post("pemberitahuan/dibaca", use: markAllRead)
        router.get("pemberitahuan/:id", use: open)
    }

    struct ListView: Sendable {
        struct Line: Sendable {
            let id: String
            let title: String
            let body: String
            let when: String
            let unread: Bool
            let mail: String?
        }

        let lines: [Line]
        let unread: Int
        let csrf: String
        let mailOn: Bool
    }

    static func mailLabel(_ state: String?) -> String? {
        switch state {
        case "pending": "surel dalam antrean"
        case "sent": "surel terkirim"
        case "failed": "surel gagal dikirim"
        default: nil
        }
    }

    @Sendable func list(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person()
        let entries = try await store.list(accountId: person.account.id)
        let lines = entries.map {
            ListView.Line(
                id: String($0.id), title: $0.title, body: $0.body, when: WIB.format($0.createdAt),
                unread: $0.readAt == nil, mail: Self.mailLabel($0.mail))
        }
        return try Pages.render(
            "notifications", title: "Pemberitahuan", signedIn: person, active: "/pemberitahuan",
            taskCount: try await context.taskCount(person),
            page: ListView(
                lines: lines, unread: lines.filter(\.unread).count, csrf: person.csrf,
                mailOn: context.configuration.mail != nil))
    }

    @Sendable func open(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person()
        guard let id = routeContext.parameters.get("id").flatMap(Int64.init),
            let link = try await store.open(id: id, accountId: person.account.id)
        else { throw HTTPError(.notFound) }
        return Pages.redirect(to: SignInController.localPath(link) ?? "/")
    }

    @Sendable func markAllRead(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person()
        try await store.markAllRead(accountId: person.account.id)
        return Pages.redirect(to: "/pemberitahuan")
    }
}
