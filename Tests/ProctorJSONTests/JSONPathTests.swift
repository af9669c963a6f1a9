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
