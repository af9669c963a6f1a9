import Foundation
import Testing

@testable import ProctorJSON

/// The vendors' reference examples, kept in the repository as the vendor templates' data files.
func referenceExamples() throws -> [URL] {
    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let folder = root.appendingPathComponent("Sources/ProctorVendors/Templates/ReferenceExamples")
    let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
    return files.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
}

/// Removes JSON whitespace outside string literals.
func stripWhitespace(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    var inString = false
    var escaped = false
    for b in bytes {
        if inString {
            out.append(b)
            if escaped {
                escaped = false
            } else if b == 0x5C {
                escaped = true
            } else if b == 0x22 {
                inString = false
            }
            continue
        }
        switch b {
        case 0x20, 0x0A, 0x0D, 0x09: continue
        case 0x22: inString = true; out.append(b)
        default: out.append(b)
        }
    }
    return out
}

@Suite struct JSONValueTests {
    @Test func referenceExamplesRoundTripByteForByte() throws {
        let files = try referenceExamples()
        try #require(files.count >= 45)
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            let value = try JSONValue(parsing: bytes)
            #expect(
                value.serializedBytes(style: .compact) == stripWhitespace(bytes), "\(file.lastPathComponent)")
            let pretty = value.serializedBytes(style: .pretty)
            #expect(try JSONValue(parsing: pretty) == value)
        }
    }

    @Test func prettyMatchesTheExamplesLayout() throws {
        let file = try #require(
            try referenceExamples().first { $0.lastPathComponent == "talview__ae.test_instance.updated.json" }
        )
        let text = try String(contentsOf: file, encoding: .utf8)
        let value = try JSONValue(parsing: text)
        #expect(value.serialized(style: .pretty) == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test(arguments: [
        ("1", "1"), ("1.0", "1.0"), ("-0", "-0"), ("1e5", "1e5"), ("57.49999999999999", "57.49999999999999"),
        ("12345678901234567890123", "12345678901234567890123"), ("-3", "-3"), ("0.10", "0.10"),
    ])
    func numbersKeepTheirLiteral(input: String, output: String) throws {
        let value = try JSONValue(parsing: input)
        #expect(value.serialized() == output)
    }

    @Test func integersAndFloatsAreDistinctInTextButEqualInValue() throws {
        let a = try JSONValue(parsing: "1")
        let b = try JSONValue(parsing: "1.0")
        #expect(a.serialized() == "1")
        #expect(b.serialized() == "1.0")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.typeName == "integer" && b.typeName == "integer")
        #expect(try JSONValue(parsing: "1.5").typeName == "number")
        #expect(JSONValue.int(1).serialized() == "1")
    }

    @Test func exactComparisonOfLargeNumbers() throws {
        let big = try #require(JSONNumber(literal: "18446744073709551616"))
        let bigger = try #require(JSONNumber(literal: "18446744073709551617"))
        #expect(big < bigger)
        #expect(big != bigger)
        #expect(JSONNumber(literal: "1e2") == JSONNumber(100))
        #expect(JSONNumber(literal: "-1.5")! < JSONNumber(-1))
        #expect(
            JSONNumber(literal: "0.1")!.decimal
                == JSONNumber.Decimal(negative: false, digits: "1", exponent: -1))
    }

    /// Found by the `json` fuzz target: an exponent that does not fit in `Int` was read as 0
    /// (`12.1e3083456789012345678901234567890` equal to `12.1`), and one at `Int`'s edge trapped.
    @Test func exponentsBeyondIntCompareAndDoNotTrap() throws {
        let huge = try #require(JSONNumber(literal: "12.1e3083456789012345678901234567890"))
        let tiny = try #require(JSONNumber(literal: "-1e-99999999999999999999"))
        #expect(huge > JSONNumber(92_233_720_368_547_758))
        #expect(huge != (try #require(JSONNumber(literal: "12.1"))))
        #expect(
            try #require(JSONNumber(literal: "1e99999999999999999999")) > #require(
                JSONNumber(literal: "1e300")))
        #expect(tiny < JSONNumber(0) && tiny > JSONNumber(-1))
        #expect(huge.decimal.exponent == JSONNumber.Decimal.exponentLimit - 1)
        for literal in ["1.5e-9223372036854775808", "10e9223372036854775807", "0e99999999999999999999"] {
            let number = try #require(JSONNumber(literal: literal))
            #expect(number == number)
            #expect(number.isInteger == !literal.hasPrefix("1.5"))
        }
    }

    @Test func keyOrderIsKept() throws {
        let value = try JSONValue(parsing: #"{"z":1,"a":2,"m":{"y":true,"b":null}}"#)
        #expect(value.serialized() == #"{"z":1,"a":2,"m":{"y":true,"b":null}}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
    }

    @Test func stringsEscapeAndUnescape() throws {
        let value = try JSONValue(parsing: #""a\"b\\c\n\u00e9\ud83d\ude00\/""#)
        #expect(value.stringValue == "a\"b\\c\né😀/")
        #expect(value.serialized() == #""a\"b\\c\né😀/""#)
        #expect(JSONValue.string("\u{1}").serialized() == #""\u0001""#)
    }

    @Test(arguments: [
        ("", 1, 1), ("{", 1, 2), ("[1,]", 1, 4), ("{\"a\" 1}", 1, 6), ("01", 1, 2), ("[1]\n x", 2, 2),
        ("\"abc", 1, 1), ("nul", 1, 1), ("\"\\x\"", 1, 2), ("{\"a\":1,}", 1, 8), ("\"\\ud800\"", 1, 8),
    ])
    func malformedInputReportsPosition(input: String, line: Int, column: Int) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: input) }
        do {
            _ = try JSONValue(parsing: input)
        } catch {
            #expect(error.line == line, "\(input.debugDescription): \(error)")
            #expect(error.column == column, "\(input.debugDescription): \(error)")
        }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func deepNestingIsBounded() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONValue(parsing: ok)) != nil)
    }

    @Test func duplicateKeysCanBeRejected() throws {
        let value = try JSONValue(parsing: #"{"a":1,"b":2,"a":3}"#)
        #expect(value.serialized() == #"{"a":3,"b":2}"#)
        #expect(throws: JSONParseError.self) {
            try JSONParser(duplicateKeys: .reject).parse(#"{"a":1,"a":2}"#)
        }
    }

    @Test func duplicateKeysInLargeAndNonASCIIObjects() throws {
        // More than 16 members: the repeated key keeps its first position and takes the last value.
        let members = (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let large = try JSONValue(parsing: "{" + members + ",\"k3\":99}")
        #expect(large.objectValue?.count == 20)
        #expect(large.objectValue?.key(at: 3) == "k3")
        #expect(large["k3"] == 99)
        // Keys of equal length that differ are distinct; canonically equal keys are one key.
        let same = try JSONValue(parsing: #"{"ab":1,"ba":2,"\u00e9":3,"e\u0301":4}"#)
        #expect(same.objectValue?.count == 3)
        #expect(same["\u{E9}"] == 4)
        do {
            _ = try JSONParser(duplicateKeys: .reject).parse("{" + members + ",\n \"k7\": 1}")
            Issue.record("a repeated key was accepted")
        } catch {
            #expect(error.line == 2 && error.column == 2)
            #expect(error.message == "duplicate key \"k7\"")
        }
    }

    @Test func pointers() throws {
        let value = try JSONValue(parsing: #"{"a/b":[10,{"~k":"v"}]}"#)
        #expect(value.value(at: JSONPointer("/a~1b/1/~0k")!) == "v")
        #expect(value.value(at: JSONPointer("/a~1b/2")!) == nil)
        #expect(JSONPointer(tokens: ["a/b", "~"]).description == "/a~1b/~0")
        #expect(JSONPointer("nope") == nil)
    }

    /// A token that starts with a combining mark joins the `/` before it into one Swift
    /// `Character`; pointers are read and written by Unicode scalar (found by the json fuzz target).
    @Test func pointersWithCombiningMarks() throws {
        for tokens in [["\u{20E9}"], ["a", "\u{301}b", ""], ["~\u{301}", "/\u{301}"], ["e\u{302}", "\u{20E9}~"]] {
            let pointer = JSONPointer(tokens: tokens)
            #expect(JSONPointer(pointer.description)?.tokens == tokens, "\(tokens)")
        }
        #expect(JSONPointer("/\u{20E9}")?.tokens == ["\u{20E9}"])
        #expect(JSONPointer("/~\u{301}") == nil)
        #expect(JSONPointer(tokens: ["~\u{301}"]).description == "/~0\u{301}")
        let value = try JSONValue(parsing: #"{"\u20e9":2,"x":{"\u0301":[3]}}"#)
        #expect(value.value(at: JSONPointer("/\u{20E9}")!) == 2)
        #expect(value.value(at: JSONPointer("/x/\u{301}/0")!) == 3)
    }
}
