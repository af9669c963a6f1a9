import ProctorJSON

/// Supplies the documents that `$ref` names by absolute URI (without fragment).
///
/// The validator never uses the network. The 2020-12 meta-schemas are bundled; everything else
/// comes from a loader: ``FileSchemaLoader`` reads `file:` URIs and can map URI prefixes such as
/// `http://localhost:1234/` to folders.
public protocol SchemaResourceLoader: Sendable {
    /// The document at `uri`, or nil when this loader does not know it.
    func load(_ uri: String) throws -> JSONValue?
}

/// Options for compiling a schema.
public struct SchemaOptions: Sendable {
    /// Check `format` keywords as assertions rather than annotations.
    public var assertFormat: Bool
    /// Resolves references to documents other than the schema itself.
    public var loader: any SchemaResourceLoader

    public init(assertFormat: Bool = false, loader: any SchemaResourceLoader = FileSchemaLoader()) {
        self.assertFormat = assertFormat
        self.loader = loader
    }
}

/// A schema that cannot be used: malformed keywords, an unresolvable reference, an unsupported
/// required vocabulary.
public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Absolute location of the offending keyword (`file:///x.json#/properties/a/type`).
    public var location: String
    public var message: String

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}

/// A JSON Schema 2020-12 compiled into a tree of keyword nodes: compile once, validate many
/// instances, from any number of threads.
public final class JSONSchema: Sendable {
    let program: Program

    /// The base URI the schema was compiled under (its `$id`, or the one given).
    public var baseURI: String { program.root.location.base }

    /// Compiles `schema`. Relative references resolve against `baseURI` (for a schema read from a
    /// file, that file's `file:` URI — see ``fileURI(forPath:)``).
    public init(_ schema: JSONValue, baseURI: String? = nil, options: SchemaOptions = SchemaOptions())
        throws(SchemaError)
    {
        let compiler = Compiler(options: options)
        program = try compiler.compileRoot(schema, uri: baseURI ?? JSONSchema.defaultBaseURI)
    }

    /// Reads and compiles the schema file at `path`; its references resolve relative to the file.
    public convenience init(contentsOfFile path: String, options: SchemaOptions = SchemaOptions())
        throws(SchemaError)
    {
        let uri = JSONSchema.fileURI(forPath: path)
        let document: JSONValue
        do {
            guard let loaded = try options.loader.load(uri) else {
                throw SchemaError(location: uri, message: "cannot read schema file \(path)")
            }
            document = loaded
        } catch let error as SchemaError {
            throw error
        } catch {
            throw SchemaError(location: uri, message: "\(error)")
        }
        try self.init(document, baseURI: uri, options: options)
    }

    /// The base used when a schema comes with neither a `$id` nor a base URI.
    public static let defaultBaseURI = "urn:proctor:schema"

    /// The `file:` URI for a file system path, made absolute against the current directory.
    public static func fileURI(forPath path: String) -> String {
        "file://" + URIReference.percentEncodedPath(FileSystem.absolutePath(path))
    }

    /// True when `instance` satisfies the schema. Builds no error information. False also when
    /// validation stops without a verdict (see ``check(_:)``).
    public func isValid(_ instance: JSONValue) -> Bool {
        var context = Evaluation(program: program, collect: false)
        let valid = context.run(instance)
        return valid && !context.isStopped
    }

    /// True when `instance` satisfies the schema; throws when validation stops without a verdict:
    /// a reference cycle, references nested too deep, the work budget spent, or a backtracking
    /// pattern past its step budget (``SchemaEvaluationError``).
    public func check(_ instance: JSONValue) throws(SchemaEvaluationError) -> Bool {
        var context = Evaluation(program: program, collect: false)
        let valid = context.run(instance)
        if let stopped = context.stopReason() { throw stopped }
        return valid
    }

    /// Validates `instance`, with error units for each failed assertion when it is invalid. When
    /// validation stops without a verdict, the result has ``ValidationResult/evaluationError``
    /// set and one error unit saying why.
    public func validate(_ instance: JSONValue) -> ValidationResult {
        var fast = Evaluation(program: program, collect: false)
        let valid = fast.run(instance)
        if let stopped = fast.stopReason() { return ValidationResult(evaluationError: stopped) }
        if valid { return ValidationResult(errors: []) }
        var context = Evaluation(program: program, collect: true)
        _ = context.run(instance)
        if let stopped = context.stopReason() { return ValidationResult(evaluationError: stopped) }
        if context.errors.isEmpty {
            context.errors.append(
                SchemaValidationError(
                    instanceLocation: JSONPointer(), keywordLocation: "",
                    absoluteKeywordLocation: program.root.absolute,
                    message: "value does not satisfy the schema"))
        }
        return ValidationResult(errors: context.errors)
    }

    /// Parses `bytes` as JSON and validates the value.
    public func validate(bytes: [UInt8]) throws(JSONParseError) -> ValidationResult {
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try JSONParser().parse(bytes: buffer) }
        }
        return validate(try parsed.get())
    }
}

/// Validation that stopped before reaching a verdict, so the instance is neither valid nor invalid:
/// the schema is unusable for it. `proctor schema validate` exits 2 for it.
public struct SchemaEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why validation stopped.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        public let name: String

        /// A `$ref` chain returns to a schema on the same instance value without moving into it.
        public static let referenceCycle = Reason(name: "reference cycle")
        /// References nested deeper than the validator follows, with no cycle.
        public static let tooDeep = Reason(name: "too deep")
        /// More subschema applications than the work budget allows.
        public static let workLimit = Reason(name: "work limit")
        /// A pattern with backreferences or lookaround ran past its budget of backtracking steps.
        public static let patternLimit = Reason(name: "pattern too expensive")

        public var description: String { name }
    }

    public var reason: Reason
    /// Where evaluation stopped: resource URI plus JSON pointer of the keyword.
    public var absoluteKeywordLocation: String
    public var message: String

    public init(reason: Reason, absoluteKeywordLocation: String, message: String) {
        self.reason = reason
        self.absoluteKeywordLocation = absoluteKeywordLocation
        self.message = message
    }

    /// The message, followed by the location unless the message already names it.
    public var description: String {
        message.contains(absoluteKeywordLocation) ? message : "\(message) (at \(absoluteKeywordLocation))"
    }
}

/// The outcome of validating one instance.
public struct ValidationResult: Sendable, Equatable {
    /// Failed assertions, innermost first; empty when the instance is valid.
    public var errors: [SchemaValidationError]
    /// Set when validation stopped without a verdict; `errors` then holds one unit saying why.
    public var evaluationError: SchemaEvaluationError?

    public init(errors: [SchemaValidationError]) {
        self.errors = errors
        evaluationError = nil
    }

    /// The result of a validation that stopped without a verdict.
    public init(evaluationError: SchemaEvaluationError) {
        self.evaluationError = evaluationError
        errors = [
            SchemaValidationError(
                instanceLocation: JSONPointer(), keywordLocation: "",
                absoluteKeywordLocation: evaluationError.absoluteKeywordLocation,
                message: evaluationError.message)
        ]
    }

    public var isValid: Bool { errors.isEmpty && evaluationError == nil }

    /// The specification's "basic" output format: `{"valid": ..., "errors": [...]}`.
    public var basicOutput: JSONValue {
        var object: JSONObject = ["valid": .bool(isValid)]
        if !isValid {
            object["errors"] = .array(errors.map(\.outputUnit))
        }
        return .object(object)
    }

    /// One line per error: `/data/scores/totalScore: expected integer, got string "37"`.
    public var text: String { errors.map(\.description).joined(separator: "\n") }
}

/// One failed assertion.
public struct SchemaValidationError: Sendable, Equatable, CustomStringConvertible {
    /// Where in the instance (`/data/scores/totalScore`).
    public var instanceLocation: JSONPointer
    /// The keyword's path through the schema as evaluated, references included (`/properties/a/$ref/type`).
    public var keywordLocation: String
    /// The keyword's canonical location: resource URI plus JSON pointer fragment.
    public var absoluteKeywordLocation: String
    /// What went wrong, for a person.
    public var message: String

    public init(
        instanceLocation: JSONPointer, keywordLocation: String, absoluteKeywordLocation: String,
        message: String
    ) {
        self.instanceLocation = instanceLocation
        self.keywordLocation = keywordLocation
        self.absoluteKeywordLocation = absoluteKeywordLocation
        self.message = message
    }

    public var description: String {
        let location = instanceLocation.tokens.isEmpty ? "(root)" : instanceLocation.description
        return "\(location): \(message)"
    }

    /// An output unit of the "basic" format.
    public var outputUnit: JSONValue {
        .object([
            "keywordLocation": .string(keywordLocation),
            "absoluteKeywordLocation": .string(absoluteKeywordLocation),
            "instanceLocation": .string(instanceLocation.description),
            "error": .string(message),
        ])
    }
}
