/// Key names, for messages, the JSON Schema and suggestions.
public enum ScenarioKeys {
    public static let topLevel = [
        "scenario", "vendor", "version", "mirror", "target", "secret", "seed", "defaults", "actors", "steps",
        "retries", "faults", "concurrency", "timeout", "method", "signing",
        "thresholds",
    ]
    public static let signing = ["header", "algorithm", "encoding", "prefix"]
    public static let required = ["scenario", "vendor", "steps"]
    public static let defaults = ["timeout", "expect", "headers"]
    public static let step = [
        "send", "probe", "lifecycle", "include", "id", "as", "after", "with", "body", "fault", "quirks",
        "expect",
    ]
    public static let actions = ["send", "probe", "lifecycle", "include"]
    public static let expect = ["status", "headers", "body", "within", "format"]
    public static let probeMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    /// Keys each action allows besides itself.
    public static let allowed: [String: Set<String>] = [
        "send": ["id", "as", "after", "with", "body", "fault", "quirks", "expect"],
        "probe": ["id", "as", "after", "expect"],
        "lifecycle": ["as", "after", "quirks", "expect"],
        "include": ["as"],
    ]
}
