import Foundation
import Hummingbird
import Mustache

/// Server-rendered pages from Mustache templates: the shared frames and charts (`Views/Templates`
/// of this module) and a role's own pages, loaded once when the service starts. The engine escapes
/// every `{{value}}`; no page is built by joining HTML strings.
public struct PageViews: Sendable {
    let library: MustacheLibrary
    /// Template names, for the start-up check and the tests.
    public let names: Set<String>

    /// Loads the shared templates and those of `folder` (a role's `Templates`, from its bundle).
    /// A role template with the name of a shared one replaces it.
    public init(roleTemplates folder: URL?) throws {
        var templates = try Self.load(Self.sharedTemplates)
        if let folder { templates.merge(try Self.load(folder)) { _, role in role } }
        library = MustacheLibrary(templates: templates)
        names = Set(templates.keys)
    }

    /// The shared templates' folder inside this module's resource bundle.
    static var sharedTemplates: URL { Bundle.module.resourceURL!.appendingPathComponent("Templates") }

    static func load(_ folder: URL) throws -> [String: MustacheTemplate] {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw TemplateError.missingFolder(folder.path)
        }
        var templates: [String: MustacheTemplate] = [:]
        for file in files where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            do { templates[String(file.dropLast(".mustache".count))] = try MustacheTemplate(string: text) } catch {
                throw TemplateError.unreadable(file, "\(error)")
            }
        }
        return templates
    }

    /// `template` rendered with `object` (a view model: structs, arrays, optionals, strings).
    public func render(_ template: String, _ object: Any) throws -> String {
        guard let text = library.render(object, withTemplate: template) else { throw TemplateError.unknown(template) }
        return text
    }

    /// An HTML response of `template` rendered with `object`.
    public func response(_ template: String, _ object: Any, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: try render(template, object))))
    }

    /// Why templates could not be loaded or rendered (a packaging error: the service does not start).
    public enum TemplateError: Error, CustomStringConvertible {
        case missingFolder(String)
        case unreadable(String, String)
        case unknown(String)

        /// The problem in one sentence.
        public var description: String {
            switch self {
            case .missingFolder(let path):
                "templates folder \(path) is missing (the executable's .resources bundle must be beside it)"
            case .unreadable(let file, let problem): "template \(file) does not parse: \(problem)"
            case .unknown(let name): "no template named \(name)"
            }
        }
    }
}

/// What the frame around a signed-in page shows: the page's title, the sections and who is signed in.
public struct PageFrame: Sendable {
    /// A section link in the header.
    public struct Link: Sendable {
        /// Where it leads.
        public let path: String
        /// The section's name.
        public let name: String
        /// Whether it is the page shown.
        public let active: Bool
    }

    /// Who is signed in, shown beside the sign-out button.
    public struct Badge: Sendable {
        /// The signed-in account's name.
        public let name: String
        /// The account's role.
        public let role: String
        /// The agency of a producer or consumer account.
        public let agency: String?
    }

    /// The page's title (also its heading).
    public let title: String
    /// The section links.
    public let nav: [Link]
    /// Who is signed in; nil on the sign-in page.
    public let account: Badge?

    /// The frame of a page in `sections` (path, name), `active` marking the current one.
    public init(title: String, sections: [(path: String, name: String)], active: String, account: Account?) {
        self.title = title
        nav = sections.map { Link(path: $0.path, name: $0.name, active: $0.path == active) }
        self.account = account.map { Badge(name: $0.name, role: $0.role.rawValue, agency: $0.agencyCode) }
    }
}

/// A page: its frame and its own view model (`{{#page}}…{{/page}}` in the template).
public struct Page<Model: Sendable>: Sendable {
    /// The frame: title, sections, account.
    public let frame: PageFrame
    /// The page's own view model.
    public let page: Model

    /// A page of `page` in `frame`.
    public init(frame: PageFrame, page: Model) {
        self.frame = frame
        self.page = page
    }
}
