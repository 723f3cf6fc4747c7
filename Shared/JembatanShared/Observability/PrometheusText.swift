import Foundation

/// A parsed Prometheus text exposition (what `/metrics` answers): the declared type of each
/// metric family and every sample. Used by the operator's check, which shows the same numbers
/// Prometheus scrapes, and by the tests.
public struct PrometheusText: Sendable {
    /// One sample line.
    public struct Sample: Sendable, Equatable {
        /// The metric.
        public var name: String
        /// Its labels.
        public var labels: [String: String]
        /// Its value.
        public var value: Double
    }

    /// `# TYPE` per metric family (`counter`, `gauge`, `histogram`, …).
    public private(set) var types: [String: String] = [:]
    /// Every sample, in order.
    public private(set) var samples: [Sample] = []

    /// Parses `text`; lines it does not understand are skipped.
    public init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count >= 4 { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") || line.isEmpty { continue }
            guard let sample = Self.sample(line) else { continue }
            samples.append(sample)
        }
    }

    /// Samples of `name` whose labels include `labels`.
    public func values(_ name: String, where labels: [String: String] = [:]) -> [Sample] {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
    }

    /// The sum of the samples of `name` matching `labels` (nil when there is none).
    public func sum(_ name: String, where labels: [String: String] = [:]) -> Double? {
        let matching = values(name, where: labels)
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }

    static func sample(_ line: Substring) -> Sample? {
        var name = ""
        var labels: [String: String] = [:]
        var rest: Substring
        if let brace = line.firstIndex(of: "{") {
            name = String(line[..<brace])
            guard let close = line.lastIndex(of: "}") else { return nil }
            var body = line[line.index(after: brace)..<close]
            while let equals = body.firstIndex(of: "=") {
                let key = body[..<equals].trimmingCharacters(in: [" ", ","])
                var index = body.index(after: equals)
                guard index < body.endIndex, body[index] == "\"" else { return nil }
                index = body.index(after: index)
                var value = ""
                while index < body.endIndex, body[index] != "\"" {
                    if body[index] == "\\", body.index(after: index) < body.endIndex {
                        index = body.index(after: index)
                        value.append(body[index] == "n" ? "\n" : body[index])
                    } else {
                        value.append(body[index])
                    }
                    index = body.index(after: index)
                }
                labels[key] = value
                body = index < body.endIndex ? body[body.index(after: index)...] : ""
            }
            rest = line[line.index(after: close)...]
        } else {
            guard let space = line.firstIndex(of: " ") else { return nil }
            name = String(line[..<space])
            rest = line[space...]
        }
        guard let text = rest.split(separator: " ").first,
            let value = Double(text) ?? (text == "+Inf" ? .infinity : nil)
        else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }
}
