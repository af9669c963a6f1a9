import Foundation

/// A line chart drawn as inline SVG: several named series over a shared x axis, a linear y axis
/// from zero or a logarithmic one, grid lines with tick labels, and a legend. A series is drawn
/// as one line per segment, so a stretch without data (seconds without responses) is a gap, not
/// a line drawn across it.
public struct SVGLineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        /// CSS colour.
        public var color: String
        /// Runs of points drawn as separate lines; a point alone is drawn as a dot.
        public var segments: [[(x: Double, y: Double)]]
        public var dashed: Bool

        public init(name: String, color: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.init(name: name, color: color, segments: [points], dashed: dashed)
        }

        public init(name: String, color: String, segments: [[(x: Double, y: Double)]], dashed: Bool = false) {
            self.name = name
            self.color = color
            self.segments = segments.filter { !$0.isEmpty }
            self.dashed = dashed
        }

        /// Points with a missing y (nil) split the series into segments at the missing points.
        public init(
            name: String, color: String, gappedPoints: [(x: Double, y: Double?)], dashed: Bool = false
        ) {
            var segments: [[(x: Double, y: Double)]] = [[]]
            for point in gappedPoints {
                if let y = point.y {
                    segments[segments.count - 1].append((point.x, y))
                } else if !(segments.last?.isEmpty ?? true) {
                    segments.append([])
                }
            }
            self.init(name: name, color: color, segments: segments, dashed: dashed)
        }

        public var points: [(x: Double, y: Double)] { segments.flatMap { $0 } }
    }

    public enum XScale: Sendable {
        /// Linear from the smallest to the largest x.
        case linear
        /// Percentiles (0 to 100) placed by log10(1 / (1 - p/100)), so that 90, 99, 99.9 and
        /// 99.99 are evenly spaced, as HdrHistogram plots show them.
        case percentile(maxNines: Int)
    }

    public enum YScale: Sendable {
        /// Linear from zero to a round number above the largest value.
        case linear
        /// Logarithmic over whole decades around the values, ticks at 1, 2 and 5 times a power of
        /// ten (only the powers of ten labelled beyond three decades): one slow outlier leaves the
        /// typical values readable. Values at or below zero are drawn on the lowest decade.
        case logarithmic
    }

    public var series: [Series]
    public var xLabel: String
    public var yLabel: String
    public var xScale: XScale
    /// The span of a linear x axis (a run's whole time, even where a series has no points); the
    /// points' span when nil.
    public var xDomain: ClosedRange<Double>?
    public var yScale: YScale
    /// Formats tick values.
    public var formatX: @Sendable (Double) -> String
    public var formatY: @Sendable (Double) -> String
    public var width = 900.0
    public var height = 320.0
    /// Room for the y tick labels (`100ms`, `2.5k`) on the left and for the last x tick label
    /// (`99.999%`), centred on the right edge of the plot.
    public var margins = (left: 84.0, right: 52.0, top: 32.0, bottom: 46.0)

    public init(
        series: [Series], xLabel: String, yLabel: String, xScale: XScale = .linear,
        xDomain: ClosedRange<Double>? = nil, yScale: YScale = .linear,
        formatX: @escaping @Sendable (Double) -> String = { SVGFormat.number($0) },
        formatY: @escaping @Sendable (Double) -> String = { SVGFormat.number($0) }
    ) {
        self.series = series
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.xDomain = xDomain
        self.yScale = yScale
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

    /// The y axis: its range (in axis units: values, or decades for a log axis) and its ticks.
    struct YAxis {
        var low: Double
        var high: Double
        var ticks: [(value: Double, labelled: Bool)]
        var logarithmic: Bool

        func position(_ y: Double) -> Double {
            guard logarithmic else { return y }
            return y > 0 ? max(low, log10(y)) : low
        }
    }

    func yAxis() -> YAxis {
        let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        switch yScale {
        case .linear:
            // Round steps, about four of them, up to the first tick at or above the largest value.
            let largest = ys.max() ?? 0
            let step = largest > 0 ? SVGFormat.niceCeiling(largest / 4) : 1
            let top = largest > 0 ? (largest / step).rounded(.up) * step : 4 * step
            let ticks = SVGFormat.ticks(from: 0, to: top, count: Int((top / step).rounded()))
            return YAxis(low: 0, high: top, ticks: ticks.map { ($0, true) }, logarithmic: false)
        case .logarithmic:
            let positive = ys.filter { $0 > 0 }
            // A value just above a decade would sit on the axis: keep a little room below it.
            let low = (log10(positive.min() ?? 1) - 0.15).rounded(.down)
            var high = (log10(positive.max() ?? 10)).rounded(.up)
            if high <= low { high = low + 1 }
            let decades = Int(high - low)
            var ticks: [(value: Double, labelled: Bool)] = []
            for d in 0...decades {
                let base = pow10(low + Double(d))
                ticks.append((base, true))
                guard d < decades else { break }
                ticks.append((2 * base, decades <= 3))
                ticks.append((5 * base, decades <= 3))
            }
            return YAxis(low: low, high: high, ticks: ticks, logarithmic: true)
        }
    }

    /// The vertical pixel position of `y` in the rendered chart (for tests and annotations).
    public func plotY(_ y: Double) -> Double {
        let axis = yAxis()
        let plotH = height - margins.top - margins.bottom
        return margins.top + plotH - (axis.position(y) - axis.low) / (axis.high - axis.low) * plotH
    }

    /// The vertical pixel position of the x axis (the bottom of the plot).
    public var baselineY: Double { height - margins.bottom }

    public func render() -> String {
        let (left, right, top, bottom) = margins
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = series.flatMap { $0.points.map { position($0.x) } }
        let minX: Double
        let maxX: Double
        switch xScale {
        case .linear:
            minX = xDomain?.lowerBound ?? xs.min() ?? 0
            maxX = max(xDomain?.upperBound ?? xs.max() ?? 1, minX + 1e-9)
        case .percentile(let nines):
            minX = 0
            maxX = Double(nines)
        }
        let axis = yAxis()
        func sx(_ x: Double) -> Double { left + (position(x) - minX) / (maxX - minX) * plotW }
        func sxRaw(_ px: Double) -> Double { left + (px - minX) / (maxX - minX) * plotW }
        func sy(_ y: Double) -> Double {
            top + plotH - (axis.position(y) - axis.low) / (axis.high - axis.low) * plotH
        }

        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">\n"
        // y grid
        for tick in axis.ticks {
            let py = SVGFormat.coordinate(sy(tick.value))
            svg +=
                "<line x1=\"\(Int(left))\" y1=\"\(py)\" x2=\"\(Int(width - right))\" y2=\"\(py)\" stroke=\"\(tick.labelled ? "#e3e6ec" : "#f1f3f5")\"/>"
            if tick.labelled {
                svg +=
                    "<text x=\"\(Int(left - 6))\" y=\"\(py)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(HTML.escape(formatY(tick.value)))</text>"
            }
            svg += "\n"
        }
        // x ticks
        switch xScale {
        case .linear:
            for x in SVGFormat.ticks(from: minX, to: maxX, count: 5) {
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
            "<text x=\"14\" y=\"\(Int(top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(Int(top + plotH / 2)))\">\(HTML.escape(yLabel + (axis.logarithmic ? ", log scale" : "")))</text>\n"
        for s in series {
            let dash = s.dashed ? " stroke-dasharray=\"5 4\"" : ""
            for segment in s.segments {
                if segment.count == 1, let p = segment.first {
                    svg +=
                        "<circle data-series=\"\(HTML.escape(s.name))\" cx=\"\(SVGFormat.coordinate(sx(p.x)))\" cy=\"\(SVGFormat.coordinate(sy(p.y)))\" r=\"2.5\" fill=\"\(HTML.escape(s.color))\"><title>\(HTML.escape(s.name))</title></circle>\n"
                    continue
                }
                let path = segment.map {
                    "\(SVGFormat.coordinate(sx($0.x))),\(SVGFormat.coordinate(sy($0.y)))"
                }
                .joined(separator: " ")
                svg +=
                    "<polyline data-series=\"\(HTML.escape(s.name))\" fill=\"none\" stroke=\"\(HTML.escape(s.color))\" stroke-width=\"1.8\"\(dash) points=\"\(path)\"><title>\(HTML.escape(s.name))</title></polyline>\n"
            }
        }
        // legend
        var lx = left
        for s in series {
            let dash = s.dashed ? " stroke-dasharray=\"4 3\"" : ""
            svg +=
                "<line x1=\"\(Int(lx))\" y1=\"12\" x2=\"\(Int(lx + 16))\" y2=\"12\" stroke=\"\(HTML.escape(s.color))\" stroke-width=\"3\"\(dash)/>"
            svg +=
                "<text x=\"\(Int(lx + 21))\" y=\"12\" dominant-baseline=\"middle\">\(HTML.escape(s.name))</text>\n"
            lx += 34 + Double(s.name.count) * 6.5
        }
        return svg + "</svg>"
    }
}
