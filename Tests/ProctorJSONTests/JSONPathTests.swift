import Testing

@testable import ProctorJSON

@Suite struct JSONPathTests {
    @Test func parsesKeysAndIndexes() throws {
        #expect(
            try JSONPath(parsing: "data.customQuestions[0].score").components
                == [.key("data"), .key("customQuestions"), .index(0), .key("score")])
        #expect(try JSONPath(parsing: "a[1][2]").components == [.key("a"), .index(1), .index(2)])
        for bad in ["", "a..b", "a.", "[0]", "a[x]", "a[0]b", ".a"] {
            #expect(throws: JSONPathError.self, "\(bad)") { try JSONPath(parsing: bad) }
        }
    }

    /// The paths the `with:` grammar and the `--set` grammar used to disagree on, and the rest of
    /// the malformed ones, each with its one message.
    @Test(arguments: [
        ("a[1", "\"[\" without a closing \"]\""),
        ("a[", "\"[\" without a closing \"]\""),
        ("a[1.b]", "\"[\" without a closing \"]\""),
        ("a]", "unexpected \"]\""),
        ("a]b", "unexpected \"]\""),
        ("a[0]]", "unexpected \"]\""),
        ("a.[0]", "expected a key after \".\", found \"[\""),
        ("a[12345678901]", "index 12345678901 is larger than 999999999"),
        ("a[+1]", "\"[+1]\" is not an array index"),
        ("a[-1]", "\"[-1]\" is not an array index"),
        ("a[ 1]", "\"[ 1]\" is not an array index"),
        ("a[]", "\"[]\" is not an array index"),
        ("a[x]", "\"[x]\" is not an array index"),
        ("", "empty path"),
        (".a", "a path starts with a key, not \".\""),
        ("[0]", "a path starts with a key, not \"[\""),
        ("a..b", "empty key between two dots"),
        ("a.", "path ends with \".\""),
        ("a[0]b", "expected \".\" or \"[\" after \"]\""),
    ])
    func rejectsMalformedPaths(path: String, message: String) {
        #expect(throws: JSONPathError(path: path, message: message)) { try JSONPath(parsing: path) }
    }

    @Test(arguments: [
        ("a", [JSONPath.Component.key("a")]),
        ("a b.c-d", [.key("a b"), .key("c-d")]),
        ("naïve.clé", [.key("naïve"), .key("clé")]),
        ("a[0][10].b", [.key("a"), .index(0), .index(10), .key("b")]),
        ("a[007]", [.key("a"), .index(7)]),
        ("a[999999999]", [.key("a"), .index(999_999_999)]),
    ])
    func acceptsPaths(path: String, components: [JSONPath.Component]) throws {
        #expect(try JSONPath(parsing: path).components == components)
    }

    @Test func replacesInPlaceAndAppendsNewKeys() throws {
        var v: JSONValue = ["a": 1, "b": ["c": 2, "d": [1, 2]], "e": 3]
        try v.set(9, at: "b.c")
        try v.set("x", at: "b.new")
        try v.set(7, at: "b.d[1]")
        try v.set(8, at: "b.d[2]")
        try v.set(["k": true], at: "f.g")
        #expect(v.objectValue?.keys == ["a", "b", "e", "f"])
        #expect(v["b"]?.objectValue?.keys == ["c", "d", "new"])
        #expect(v["b"]?["c"] == 9)
        #expect(v["b"]?["d"] == [1, 7, 8])
        #expect(v["f"]?["g"]?["k"] == true)
        #expect(try v.value(at: JSONPath(parsing: "b.d[2]")) == 8)
    }

    @Test func impossiblePathsAreExplained() {
        var v: JSONValue = ["a": 1, "list": [1]]
        #expect(throws: JSONPathError(path: "a.b", message: "\"a\" is integer, not an object")) {
            try v.set(1, at: "a.b")
        }
        #expect(
            throws: JSONPathError(
                path: "list[5]", message: "index 5 is out of range: \"list\" has 1 elements")
        ) {
            try v.set(1, at: "list[5]")
        }
        #expect(throws: JSONPathError(path: "a[0]", message: "\"a\" is integer, not an array")) {
            try v.set(1, at: "a[0]")
        }
    }
}
