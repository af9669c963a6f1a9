/// Wall-clock time for payload timestamps, replaceable by tests.
public protocol WallClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func nowMilliseconds() -> Int64
}

/// A clock that always answers the same instant (tests, reproducible `emit` output).
public struct FixedClock: WallClock {
    public var milliseconds: Int64
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public func nowMilliseconds() -> Int64 { milliseconds }
}
