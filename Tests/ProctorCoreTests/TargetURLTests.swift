import Testing

@testable import ProctorCore

@Suite struct TargetURLTests {
    struct Valid: Sendable, CustomStringConvertible {
        var text: String
        var scheme: TargetURL.Scheme
        var host: String
        var port: Int
        var pathAndQuery: String
        var hostHeader: String
        var normal: String
        var description: String { text }
    }

    @Test(arguments: [
        Valid(
            text: "http://127.0.0.1:8080/hooks?x=1", scheme: .http, host: "127.0.0.1", port: 8080,
            pathAndQuery: "/hooks?x=1", hostHeader: "127.0.0.1:8080",
            normal: "http://127.0.0.1:8080/hooks?x=1"),
        Valid(
            text: "http://localhost", scheme: .http, host: "localhost", port: 80, pathAndQuery: "/",
            hostHeader: "localhost", normal: "http://localhost/"),
        Valid(
            text: "https://example.com/webhooks/testlify", scheme: .https, host: "example.com", port: 443,
            pathAndQuery: "/webhooks/testlify", hostHeader: "example.com",
            normal: "https://example.com/webhooks/testlify"),
        Valid(
            text: "https://example.com:8443", scheme: .https, host: "example.com", port: 8443,
            pathAndQuery: "/",
            hostHeader: "example.com:8443", normal: "https://example.com:8443/"),
        Valid(
            text: "http://[::1]:9000/a", scheme: .http, host: "::1", port: 9000, pathAndQuery: "/a",
            hostHeader: "[::1]:9000", normal: "http://[::1]:9000/a"),
        Valid(
            text: "http://[fe80::1]/", scheme: .http, host: "fe80::1", port: 80, pathAndQuery: "/",
            hostHeader: "[fe80::1]", normal: "http://[fe80::1]/"),
        Valid(
            text: "HTTP://Example.COM:80/A", scheme: .http, host: "Example.COM", port: 80, pathAndQuery: "/A",
            hostHeader: "Example.COM", normal: "http://Example.COM/A"),
        Valid(
            text: "http://h?x=1&y=%20", scheme: .http, host: "h", port: 80, pathAndQuery: "/?x=1&y=%20",
            hostHeader: "h", normal: "http://h/?x=1&y=%20"),
        Valid(
            text: "http://h:65535/", scheme: .http, host: "h", port: 65535, pathAndQuery: "/",
            hostHeader: "h:65535", normal: "http://h:65535/"),
        Valid(
            text: "http://my_host-1.internal:1/x/y/", scheme: .http, host: "my_host-1.internal", port: 1,
            pathAndQuery: "/x/y/", hostHeader: "my_host-1.internal:1",
            normal: "http://my_host-1.internal:1/x/y/"),
    ])
    func valid(_ v: Valid) throws {
        let url = try TargetURL(parsing: v.text)
        #expect(url.scheme == v.scheme)
        #expect(url.host == v.host)
        #expect(url.port == v.port)
        #expect(url.pathAndQuery == v.pathAndQuery)
        #expect(url.hostHeader == v.hostHeader)
        #expect(url.description == v.normal)
        // The normal form reads back as the same target.
        #expect(try TargetURL(parsing: url.description) == url)
    }

    @Test(arguments: [
        ("", "is empty; expected an http:// or https:// URL"),
        ("ftp://example.com/hooks", "has the scheme \"ftp\"; expected an http:// or https:// URL"),
        ("localhost:8080/hooks", "has no scheme; expected an http:// or https:// URL"),
        ("127.0.0.1", "has no scheme; expected an http:// or https:// URL"),
        ("://host/", "has no scheme; expected an http:// or https:// URL"),
        ("http:/host", "has no scheme; expected an http:// or https:// URL"),
        ("http://user:pass@host/", "has user information before \"@\"; send credentials in a header instead"),
        ("http://host/a#frag", "has a fragment (#...), which is never sent to a server"),
        ("http://host/a b", "contains a space; write it as %20"),
        ("http://host/a\r\nX-Injected: 1", "contains a line break"),
        ("http://host/a\n", "contains a line break"),
        ("http://host/\u{0}", "contains the control character U+0000"),
        ("http://host/\t", "contains the control character U+0009"),
        ("http://host/\u{7F}", "contains the control character U+007F"),
        (
            "http://hôst/",
            "contains the non-ASCII character \"ô\"; percent-encode it (and write a host in its xn-- form)"
        ),
        ("http://", "has no host"),
        ("http:///path", "has no host"),
        ("http://:8080/", "has no host"),
        ("http://host:0/", "has the port \"0\"; expected a number from 1 to 65535"),
        ("http://host:65536/", "has the port \"65536\"; expected a number from 1 to 65535"),
        ("http://host:99999/", "has the port \"99999\"; expected a number from 1 to 65535"),
        ("http://host:/", "has the port \"\"; expected a number from 1 to 65535"),
        ("http://host:80a/", "has the port \"80a\"; expected a number from 1 to 65535"),
        ("http://host:+80/", "has the port \"+80\"; expected a number from 1 to 65535"),
        ("http://::1/", "has an IPv6 host without brackets; write it like http://[::1]:8080/"),
        ("http://[::1/", "has a malformed IPv6 host; write it in brackets, like http://[::1]:8080/"),
        ("http://[::1]x/", "has a malformed IPv6 host; write it in brackets, like http://[::1]:8080/"),
        ("http://[example.com]/", "has a malformed IPv6 host; write it in brackets, like http://[::1]:8080/"),
        ("http://[]/", "has a malformed IPv6 host; write it in brackets, like http://[::1]:8080/"),
        ("http://ho<st/", "has the character \"<\" in its host"),
        ("http://ho\\st/", "has the character \"\\\" in its host"),
    ])
    func invalid(text: String, reason: String) {
        do throws(TargetURLError) {
            let url = try TargetURL(parsing: text)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.text == text)
            #expect(error.problem.reason == reason)
        }
    }

    @Test func schemeProblemsAreTold() throws {
        #expect(TargetURLError(text: "ftp://x", problem: .unsupportedScheme("ftp")).problem.isScheme)
        #expect(TargetURLError(text: "x", problem: .noScheme).problem.isScheme)
        #expect(!TargetURLError(text: "http://", problem: .noHost).problem.isScheme)
        #expect(
            TargetURLError(text: "http://", problem: .noHost).description == "target \"http://\" has no host")
    }

    @Test func partsAndOrigin() throws {
        let url = try TargetURL(parsing: "https://[::1]:8443/a/b?c=d")
        #expect(url.origin == "https://[::1]:8443")
        #expect(url.path == "/a/b")
        #expect(url.query == "c=d")
        #expect(TargetURL(host: "127.0.0.1", port: 8787).origin == "http://127.0.0.1:8787")
        #expect(TargetURL(scheme: .https, host: "h").description == "https://h/")
    }

    /// Addresses are told from names for TLS: a name goes out as SNI, an address does not.
    @Test(arguments: [
        ("https://127.0.0.1:8443/", true), ("https://[::1]:8443/", true), ("https://[fe80::a]/", true),
        ("https://10.0.0.255/", true), ("https://consumer.example/", false), ("https://cafe/", false),
        ("https://1.2.3/", false), ("https://1.2.3.4.5/", false), ("https://256.1.1.1/", false),
        ("https://1.2.3.4a/", false), ("https://123.example/", false),
    ])
    func addressesAreToldFromNames(text: String, isAddress: Bool) throws {
        #expect(try TargetURL(parsing: text).hostIsAddress == isAddress, "\(text)")
    }
}
