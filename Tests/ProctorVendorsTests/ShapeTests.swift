import ProctorCore
import ProctorJSON
import Testing

@testable import ProctorVendors

/// Compares a generated payload with its reference example: same keys in the same order, same
/// nesting and JSON types; null is allowed where the vendor makes the field nullable.
func shapeDifferences(
    _ generated: JSONValue, _ example: JSONValue, nullable: Set<String>, path: String = "$", key: String = ""
)
    -> [String]
{
    if generated.isNull && (example.isNull || nullable.contains(key)) { return [] }
    if example.isNull {
        return nullable.contains(key) || generated.isNull
            ? [] : ["\(path): \(generated.typeName), example null"]
    }
    switch (generated, example) {
    case (.object(let g), .object(let e)):
        var out: [String] = []
        if g.keys != e.keys { out.append("\(path): keys \(g.keys), example \(e.keys)") }
        for (k, v) in e {
            if let gv = g[k] {
                out += shapeDifferences(gv, v, nullable: nullable, path: path + "." + k, key: k)
            }
        }
        return out
    case (.array(let g), .array(let e)):
        if e.isEmpty {
            let allowed =
                documentedItemTypes[key].map { type in g.allSatisfy { $0.typeName == type } } ?? false
            return g.isEmpty || allowed ? [] : ["\(path): \(g.count) items, example none"]
        }
        return g.enumerated().flatMap { i, item in
            shapeDifferences(item, e[i % e.count], nullable: nullable, path: "\(path)[\(i)]", key: key)
        }
    case (.number, .number), (.string, .string), (.bool, .bool): return []
    default: return ["\(path): \(generated.typeName), example \(example.typeName)"]
    }
}

/// Arrays the examples only show empty, with the item type the vendor documents (Qualified's
/// `failed_test_names: string[]`).
let documentedItemTypes: [String: String] = ["failed_test_names": "string"]

/// Keys the vendor sends as null somewhere in its examples, plus the nullable fields of Talview's
/// type showcase and Testlify's not-yet-available result fields.
func nullableKeys(vendor: String) throws -> Set<String> {
    var keys: Set<String> = []
    func walk(_ v: JSONValue, _ key: String) {
        switch v {
        case .null: keys.insert(key)
        case .object(let o): for (k, x) in o { walk(x, k) }
        case .array(let a): for x in a { walk(x, key) }
        default: break
        }
    }
    for name in ReferenceTemplates.files.keys where name.hasPrefix(vendor + "__") {
        walk(try ReferenceTemplates.template(name), "")
    }
    switch vendor {
    case "talview":
        keys.formUnion([
            "old_id", "external_id", "first_name", "last_name", "middle_name", "phone_number", "country",
            "ordinal", "skill", "score",
        ])
    case "testlify": keys.formUnion(["completedAt", "resultLink"])
    default: break
    }
    return keys
}

let eventsWithExamples: [String] = VendorCatalog.standard.profiles.flatMap { p in
    p.events.filter(\.hasOwnExample).map { "\(p.name) \($0.name)" }
}

@Suite struct ShapeTests {
    @Test(arguments: eventsWithExamples)
    func generatedPayloadHasTheExampleShape(_ pair: String) throws {
        let parts = pair.split(separator: " ").map(String.init)
        let (_, spec) = try catalog.requireEvent(vendor: parts[0], event: parts[1])
        let example = try ReferenceTemplates.template(spec.example)
        let nullable = try nullableKeys(vendor: parts[0])
        for seed in UInt64(1)...20 {
            let event = try catalog.generate(vendor: parts[0], event: parts[1], seed: seed, clock: fixedClock)
            let differences = shapeDifferences(event.body, example, nullable: nullable)
            #expect(differences.isEmpty, "\(pair) seed \(seed):\n\(differences.joined(separator: "\n"))")
        }
    }

    @Test func shapeComparisonReportsDifferencesByPath() {
        let example: JSONValue = ["data": ["a": 1, "b": ["x", "y"], "c": ["d": true]]]
        let generated: JSONValue = ["data": ["b": ["x", 2], "a": "1", "c": ["d": true, "e": 1]]]
        let differences = shapeDifferences(generated, example, nullable: [])
        #expect(differences.contains("$.data: keys [\"b\", \"a\", \"c\"], example [\"a\", \"b\", \"c\"]"))
        #expect(differences.contains("$.data.a: string, example integer"))
        #expect(differences.contains("$.data.b[1]: integer, example string"))
        #expect(differences.contains { $0.hasPrefix("$.data.c: keys") })
    }

    /// No value of the example is copied, except vocabulary, constants and empty strings.
    @Test(arguments: eventsWithExamples)
    func examplesValuesAreNotCopied(_ pair: String) throws {
        let parts = pair.split(separator: " ").map(String.init)
        let (_, spec) = try catalog.requireEvent(vendor: parts[0], event: parts[1])
        let example = try ReferenceTemplates.template(spec.example)
        let vocabularyKeys = TestlifyBuilder.vocabulary.union(QualifiedBuilder.vocabulary).union(
            TalviewBuilder.vocabulary
        )
        .union([
            "state", "prev_state", "candidateStatus", "candidateStage", "description", "added_label",
            "removed_label", "labels", "remarks", "startIPAddress", "recentLongitude", "device", "topics",
            "browserName", "country",
        ])
        // Vendor constants and vocabulary found under generic keys (grading bands, test types).
        let constants: Set<String> = [
            "00:00:00", "https://reports.talview.com/pending", "null", "NOT_SUITABLE", "BEGINNER",
            "INTERMEDIATE", "EXPERIENCED", "EXPERT", "PROFICIENT", "Situational Judgement",
        ]
        func strings(_ v: JSONValue, _ key: String, into out: inout [(String, String)]) {
            switch v {
            case .string(let s): out.append((key, s))
            case .object(let o): for (k, x) in o { strings(x, k, into: &out) }
            case .array(let a): for x in a { strings(x, key, into: &out) }
            default: break
            }
        }
        var exampleStrings: [(String, String)] = []
        strings(example, "", into: &exampleStrings)
        let copyable = Set(
            exampleStrings.filter { !vocabularyKeys.contains($0.0) && $0.1.count >= 4 }.map(\.1))
        for seed in UInt64(1)...5 {
            let event = try catalog.generate(vendor: parts[0], event: parts[1], seed: seed, clock: fixedClock)
            var generated: [(String, String)] = []
            strings(event.body, "", into: &generated)
            let copied = generated.filter {
                !vocabularyKeys.contains($0.0) && !constants.contains($0.1) && copyable.contains($0.1)
            }
            #expect(copied.isEmpty, "\(pair) seed \(seed) copies \(copied)")
        }
    }
}
