import ProctorJSON

extension FuzzTarget {
    static let json = FuzzTarget(
        name: "json",
        summary: "JSONParser: round trips, error positions, numbers, pointers",
        check: JSONFuzz.check)
}

/// The JSON parser and serializer.
///
/// - A document that parses serializes (compact and pretty) to text that parses back to the same
///   tokens in the same order, and serializing that again gives the same bytes.
/// - Rejecting duplicate keys changes nothing else: it fails only with a duplicate key message,
///   and when it succeeds it gives the same value.
/// - Valid UTF-8 parses the same through `parse(String)` as through the bytes.
/// - An error's offset is inside the input and its line and column count to it.
/// - Numbers: `==` agrees with `hash`, `<` is a strict order consistent with `==` and with the
///   order of their `Double` values where those differ, and a literal serializes to a valid literal.
/// - Every value is found again at its JSON Pointer, and pointers survive their text form.
enum JSONFuzz {
    static func check(_ input: UnsafeRawBufferPointer) {
        let bytes = input.bindMemoryIfNeeded()
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes: bytes)
        } catch {
            checkError(error, input: input)
            Invariant.require(
                (try? JSONParser(duplicateKeys: .reject).parse(bytes: bytes)) == nil,
                "rejecting duplicate keys accepted what last-wins parsing rejects: \(error)")
            if let text = input.validUTF8 {
                Invariant.require(
                    (try? JSONParser().parse(text)) == nil,
                    "parse(String) accepted what parse(bytes:) rejects")
            }
            return
        }
        checkRoundTrip(value)
        do {
            let strict = try JSONParser(duplicateKeys: .reject).parse(bytes: bytes)
            Invariant.require(identical(strict, value), "rejecting duplicate keys gave another value")
        } catch {
            Invariant.require(
                error.message.hasPrefix("duplicate key"),
                "rejecting duplicate keys failed for another reason: \(error)")
        }
        if let text = input.validUTF8 {
            do {
                let fromText = try JSONParser().parse(text)
                Invariant.require(identical(fromText, value), "parse(String) and parse(bytes:) differ")
            } catch {
                Invariant.fail("parse(String) rejects what parse(bytes:) accepts: \(error)")
            }
        }
        var numbers: [JSONNumber] = []
        walk(value, at: JSONPointer(), root: value, numbers: &numbers)
        checkNumbers(numbers)
    }

    static func checkRoundTrip(_ value: JSONValue) {
        for style in [JSONValue.Style.compact, .pretty] {
            let text = value.serializedBytes(style: style)
            Invariant.require(String(validating: text, as: UTF8.self) != nil, "\(style) output is not UTF-8")
            let again: JSONValue
            do {
                again = try JSONParser(duplicateKeys: .reject).parse(text)
            } catch {
                Invariant.fail(
                    "\(style) output does not parse: \(error): \(Invariant.show(String(decoding: text, as: UTF8.self)))"
                )
            }
            Invariant.require(identical(again, value), "\(style) output parses to another value")
            Invariant.require(again == value, "a value is not equal to its round trip")
            Invariant.require(again.hashValue == value.hashValue, "equal values hash differently")
            Invariant.require(
                again.serializedBytes(style: style) == text, "\(style) serialization is not stable")
        }
    }

    static func checkError(_ error: JSONParseError, input: UnsafeRawBufferPointer) {
        Invariant.require(
            error.offset >= 0 && error.offset <= input.count,
            "error offset \(error.offset) is outside the input (\(input.count) bytes)")
        Invariant.require(!error.message.isEmpty, "error without a message")
        let before = UnsafeRawBufferPointer(rebasing: input[..<error.offset])
        let line = 1 + before.count(where: { $0 == 0x0A })
        Invariant.require(
            error.line == line, "error line \(error.line) for offset \(error.offset), not \(line)")
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let column = 1 + before[lineStart...].count(where: { $0 & 0xC0 != 0x80 })
        Invariant.require(
            error.column == column, "error column \(error.column) for offset \(error.offset), not \(column)")
    }

    /// Checks every value's pointer and collects the numbers (at most 64).
    static func walk(
        _ value: JSONValue, at pointer: JSONPointer, root: JSONValue, numbers: inout [JSONNumber]
    ) {
        guard let found = root.value(at: pointer), identical(found, value) else {
            Invariant.fail("the value at \(pointer) is not found there")
        }
        Invariant.require(
            JSONPointer(pointer.description) == pointer, "pointer \(pointer) does not round-trip")
        switch value {
        case .number(let number):
            if numbers.count < 64 { numbers.append(number) }
            Invariant.require(
                JSONNumber(literal: number.description) == number,
                "number \(number) does not serialize to an equal literal")
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                walk(element, at: pointer.appending(index), root: root, numbers: &numbers)
            }
        case .object(let object):
            for (key, member) in object {
                walk(member, at: pointer.appending(key), root: root, numbers: &numbers)
            }
        case .null, .bool, .string:
            break
        }
    }

    static func checkNumbers(_ numbers: [JSONNumber]) {
        for a in numbers {
            let d = a.decimal
            Invariant.require(
                d.digits == "0" || (d.digits.first != "0" && d.digits.last != "0"),
                "decimal digits of \(a) are not normalized: \(d.digits)e\(d.exponent)")
            Invariant.require(a.isInteger == (a.decimal.exponent >= 0), "isInteger of \(a)")
            if let integer = a.int64Value {
                Invariant.require(a == JSONNumber(integer), "int64Value \(integer) of \(a) is another number")
            }
            for b in numbers {
                let less = a < b
                let greater = b < a
                let equal = a == b
                Invariant.require(
                    [less, greater, equal].count(where: { $0 }) == 1,
                    "\(a) and \(b): less \(less), greater \(greater), equal \(equal)")
                if equal { Invariant.require(a.hashValue == b.hashValue, "\(a) == \(b) but hashes differ") }
                let x = a.doubleValue
                let y = b.doubleValue
                // Rounding to Double keeps order: when the doubles differ, so do the numbers, the same way.
                if x < y { Invariant.require(less, "\(a) < \(b) as Double (\(x) < \(y)) but not exactly") }
            }
        }
    }

    /// Same tokens in the same order: key order, number literals and strings exactly.
    static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x.description == y.description
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count
                && zip(x, y).allSatisfy {
                    $0.key.utf8.elementsEqual($1.key.utf8) && identical($0.value, $1.value)
                }
        default: return false
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes as `UInt8`s, without copying (libFuzzer's buffer is plain bytes).
    func bindMemoryIfNeeded() -> UnsafeBufferPointer<UInt8> {
        guard let base = baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
    }
}
