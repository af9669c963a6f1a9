import ProctorCore

/// A story's virtual time placed on the real clock so that no payload is dated after its request
/// is sent.
///
/// A story places each event at an offset from its start: the `after:` waits before it
/// (unscaled), and never sooner than a seeded gap after the same actor's previous event
/// (``VendorCatalog/storyTimes(vendor:actor:events:)``). Delivery waits the same `after:`
/// multiplied by `--time-scale` and nothing for the gaps, so the story can run ahead of the
/// delivery. The timeline starts the story early enough that every event's time is at or before
/// the earliest moment its request can leave, counted in whole seconds like a signature
/// timestamp:
///
///     anchor = start - max(0, max over events (story time - whole seconds of the scaled wait before it))
///
/// `start` is when delivery starts (or the pinned `--time`), rounded down to the second. Retries,
/// `delay`, a reordered delivery and actors waiting for a free slot only make the request later.
public struct StoryTimeline: Sendable, Hashable {
    /// Where story time 0 falls, in milliseconds since the epoch.
    public let anchorMilliseconds: Int64
    /// The delivery start the story was placed against, in whole seconds (milliseconds).
    public let startMilliseconds: Int64

    /// One event of the story: its time from the story's start, and the scaled waits delivery
    /// makes before sending it (from the start of delivery).
    public struct Event: Sendable, Hashable {
        public var storyMilliseconds: Int64
        public var waitMilliseconds: Int64
        public init(storyMilliseconds: Int64, waitMilliseconds: Int64) {
            self.storyMilliseconds = storyMilliseconds
            self.waitMilliseconds = waitMilliseconds
        }
    }

    public init(start: Int64, events: [Event]) {
        let startSecond = Self.wholeSeconds(start)
        var lead: Int64 = 0
        for event in events {
            lead = max(lead, event.storyMilliseconds - Self.wholeSeconds(max(0, event.waitMilliseconds)))
        }
        startMilliseconds = startSecond
        anchorMilliseconds = startSecond - lead
    }

    /// The real time of a story time.
    public func time(_ storyMilliseconds: Int64) -> Int64 { anchorMilliseconds + storyMilliseconds }

    /// Milliseconds rounded down to a whole second.
    public static func wholeSeconds(_ milliseconds: Int64) -> Int64 {
        let (q, r) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        return (r < 0 ? q - 1 : q) * 1000
    }

    /// A duration in whole milliseconds (rounded down), saturating.
    public static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        return whole.addingReportingOverflow(attoseconds / 1_000_000_000_000_000).partialValue
    }
}
