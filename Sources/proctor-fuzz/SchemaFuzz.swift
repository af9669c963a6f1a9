import ProctorJSON
import ProctorSchema

extension FuzzTarget {
    static let schema = FuzzTarget(
        name: "schema",
        summary: "JSON Schema compile + validate: SCHEMA NUL INSTANCE (no NUL: the schema validates itself)",
        check: SchemaFuzz.check)
}

/// The JSON Schema compiler and validator. The input is a schema, a NUL byte and an instance;
/// without a NUL byte the schema is its own instance. Inputs that are not JSON are skipped (the
/// `json` target covers the parser). References resolve only inside the schema and to the bundled
/// meta-schemas: the target reads no files.
///
/// - Compiling is deterministic: a schema that fails fails again with the same error, located.
/// - Validating is deterministic: the same result from the same schema, from a second compile,
///   and for the instance re-parsed from its serialization; `isValid` agrees with `validate`.
/// - Object key order does not matter: the instance with every object's keys reversed is valid
///   exactly when the instance is.
/// - Errors exist exactly when the instance is invalid; each has a message, an absolute keyword
///   location, a keyword location that is a JSON Pointer, and an instance location that points
///   at a value of the instance. The basic output serializes to JSON.
/// - With `format` asserted the same checks hold.
enum SchemaFuzz {
    /// Knows no documents: only the bundled meta-schemas resolve.
    struct NoDocuments: SchemaResourceLoader {
        func load(_ uri: String) throws -> JSONValue? { nil }
    }

    static func check(_ input: UnsafeRawBufferPointer) {
        let separator = input.firstIndex(of: 0)
        let schemaBytes = UnsafeRawBufferPointer(rebasing: input[..<(separator ?? input.count)])
        guard let schemaDocument = try? JSONParser().parse(bytes: schemaBytes.bindMemoryIfNeeded()) else {
            return
        }
        let instance: JSONValue
        if let separator {
            let rest = UnsafeRawBufferPointer(rebasing: input[(separator + 1)...])
            guard let parsed = try? JSONParser().parse(bytes: rest.bindMemoryIfNeeded()) else { return }
            instance = parsed
        } else {
            instance = schemaDocument
        }
        for assertFormat in [false, true] {
            check(
                schemaDocument, instance,
                options: SchemaOptions(assertFormat: assertFormat, loader: NoDocuments()))
        }
    }

    static func check(_ document: JSONValue, _ instance: JSONValue, options: SchemaOptions) {
        let schema: JSONSchema
        do {
            schema = try JSONSchema(document, options: options)
        } catch {
            Invariant.require(!error.message.isEmpty, "a schema error without a message")
            Invariant.require(!error.location.isEmpty, "a schema error without a location: \(error.message)")
            do {
                _ = try JSONSchema(document, options: options)
                Invariant.fail("a schema compiled the second time after failing with: \(error)")
            } catch let again {
                Invariant.require(again == error, "compiling again failed otherwise: \(error) / \(again)")
            }
            return
        }
        let result = schema.validate(instance)
        Invariant.require(schema.isValid(instance) == result.isValid, "isValid and validate disagree")
        Invariant.require(schema.validate(instance) == result, "validating twice gave different results")
        do {
            let recompiled = try JSONSchema(document, options: options)
            Invariant.require(recompiled.validate(instance) == result, "a second compile validates otherwise")
        } catch {
            Invariant.fail("a schema that compiled fails the second time: \(error)")
        }
        do {
            let reparsed = try JSONParser().parse(instance.serializedBytes())
            Invariant.require(
                schema.validate(reparsed) == result, "the re-parsed instance validates otherwise")
        } catch {
            Invariant.fail("an instance does not round-trip: \(error)")
        }
        Invariant.require(
            schema.isValid(reversingKeys(instance)) == result.isValid,
            "reversing the instance's object keys changes validity (\(result.isValid))")
        for error in result.errors {
            Invariant.require(!error.message.isEmpty, "an error without a message")
            Invariant.require(!error.absoluteKeywordLocation.isEmpty, "an error without an absolute location")
            Invariant.require(
                JSONPointer(error.keywordLocation) != nil,
                "keyword location \(Invariant.show(error.keywordLocation)) is not a JSON Pointer")
            Invariant.require(
                instance.value(at: error.instanceLocation) != nil,
                "instance location \(error.instanceLocation) points at nothing (\(error.message))")
        }
        let output = result.basicOutput.serializedBytes()
        Invariant.require((try? JSONParser().parse(output)) != nil, "the basic output is not JSON")
    }

    static func reversingKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let elements): return .array(elements.map(reversingKeys))
        case .object(let object):
            return .object(JSONObject(object.reversed().map { ($0.key, reversingKeys($0.value)) }))
        case .null, .bool, .number, .string: return value
        }
    }
}
