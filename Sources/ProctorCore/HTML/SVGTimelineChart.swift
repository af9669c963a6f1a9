/// A timeline drawn as inline SVG: one row per lane (an actor, a step list), bars from start to
/// end with a label and a colour, e.g. the steps of a scenario run against time.
public struct SVGTimelineChart: Sendable {
    public struct Bar: Sendable {
        public var lane: String
        public var start: Double
        public var end: Double
        public var label: String
        public var color: String

        public init(lane: String, start: Double, end: Double, label: String, color: String) {
            self.lane = lane
            self.start = start
            self.end = end
            self.label = label
            self.color = color
        }
    }

    public var bars: [Bar]
    /// Where the time axis starts (the start of a run); the earliest bar when nil.
    public var startTime: Double?
    public var axisLabel: String
    public var formatTime: @Sendable (Double) -> String
    public var width = 900.0
    public var rowHeight = 22.0

    public init(
        bars: [Bar], startTime: Double? = nil, axisLabel: String,
        formatTime: @escaping @Sendable (Double) -> String = { SVGFormat.number($0) }
    ) {
        self.bars = bars
        self.startTime = startTime
        self.axisLabel = axisLabel
        self.formatTime = formatTime
    }

    public func render() -> String {
        var lanes: [String] = []
        for b in bars where !lanes.contains(b.lane) { lanes.append(b.lane) }
        let left = 150.0, right = 36.0, top = 8.0, bottom = 36.0
        let height = top + Double(max(1, lanes.count)) * rowHeight + bottom
        let minT = min(startTime ?? .infinity, bars.map(\.start).min() ?? 0)
        let maxT = max(bars.map(\.end).max() ?? 1, minT + 1e-9)
        let plotW = width - left - right
        func sx(_ t: Double) -> Double { left + (t - minT) / (maxT - minT) * plotW }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">\n"
        for (i, lane) in lanes.enumerated() {
            let y = top + Double(i) * rowHeight
            svg +=
                "<text x=\"\(Int(left - 8))\" y=\"\(SVGFormat.coordinate(y + rowHeight / 2))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(HTML.escape(Self.shortened(lane)))<title>\(HTML.escape(lane))</title></text>\n"
        }
        for b in bars {
            guard let row = lanes.firstIndex(of: b.lane) else { continue }
            let y = top + Double(row) * rowHeight + 3
            let x = sx(b.start)
            let w = max(2, sx(b.end) - x)
            svg +=
                "<rect x=\"\(SVGFormat.coordinate(x))\" y=\"\(SVGFormat.coordinate(y))\" width=\"\(SVGFormat.coordinate(w))\" height=\"\(SVGFormat.coordinate(rowHeight - 6))\" rx=\"2\" fill=\"\(HTML.escape(b.color))\"><title>\(HTML.escape(b.label))</title></rect>\n"
        }
        let axisY = top + Double(lanes.count) * rowHeight
        svg +=
            "<line x1=\"\(Int(left))\" y1=\"\(SVGFormat.coordinate(axisY))\" x2=\"\(Int(width - right))\" y2=\"\(SVGFormat.coordinate(axisY))\" stroke=\"#9aa1ad\"/>\n"
        for t in SVGFormat.ticks(from: minT, to: maxT, count: 5) {
            svg +=
                "<text x=\"\(SVGFormat.coordinate(sx(t)))\" y=\"\(SVGFormat.coordinate(axisY + 14))\" text-anchor=\"middle\">\(HTML.escape(formatTime(t)))</text>\n"
        }
        svg +=
            "<text x=\"\(Int(left + plotW / 2))\" y=\"\(Int(height - 4))\" text-anchor=\"middle\">\(HTML.escape(axisLabel))</text>\n"
        return svg + "</svg>"
    }

    /// A lane name cut to fit the label column (the whole name stays in the tooltip).
    static func shortened(_ lane: String) -> String {
        lane.count <= 22 ? lane : String(lane.prefix(21)) + "…"
    }
}
