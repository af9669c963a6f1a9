/// A self-contained HTML report page: inline CSS, inline SVG charts, no scripts and no external
/// resources, so it can be attached to a CI run and opened anywhere. Used for load reports and
/// for any report that is a list of sections (summary tables, charts, timelines).
public struct HTMLPage: Sendable {
    public enum Section: Sendable {
        case heading(String)
        case paragraph(String)
        /// A table: header cells, then rows.
        case table(header: [String], rows: [[String]])
        /// An inline SVG chart with a caption.
        case chart(caption: String, svg: String)
        /// A banner across the page: the run's verdict (`PASS`, `FAIL`, `INTERRUPTED`) and why.
        case banner(Banner)
        /// Already-escaped HTML.
        case raw(String)
    }

    /// The verdict shown at the top of a report, in a colour that says how the run went.
    public struct Banner: Sendable, Hashable {
        public enum Tone: String, Sendable, Hashable {
            case pass
            case fail
            /// Interrupted or stopped early: the figures cover only part of the run.
            case warning
        }

        public var tone: Tone
        /// A short word or two: `PASS`, `FAIL`, `INTERRUPTED`.
        public var title: String
        public var detail: String

        public init(tone: Tone, title: String, detail: String) {
            self.tone = tone
            self.title = title
            self.detail = detail
        }

        public func render() -> String {
            "<div class=\"banner \(tone.rawValue)\" role=\"status\"><strong>\(HTML.escape(title))</strong> \(HTML.escape(detail))</div>"
        }
    }

    public var title: String
    public var sections: [Section]

    public init(title: String, sections: [Section] = []) {
        self.title = title
        self.sections = sections
    }

    public func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title))</title>
            <style>
            body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1d2330; margin: 2em auto; max-width: 980px; padding: 0 1em; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
            table { border-collapse: collapse; margin: .5em 0 1em; }
            th, td { text-align: left; padding: .25em .9em .25em 0; border-bottom: 1px solid #e3e6ec; font-variant-numeric: tabular-nums; }
            th { color: #5b6372; font-weight: 600; }
            figure { margin: 1em 0 2em; } figcaption { color: #5b6372; margin-top: .3em; }
            svg { max-width: 100%; height: auto; }
            svg text { font: 11px -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; fill: #5b6372; }
            .banner { padding: .7em 1em; border-radius: 6px; margin: 1em 0; font-size: 1.05em; border-left: 6px solid; }
            .banner strong { margin-right: .6em; letter-spacing: .04em; }
            .banner.pass { background: #ebfbee; border-color: #2b8a3e; color: #1b5e2a; }
            .banner.fail { background: #fff0f0; border-color: #c92a2a; color: #8a1c1c; }
            .banner.warning { background: #fff4e6; border-color: #e8590c; color: #8a3a06; }
            td.mark { font-weight: 700; } tr.passed td.mark { color: #2b8a3e; } tr.failed td.mark, tr.error td.mark { color: #c92a2a; } tr.not-sent td.mark { color: #868e96; }
            td.detail { max-width: 28em; white-space: pre-wrap; overflow-wrap: anywhere; }
            details summary { cursor: pointer; color: #2f6fde; }
            pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f7f9; padding: .5em; margin: .3em 0; font-size: 12px; }
            .legend span { display: inline-block; margin-right: 1.2em; } .legend i { display: inline-block; width: .9em; height: .9em; margin-right: .35em; vertical-align: -1px; border-radius: 2px; }
            </style>
            </head>
            <body>
            <h1>\(HTML.escape(title))</h1>

            """
        for section in sections {
            switch section {
            case .heading(let text): html += "<h2>\(HTML.escape(text))</h2>\n"
            case .paragraph(let text): html += "<p>\(HTML.escape(text))</p>\n"
            case .table(let header, let rows):
                html += "<table>\n<tr>" + header.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr>\n"
                for row in rows {
                    html += "<tr>" + row.map { "<td>\(HTML.escape($0))</td>" }.joined() + "</tr>\n"
                }
                html += "</table>\n"
            case .chart(let caption, let svg):
                html += "<figure>\n\(svg)\n<figcaption>\(HTML.escape(caption))</figcaption>\n</figure>\n"
            case .banner(let banner): html += banner.render() + "\n"
            case .raw(let text): html += text + "\n"
            }
        }
        return html + "</body>\n</html>\n"
    }
}

public enum HTML {
    /// Escapes text for element content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
