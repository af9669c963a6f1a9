import Foundation
import Histogram
import ProctorCore
import ProctorRunner
import Testing

@testable import ProctorLoad

/// The HTML reports as a browser draws them: headless Chromium renders a run report and a load
/// report to PNG, and each PNG must be a real page (1280 pixels wide, not a blank or error page).
/// Runs where a Chromium is installed, and must run where PROCTOR_REQUIRE_BROWSER=1 (CI installs
/// it); elsewhere it shows as skipped.
@Suite(.serialized) struct HTMLScreenshotTests {
    static let browser: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for folder in path.split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    static let required = ProcessInfo.processInfo.environment["PROCTOR_REQUIRE_BROWSER"] == "1"

    @Test(
        .enabled(
            if: browser != nil || required,
            "install chromium (or set PROCTOR_REQUIRE_BROWSER=1 to make its absence fail)"),
        .timeLimit(.minutes(2)))
    func reportsRenderInAHeadlessBrowser() async throws {
        let browser = try #require(Self.browser, "PROCTOR_REQUIRE_BROWSER=1 but no chromium on PATH")
        let folder = NSTemporaryDirectory() + "proctor-screenshots-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["PROCTOR_KEEP_SCREENSHOTS"] == nil {
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
        let pages = [
            ("run", HTMLReport.render(HTMLReportTests.handMadeRun())),
            ("load", try Self.loadReport().html()),
        ]
        for (name, html) in pages {
            let page = "\(folder)/\(name).html"
            let png = "\(folder)/\(name).png"
            try Data(html.utf8).write(to: URL(fileURLWithPath: page))
            let result = try await TestProcesses.run(
                "/usr/bin/timeout",
                [
                    "60", browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--no-first-run", "--user-data-dir=\(folder)/profile-\(name)", "--window-size=1280,2000",
                    "--screenshot=\(png)", "file://\(page)",
                ])
            let data = try #require(
                FileManager.default.contents(atPath: png),
                "\(name): no screenshot (exit \(result.status)):\n\(result.err.suffix(2000))")
            let size = try #require(Self.pngSize(data), "\(name): not a PNG")
            #expect(size.width == 1280 && size.height == 2000, "\(name): \(size)")
            // A blank page compresses to a few kilobytes; text, tables and charts do not.
            #expect(data.count > 40_000, "\(name): \(data.count) bytes; kept in \(folder)")
        }
    }

    /// The width and height in a PNG's IHDR chunk.
    static func pngSize(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            bytes[12..<16] == [0x49, 0x48, 0x44, 0x52]
        else { return nil }
        func int(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (int(16), int(20))
    }

    /// Ten seconds of load around 2 ms, one 6.9 s outlier, a second without responses and a
    /// burst of errors, interrupted.
    static func loadReport() -> LoadReport {
        var all = LatencyHistogram.make()
        var timeline: [LoadReport.Interval] = []
        var counters = LoadCounters()
        var random = SeededRandom(seed: 7)
        for second in 1...10 {
            var h = LatencyHistogram.make(digits: .two)
            let count = second == 6 ? 0 : 180 + Int(random.next() % 40)
            for _ in 0..<count {
                let v = 1200 + random.next() % 2500
                _ = h.record(v)
                _ = all.record(v)
            }
            if second == 4 {
                _ = h.record(6_900_000)
                _ = all.record(6_900_000)
            }
            let errors: UInt64 = second == 7 ? 35 : second == 8 ? 12 : 0
            timeline.append(
                LoadReport.Interval(
                    end: Double(second), responses: h.totalCount, errors: errors, latency: EncodedHistogram(h)
                ))
            counters.succeeded += h.totalCount
            counters.errors["5xx", default: 0] += errors
        }
        counters.sent = counters.succeeded + counters.errorCount
        counters.arrivals = counters.sent / 2
        return LoadReport(
            configuration: LoadReport.Configuration(
                vendor: "testlify", events: ["candidate.invited", "candidate.enrolled"],
                target: "http://127.0.0.1:8787/webhooks/testlify", seed: 1, model: "open",
                actorsPerSecond: 100,
                concurrency: nil, durationSeconds: 30, rampSeconds: 2, actors: nil, maxInFlight: 1000,
                connections: 8, timeoutSeconds: 10, payloads: "pooled", variedFields: ["candidateId"],
                signing: "Standard Webhooks v1"),
            shards: [.whole], startedAt: "2026-12-02T16:00:00.000Z", arrivalSeconds: 10, elapsedSeconds: 10.2,
            interrupted: true, counters: counters, corrected: EncodedHistogram(all),
            uncorrected: EncodedHistogram(all), timeline: timeline)
    }
}
