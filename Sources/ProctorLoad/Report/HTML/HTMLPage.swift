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
        /// Already-escaped HTML.
        case raw(String)
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
