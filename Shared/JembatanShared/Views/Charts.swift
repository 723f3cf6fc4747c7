import Foundation

// Inline SVG charts (no scripts, no external assets: offline networks, phones, PDF). Each type
// works out the geometry; its template (`bars`, `columns`, `slabar`) draws it.

/// Horizontal bars, one per item, with the value written at the end.
public struct BarChart: Sendable {
    /// One bar.
    public struct Row: Sendable {
        /// The item (cut at 30 characters).
        public let label: String
        /// The value with its unit.
        public let value: String
        /// The bar's fill.
        public let color: String
        /// Baseline of the label and value.
        public let textY: Int
        /// Top of the bar.
        public let barY: Int
        /// The bar's length.
        public let width: Int
    }

    /// The bars, top to bottom.
    public let rows: [Row]
    /// Width of the whole chart.
    public let width: Int
    /// Height of the whole chart.
    public let height: Int
    /// Room for the labels.
    public let labelWidth = 190
    /// Length of a full bar.
    public let barWidth = 260
    /// Where the values are written.
    public let valueX = 456

    /// Bars of `items`, scaled to `maximum` (default: the largest value).
    public init(_ items: [(label: String, value: Double, color: String)], unit: String, maximum: Double? = nil) {
        let top = max(maximum ?? items.map(\.value).max() ?? 1, 1)
        let rowHeight = 22
        rows = items.enumerated().map { index, item in
            let y = index * rowHeight + 2
            let value =
                item.value == item.value.rounded() ? String(Int(item.value)) : Indonesian.number(item.value)
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
    /// Length of the bar (up to 150 for 150 %).
    public let width: Int
    /// Green to 75 %, then yellow, orange, red past 100 %.
    public let color: String
    /// `82.5 %`.
    public let label: String
    /// `83 %`, for screen readers.
    public let rounded: String

    /// The bar of a step that used `usedPercent` of its standard.
    public init(usedPercent: Double) {
        width = Int(min(max(usedPercent, 0), 150))
        color =
            usedPercent > 100 ? "#c62828" : usedPercent >= 90 ? "#e07b00" : usedPercent >= 75 ? "#d4a800" : "#2e7d32"
        label = Indonesian.percent(usedPercent)
        rounded = String(format: "%.0f %%", usedPercent)
    }
}

/// Columns over days (exchange volume), every fifth labelled.
public struct ColumnChart: Sendable {
    /// One column.
    public struct Column: Sendable {
        /// Left edge.
        public let x: Int
        /// Top edge.
        public let y: String
        /// The column's height.
        public let height: String
        /// The tooltip: label and value.
        public let title: String
        /// The axis label under every fifth column.
        public let label: String?
    }

    /// The columns, left to right.
    public let columns: [Column]
    /// The largest value (the axis label).
    public let top: Int
    /// Width of the whole chart.
    public let width: Int
    /// Where the axis runs.
    public let axisY: Int
    /// Where the axis ends.
    public let axisEnd: Int
    /// Baseline of the labels.
    public let labelY: Int
    /// Height of the whole chart.
    public let viewHeight: Int

    /// Columns of `items` in order, scaled to the largest.
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
