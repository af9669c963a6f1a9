import ProctorJSON

/// The JSON Schema 2020-12 meta-schemas, bundled so that no reference ever needs the network: the
/// files of `MetaSchemas/draft2020-12/`, copies of the documents published at their `$id`, embedded
/// in the binary (`.embedInCode` in `Package.swift`).
enum BundledMetaSchemas {
    /// Each meta-schema's bytes, keyed by its `$id`.
    static let documents: [String: [UInt8]] = [
        "https://json-schema.org/draft/2020-12/schema": PackageResources.schema_json,
        "https://json-schema.org/draft/2020-12/meta/core": PackageResources.core_json,
        "https://json-schema.org/draft/2020-12/meta/applicator": PackageResources.applicator_json,
        "https://json-schema.org/draft/2020-12/meta/unevaluated": PackageResources.unevaluated_json,
        "https://json-schema.org/draft/2020-12/meta/validation": PackageResources.validation_json,
        "https://json-schema.org/draft/2020-12/meta/meta-data": PackageResources.meta_data_json,
        "https://json-schema.org/draft/2020-12/meta/format-annotation": PackageResources
            .format_annotation_json,
        "https://json-schema.org/draft/2020-12/meta/format-assertion": PackageResources.format_assertion_json,
        "https://json-schema.org/draft/2020-12/meta/content": PackageResources.content_json,
    ]

    /// The meta-schemas, parsed once, keyed by `$id`. One that is not valid JSON keeps its parse
    /// error, which loading it throws.
    static let parsed: [String: Result<JSONValue, SchemaError>] = {
        var parsed: [String: Result<JSONValue, SchemaError>] = [:]
        for (uri, bytes) in documents { parsed[uri] = parse(uri, bytes) }
        return parsed
    }()

    /// Parses the meta-schema `uri`; the error is located at it.
    static func parse(_ uri: String, _ bytes: [UInt8]) -> Result<JSONValue, SchemaError> {
        Result { () throws(JSONParseError) in try JSONParser().parse(bytes) }
            .mapError { SchemaError(location: uri, message: "bundled meta-schema is not valid JSON: \($0)") }
    }
}
