import Foundation

/// A line chart drawn as inline SVG: several named series over a shared x axis, a linear y axis
/// from zero, grid lines with tick labels, and a legend.
public struct SVGLineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        /// CSS colour.
        public var color: String
        public var points: [(x: Double, y: Double)]
        public var dashed: Bool

        public init(name: String, color: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name
            self.color = color
            self.points = points
            self.dashed = dashed
        }
    }

    public enum XScale: Sendable {
        /// Linear from the smallest to the largest x.
        case linear
        /// Percentiles (0 to 100) placed by log10(1 / (1 - p/100)), so that 90, 99, 99.9 and
        /// 99.99 are evenly spaced, as HdrHistogram plots show them.
        case percentile(maxNines: Int)
    }

    public var series: [Series]
    public var xLabel: String
    public var yLabel: String
    public var xScale: XScale
    /// Formats tick values.
    public var formatX: @Sendable (Double) -> String
    public var formatY: @Sendable (Double) -> String
    public var width = 900.0
    public var height = 320.0

    public init(
        series: [Series], xLabel: String, yLabel: String, xScale: XScale = .linear,
        formatX: @escaping @Sendable (Double) -> String = { SVGFormat.number($0) },
        formatY: @escaping @Sendable (Double) -> String = { SVGFormat.number($0) }
    ) {
        self.series = series
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.formatX = formatX
        self.formatY = formatY
    }

    private func position(_ x: Double) -> Double {
        switch xScale {
        case .linear: return x
        case .percentile(let nines):
            let limit = 1 - pow10(-Double(nines))
            let p = min(x / 100, limit)
            return -log10(1 - p)
        }
    }

    public func render() -> String {
        let left = 64.0, right = 16.0, top = 28.0, bottom = 44.0
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = series.flatMap { $0.points.map { position($0.x) } }
        let ys = series.flatMap { $0.points.map(\.y) }
        let minX: Double
        let maxX: Double
        switch xScale {
        case .linear:
            minX = xs.min() ?? 0
            maxX = max((xs.max() ?? 1), minX + 1e-9)
        case .percentile(let nines):
            minX = 0
            maxX = Double(nines)
        }
        let maxY = SVGFormat.niceCeiling(ys.max() ?? 1)
        func sx(_ x: Double) -> Double { left + (position(x) - minX) / (maxX - minX) * plotW }
        func sxRaw(_ px: Double) -> Double { left + (px - minX) / (maxX - minX) * plotW }
        func sy(_ y: Double) -> Double { top + plotH - y / maxY * plotH }

        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">\n"
        // y grid
        for i in 0...4 {
            let y = maxY * Double(i) / 4
            let py = SVGFormat.coordinate(sy(y))
            svg +=
                "<line x1=\"\(Int(left))\" y1=\"\(py)\" x2=\"\(Int(width - right))\" y2=\"\(py)\" stroke=\"#e3e6ec\"/>"
            svg +=
                "<text x=\"\(Int(left - 6))\" y=\"\(py)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(HTML.escape(formatY(y)))</text>\n"
        }
        // x ticks
        switch xScale {
        case .linear:
            for i in 0...5 {
                let x = minX + (maxX - minX) * Double(i) / 5
                let px = SVGFormat.coordinate(sxRaw(x))
                svg +=
                    "<line x1=\"\(px)\" y1=\"\(Int(top + plotH))\" x2=\"\(px)\" y2=\"\(Int(top + plotH + 4))\" stroke=\"#9aa1ad\"/>"
                svg +=
                    "<text x=\"\(px)\" y=\"\(Int(top + plotH + 16))\" text-anchor=\"middle\">\(HTML.escape(formatX(x)))</text>\n"
            }
        case .percentile(let nines):
            for n in 0...nines {
                let p = 100 * (1 - pow10(-Double(n)))
                let px = SVGFormat.coordinate(sxRaw(Double(n)))
                svg +=
                    "<line x1=\"\(px)\" y1=\"\(Int(top))\" x2=\"\(px)\" y2=\"\(Int(top + plotH))\" stroke=\"#eef0f4\"/>"
                svg +=
                    "<text x=\"\(px)\" y=\"\(Int(top + plotH + 16))\" text-anchor=\"middle\">\(HTML.escape(SVGFormat.percentile(p)))</text>\n"
            }
        }
        svg +=
            "<line x1=\"\(Int(left))\" y1=\"\(Int(top + plotH))\" x2=\"\(Int(width - right))\" y2=\"\(Int(top + plotH))\" stroke=\"#9aa1ad\"/>\n"
        svg +=
            "<text x=\"\(Int(left + plotW / 2))\" y=\"\(Int(height - 6))\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>\n"
        svg +=
            "<text x=\"12\" y=\"\(Int(top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 12 \(Int(top + plotH / 2)))\">\(HTML.escape(yLabel))</text>\n"
        for s in series where !s.points.isEmpty {
            let path = s.points.map { "\(SVGFormat.coordinate(sx($0.x))),\(SVGFormat.coordinate(sy($0.y)))" }
                .joined(separator: " ")
            let dash = s.dashed ? " stroke-dasharray=\"5 4\"" : ""
            svg +=
                "<polyline fill=\"none\" stroke=\"\(HTML.escape(s.color))\" stroke-width=\"1.8\"\(dash) points=\"\(path)\"><title>\(HTML.escape(s.name))</title></polyline>\n"
        }
        // legend
        var lx = left
        for s in series {
            svg +=
                "<rect x=\"\(Int(lx))\" y=\"8\" width=\"12\" height=\"3\" fill=\"\(HTML.escape(s.color))\"/>"
            svg +=
                "<text x=\"\(Int(lx + 16))\" y=\"12\" dominant-baseline=\"middle\">\(HTML.escape(s.name))</text>\n"
            lx += 24 + Double(s.name.count) * 6.5
        }
        return svg + "</svg>"
    }
}

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
    public var axisLabel: String
    public var formatTime: @Sendable (Double) -> String
    public var width = 900.0
    public var rowHeight = 22.0

    public init(
        bars: [Bar], axisLabel: String,
        formatTime: @escaping @Sendable (Double) -> String = { SVGFormat.number($0) }
    ) {
        self.bars = bars
        self.axisLabel = axisLabel
        self.formatTime = formatTime
    }

    public func render() -> String {
        var lanes: [String] = []
        for b in bars where !lanes.contains(b.lane) { lanes.append(b.lane) }
        let left = 140.0, right = 16.0, top = 8.0, bottom = 36.0
        let height = top + Double(max(1, lanes.count)) * rowHeight + bottom
        let minT = bars.map(\.start).min() ?? 0
        let maxT = max(bars.map(\.end).max() ?? 1, minT + 1e-9)
        let plotW = width - left - right
        func sx(_ t: Double) -> Double { left + (t - minT) / (maxT - minT) * plotW }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">\n"
        for (i, lane) in lanes.enumerated() {
            let y = top + Double(i) * rowHeight
            svg +=
                "<text x=\"\(Int(left - 8))\" y=\"\(SVGFormat.coordinate(y + rowHeight / 2))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(HTML.escape(lane))</text>\n"
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
        for i in 0...5 {
            let t = minT + (maxT - minT) * Double(i) / 5
            svg +=
                "<text x=\"\(SVGFormat.coordinate(sx(t)))\" y=\"\(SVGFormat.coordinate(axisY + 14))\" text-anchor=\"middle\">\(HTML.escape(formatTime(t)))</text>\n"
        }
        svg +=
            "<text x=\"\(Int(left + plotW / 2))\" y=\"\(Int(height - 4))\" text-anchor=\"middle\">\(HTML.escape(axisLabel))</text>\n"
        return svg + "</svg>"
    }
}

/// Number formatting for chart labels and coordinates.
public enum SVGFormat {
    public static func coordinate(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        return LoadSummaryText.fixed(v, 1)
    }

    public static func number(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        return LoadSummaryText.fixed(v, abs(v) < 10 ? 2 : 1)
    }

    public static func percentile(_ p: Double) -> String {
        if p == 0 { return "0%" }
        var text = LoadSummaryText.fixed(p, 4)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "%"
    }

    /// A round number at or above `v` (1, 2, 2.5, 5 times a power of ten).
    public static func niceCeiling(_ v: Double) -> Double {
        guard v > 0, v.isFinite else { return 1 }
        let magnitude = pow10((log10(v)).rounded(.down))
        for step in [1.0, 2.0, 2.5, 5.0, 10.0] where step * magnitude >= v { return step * magnitude }
        return 10 * magnitude
    }
}

func pow10(_ x: Double) -> Double { exp(x * 2.302585092994046) }
