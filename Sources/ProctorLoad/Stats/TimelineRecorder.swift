import Histogram

/// Collects the latency-over-time series in bounded memory: intervals start at the progress
/// interval; when more than `maxIntervals` have been kept, neighbours are merged pairwise and
/// later intervals are twice as long, so an hour-long run keeps at most `maxIntervals` entries.
struct TimelineRecorder {
    let maxIntervals: Int
    /// Kept in their sparse form (a full histogram per interval would cost far more memory).
    private(set) var intervals: [LoadReport.Interval] = []
    /// Seconds each new interval covers.
    private var width: Double
    private var pending = LatencyHistogram.make(digits: .two)
    private var pendingResponses: UInt64 = 0
    private var pendingErrors: UInt64 = 0
    private var lastEnd = 0.0

    init(intervalSeconds: Double, maxIntervals: Int = 600) {
        width = intervalSeconds
        self.maxIntervals = max(2, maxIntervals)
    }

    /// Adds what happened up to `end` seconds from the start; `final` closes the last interval.
    mutating func add(
        end: Double, responses: UInt64, errors: UInt64, latency: Histogram<UInt64>, final: Bool = false
    ) {
        pending.add(latency)
        pendingResponses += responses
        pendingErrors += errors
        // A small tolerance: snapshots are taken a little after each interval's end.
        guard final || end - lastEnd >= width * 0.9 else { return }
        if final && pendingResponses == 0 && pendingErrors == 0 && !intervals.isEmpty { return }
        intervals.append(
            LoadReport.Interval(
                end: end, responses: pendingResponses, errors: pendingErrors,
                latency: EncodedHistogram(pending)))
        lastEnd = end
        pending.reset()
        pendingResponses = 0
        pendingErrors = 0
        if intervals.count > maxIntervals { halve() }
    }

    private mutating func halve() {
        var mergedIntervals: [LoadReport.Interval] = []
        var i = 0
        while i < intervals.count {
            // Encoded by this recorder, so decoding cannot fail; an interval that did would be kept as it is.
            guard var h = try? intervals[i].latency.decode() else {
                mergedIntervals.append(intervals[i])
                i += 1
                continue
            }
            var interval = intervals[i]
            if i + 1 < intervals.count, let next = try? intervals[i + 1].latency.decode() {
                h.add(next)
                interval.end = intervals[i + 1].end
                interval.responses += intervals[i + 1].responses
                interval.errors += intervals[i + 1].errors
                i += 2
            } else {
                i += 1
            }
            interval.latency = EncodedHistogram(h)
            mergedIntervals.append(interval)
        }
        intervals = mergedIntervals
        width *= 2
    }
}
