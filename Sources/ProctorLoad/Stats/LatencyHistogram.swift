import Histogram

/// Latency histograms in microseconds, 1 µs to 1 hour. Whole-run histograms keep three
/// significant digits; the per-interval ones of the latency-over-time series keep two.
public enum LatencyHistogram {
    public static let highestMicroseconds: UInt64 = 3_600_000_000

    public static func make(digits: SignificantDigits = .three) -> Histogram<UInt64> {
        Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: highestMicroseconds,
            numberOfSignificantValueDigits: digits)
    }

    /// Records nanoseconds, clamped into the trackable range.
    static func record(_ histogram: inout Histogram<UInt64>, nanoseconds: UInt64) {
        let us = min(max(1, nanoseconds / 1000), highestMicroseconds)
        _ = histogram.record(us)
    }
}

/// Percentiles read from a histogram, in microseconds.
public struct LatencySummary: Sendable, Codable, Equatable {
    public var count: UInt64
    public var p50: UInt64
    public var p90: UInt64
    public var p99: UInt64
    public var p999: UInt64
    public var max: UInt64
    public var mean: Double

    public init(_ h: Histogram<UInt64>) {
        count = h.totalCount
        p50 = h.totalCount == 0 ? 0 : h.valueAtPercentile(50)
        p90 = h.totalCount == 0 ? 0 : h.valueAtPercentile(90)
        p99 = h.totalCount == 0 ? 0 : h.valueAtPercentile(99)
        p999 = h.totalCount == 0 ? 0 : h.valueAtPercentile(99.9)
        max = h.totalCount == 0 ? 0 : h.max
        mean = h.totalCount == 0 ? 0 : h.mean
    }

    // In JSON every figure names its unit (microseconds), and a histogram with no response
    // gives null figures rather than zeros.
    enum CodingKeys: String, CodingKey {
        case count
        case p50 = "p50_us", p90 = "p90_us", p99 = "p99_us", p999 = "p99.9_us", max = "max_us"
        case mean = "mean_us"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .count)
        for (key, value) in [(CodingKeys.p50, p50), (.p90, p90), (.p99, p99), (.p999, p999), (.max, max)] {
            try c.encode(count == 0 ? nil : value, forKey: key)
        }
        try c.encode(count == 0 ? nil : mean, forKey: .mean)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        count = try c.decode(UInt64.self, forKey: .count)
        p50 = try c.decodeIfPresent(UInt64.self, forKey: .p50) ?? 0
        p90 = try c.decodeIfPresent(UInt64.self, forKey: .p90) ?? 0
        p99 = try c.decodeIfPresent(UInt64.self, forKey: .p99) ?? 0
        p999 = try c.decodeIfPresent(UInt64.self, forKey: .p999) ?? 0
        max = try c.decodeIfPresent(UInt64.self, forKey: .max) ?? 0
        mean = try c.decodeIfPresent(Double.self, forKey: .mean) ?? 0
    }
}

/// A histogram as stored in reports: its configuration and the non-zero buckets, each as a value
/// of the bucket and its count (the bucket's lowest value, except that the buckets holding the
/// smallest and largest recorded values carry those exact values). Decoding records every pair
/// into a fresh histogram of the same configuration, which lands each count in its original
/// bucket and restores the exact minimum and maximum, so a decoded histogram answers every
/// percentile as the encoded one did, and merging decoded shards is exact.
public struct EncodedHistogram: Sendable, Codable, Equatable {
    public var unit: String
    public var lowestDiscernibleValue: UInt64
    public var highestTrackableValue: UInt64
    public var significantDigits: Int
    public var totalCount: UInt64
    /// `[value, count]` pairs in increasing value order.
    public var counts: [[UInt64]]

    public init(_ h: Histogram<UInt64>) {
        unit = "us"
        lowestDiscernibleValue = h.lowestDiscernibleValue
        highestTrackableValue = h.highestTrackableValue
        significantDigits = Int(h.numberOfSignificantValueDigits.rawValue)
        totalCount = h.totalCount
        var pairs: [[UInt64]] = []
        if h.totalCount > 0 {
            let smallest = h.min
            let largest = h.maxRecorded
            for v in h.recordedValues() {
                let low = h.lowestEquivalentForValue(v.value)
                let count = v.count
                let holdsMin = h.valuesAreEquivalent(low, smallest)
                let holdsMax = h.valuesAreEquivalent(low, largest)
                if holdsMin && holdsMax && count > 1 {
                    pairs.append([smallest, 1])
                    pairs.append([largest, count - 1])
                } else if holdsMax {
                    pairs.append([largest, count])
                } else if holdsMin {
                    pairs.append([smallest, count])
                } else {
                    pairs.append([low, count])
                }
            }
        }
        counts = pairs
    }

    /// The histogram back, or an error naming what is wrong with the stored form.
    public func decode() throws(LoadError) -> Histogram<UInt64> {
        guard let digits = SignificantDigits(rawValue: Int8(clamping: significantDigits)) else {
            throw LoadError("a histogram has \(significantDigits) significant digits (1 to 5 allowed)")
        }
        guard lowestDiscernibleValue >= 1, highestTrackableValue >= 2 * lowestDiscernibleValue else {
            throw LoadError("a histogram has an invalid value range")
        }
        var h = Histogram<UInt64>(
            lowestDiscernibleValue: lowestDiscernibleValue,
            highestTrackableValue: highestTrackableValue, numberOfSignificantValueDigits: digits)
        for pair in counts {
            guard pair.count == 2, pair[0] <= highestTrackableValue else {
                throw LoadError("a histogram bucket is not [value, count] within range")
            }
            _ = h.record(pair[0], count: pair[1])
        }
        guard h.totalCount == totalCount else {
            throw LoadError(
                "a histogram's buckets add up to \(h.totalCount), not its totalCount \(totalCount)")
        }
        return h
    }
}
