import ProctorCore

/// `--report junit=PATH`: JUnit XML as GitHub Actions, GitLab and Jenkins read it. One testsuite
/// per scenario, one testcase per step (and actor); failures carry the expectation and the actual
/// answer; steps never sent are `skipped` with the reason. Attributes follow the Jenkins/Surefire
/// XSD (`skipped` is counted per testsuite only); testcase names are unique within their suite.
public enum JUnitReport {
    public static func render(_ run: RunResult) -> String {
        let c = run.counts
        let breached = run.thresholds.filter { !$0.verdict.passed }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml +=
            "<testsuites name=\"proctor\" tests=\"\(c.total + run.thresholds.count)\" failures=\"\(c.failed + breached)\" errors=\"\(c.errors)\" time=\"\(seconds(run.duration))\">\n"
        for scenario in run.scenarios {
            let s = scenario.counts
            xml +=
                "  <testsuite name=\"\(escape(scenario.name))\" tests=\"\(s.total)\" failures=\"\(s.failed)\" errors=\"\(s.errors)\" skipped=\"\(s.notSent)\" time=\"\(seconds(scenario.duration))\" timestamp=\"\(iso8601(scenario.startedAtMilliseconds))\""
            if let file = scenario.file { xml += " file=\"\(escape(file))\"" }
            xml += ">\n"
            xml +=
                "    <properties><property name=\"vendor\" value=\"\(escape(scenario.vendor))\"/></properties>\n"
            for (step, name) in zip(scenario.steps, testcaseNames(scenario.steps)) {
                xml +=
                    "    <testcase name=\"\(escape(name))\" classname=\"\(escape(scenario.vendor + "." + scenario.name))\" time=\"\(seconds(step.duration))\""
                switch step.verdict {
                case .passed:
                    xml +=
                        ">\n      <system-out>\(escape(step.deliverySummary))</system-out>\n    </testcase>\n"
                case .failed(let failures):
                    xml +=
                        ">\n      <failure message=\"\(escape(failures.first ?? "failed"))\" type=\"assertion\">\(escape((failures + [step.deliverySummary]).joined(separator: "\n")))</failure>\n    </testcase>\n"
                case .error(let reason):
                    xml +=
                        ">\n      <error message=\"\(escape(reason))\" type=\"error\">\(escape(reason))</error>\n    </testcase>\n"
                case .notSent(let reason):
                    xml +=
                        ">\n      <skipped message=\"\(escape("not sent: " + reason))\"/>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        xml += thresholdSuite(run.thresholds)
        xml += "</testsuites>\n"
        return xml
    }

    /// One `thresholds` testsuite, one testcase per threshold (named `SCENARIO: THRESHOLD` for a
    /// scenario's `thresholds:`), a breached one with a failure naming what was measured.
    static func thresholdSuite(_ thresholds: [RunThresholdVerdict]) -> String {
        guard !thresholds.isEmpty else { return "" }
        let breached = thresholds.filter { !$0.verdict.passed }.count
        var xml =
            "  <testsuite name=\"thresholds\" tests=\"\(thresholds.count)\" failures=\"\(breached)\" errors=\"0\" skipped=\"0\">\n"
        for t in thresholds {
            let name = (t.scenario.map { "\($0): " } ?? "") + t.verdict.threshold
            xml += "    <testcase name=\"\(escape(name))\" classname=\"thresholds\""
            if t.verdict.passed {
                xml += ">\n      <system-out>\(escape(t.verdict.observed))</system-out>\n    </testcase>\n"
            } else {
                let message = "threshold breached: \(t.verdict.threshold) (\(t.verdict.observed))"
                xml +=
                    ">\n      <failure message=\"\(escape(message))\" type=\"threshold\">\(escape(message))</failure>\n    </testcase>\n"
            }
        }
        return xml + "  </testsuite>\n"
    }

    /// `actor: id: send event [fault]` (the step's `id:` when it has one), made unique within the
    /// suite by the step's position where two steps would share a name.
    static func testcaseNames(_ steps: [StepResult]) -> [String] {
        let names = steps.map { step in
            (step.actor.map { "\($0): " } ?? "") + (step.id.map { "\($0): " } ?? "") + step.name
                + (step.fault.map { " [\($0)]" } ?? "")
        }
        var seen: [String: Int] = [:]
        for name in names { seen[name, default: 0] += 1 }
        return zip(names, steps).map { name, step in
            (seen[name] ?? 0) > 1 ? "\(name) (step \(step.index + 1))" : name
        }
    }

    /// XML text and attribute escaping; control characters XML 1.0 forbids are dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func seconds(_ d: Duration) -> String {
        let ms = d.nanoseconds / 1_000_000
        let frac = String(ms % 1000)
        return "\(ms / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
    }

    static func iso8601(_ milliseconds: Int64) -> String {
        // JUnit timestamps have no zone and no fraction.
        String(FakeData.isoTimestamp(milliseconds: milliseconds).prefix(19))
    }
}
