import Foundation

// Inline SVG charts (no scripts, no external assets: offline networks, phones, PDF). Each type
// works out the geometry; its template (`bars`, `columns`, `slabar`) draws it.

/// Horizontal bars, one per item, with the value written at the end.
public struct BarChart: Sendable {
    public struct Row: Sendable {
        public let label: String
        public let value: String
        public let color: String
        public let textY: Int
        public let barY: Int
        public let width: Int
    }

    public let rows: [Row]
    public let width: Int
    public let height: Int
    public let labelWidth = 190
    public let barWidth = 260
    public let valueX = 456

    public init(_ items: [(label: String, value: Double, color: String)], unit: String, maximum: Double? = nil) {
        let top = max(maximum ?? items.map(\.value).max() ?? 1, 1)
        let rowHeight = 22
        rows = items.enumerated().map { index, item in
            let y = index * rowHeight + 2
            let value =
                item.value == item.value.rounded() ? String(Int(item.value)) : String(format: "%.1f", item.value)
            return Row(
                label: String(item.label.prefix(30)), value: value + unit, color: item.color, textY: y + 15,
                barY: y + 3,
                width: Int((min(item.value, top) / top * 260).rounded()))
        }
        width = 190 + 260 + 60
        height = items.count * rowHeight + 4
    }
}

/// A step's share of its standard: the bar to 150 %, a line at 100 %.
public struct SLABar: Sendable {
    public let width: Int
    public let color: String
    /// `82.5 %`.
    public let label: String
    public let rounded: String

    public init(usedPercent: Double) {
        width = Int(min(max(usedPercent, 0), 150))
        color =
            usedPercent > 100 ? "#c62828" : usedPercent >= 90 ? "#e07b00" : usedPercent >= 75 ? "#d4a800" : "#2e7d32"
        label = String(format: "%.1f %%", usedPercent)
        rounded = String(format: "%.0f %%", usedPercent)
    }
}

/// Columns over days (exchange volume), every fifth labelled.
public struct ColumnChart: Sendable {
    public struct Column: Sendable {
        public let x: Int
        public let y: String
        public let height: String
        public let title: String
        public let label: String?
    }

    public let columns: [Column]
    public let top: Int
    public let width: Int
    public let axisY: Int
    public let axisEnd: Int
    public let labelY: Int
    public let viewHeight: Int

    public init(_ items: [(label: String, value: Double)]) {
        let top = max(items.map(\.value).max() ?? 1, 1)
        let height = 140.0
        let column = 18
        columns = items.enumerated().map { index, item in
            let barHeight = item.value / top * (height - 10)
            return Column(
                x: 42 + index * column, y: String(format: "%.1f", height + 4 - barHeight),
                height: String(format: "%.1f", barHeight),
                title: "\(item.label): \(Int(item.value))", label: index % 5 == 0 ? item.label : nil)
        }
        self.top = Int(top)
        width = items.count * column + 50
        axisY = Int(height) + 4
        axisEnd = items.count * column + 46
        labelY = Int(height) + 20
        viewHeight = Int(height) + 40
    }
}
