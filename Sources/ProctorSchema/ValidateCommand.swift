import Foundation
import ProctorJSON

/// The logic of `proctor schema validate SCHEMA [INSTANCE...]`, independent of argument parsing
/// and of the process's real standard streams.
///
/// Exit codes: 0 when every instance is valid, 1 when any is invalid, 2 when the schema or an
/// input is unusable (unreadable file, malformed JSON, malformed schema, unresolvable `$ref`), or
/// when validating an instance stopped without a verdict (a `$ref` cycle, the work budget spent,
/// a pattern too expensive to match: ``SchemaEvaluationError``).
public struct SchemaValidation: Sendable {
    public enum OutputFormat: String, Sendable, CaseIterable {
        /// One line per instance (`valid` / `invalid`) followed by its errors.
        case text
        /// The specification's "basic" output, one compact JSON object per line per instance.
        case basic
    }

    public static let exitValid: Int32 = 0
    public static let exitInvalid: Int32 = 1
    public static let exitUnusable: Int32 = 2

    public var schemaPath: String
    public var output: OutputFormat
    public var assertFormat: Bool
    public var loader: any SchemaResourceLoader

    public init(
        schemaPath: String, output: OutputFormat = .text, assertFormat: Bool = false,
        loader: any SchemaResourceLoader = FileSchemaLoader()
    ) {
        self.schemaPath = schemaPath
        self.output = output
        self.assertFormat = assertFormat
        self.loader = loader
    }

    /// Where instances come from when they are not files.
    public struct Input {
        /// All of standard input, for the `-` argument.
        public var readAll: () -> [UInt8]
        /// The next line of standard input without its terminator, nil at the end (for `--jsonl`).
        public var readLine: () -> String?

        public init(readAll: @escaping () -> [UInt8], readLine: @escaping () -> String?) {
            self.readAll = readAll
            self.readLine = readLine
        }

        /// The process's standard input.
        public static var standardInput: Input {
            Input(
                readAll: { [UInt8](FileHandle.standardInput.readDataToEndOfFile()) },
                readLine: { Swift.readLine(strippingNewline: true) })
        }
    }

    /// Validates the instances named in `instances` (paths, or `-` for standard input as one
    /// document), or with `jsonl` every line of standard input, writing results to `write` and
    /// problems to `writeError` as they happen. Returns the exit code.
    public func run(
        instances: [String], jsonl: Bool, input: Input, write: (String) -> Void, writeError: (String) -> Void
    ) -> Int32 {
        let schema: JSONSchema
        do {
            schema = try JSONSchema(
                contentsOfFile: schemaPath, options: SchemaOptions(assertFormat: assertFormat, loader: loader)
            )
        } catch {
            writeError("error: unusable schema \(schemaPath): \(error.message) (at \(error.location))")
            return Self.exitUnusable
        }
        var anyInvalid = false
        var anyUnusable = false
        func report(_ name: String, _ value: JSONValue) {
            let result = schema.validate(value)
            if let stopped = result.evaluationError {
                anyUnusable = true
                writeError("error: \(name): cannot validate: \(stopped)")
                if output == .basic { write(result.basicOutput.serialized()) }
                return
            }
            if !result.isValid { anyInvalid = true }
            switch output {
            case .basic:
                write(result.basicOutput.serialized())
            case .text:
                write("\(name): \(result.isValid ? "valid" : "invalid")")
                for error in result.errors { write("  \(error.description)  [\(error.keywordLocation)]") }
            }
        }
        if jsonl {
            var lineNumber = 0
            while let line = input.readLine() {
                lineNumber += 1
                if line.allSatisfy(\.isWhitespace) { continue }
                do {
                    report("stdin:\(lineNumber)", try JSONParser().parse(line))
                } catch {
                    anyUnusable = true
                    writeError("error: stdin:\(lineNumber):\(error.column): malformed JSON: \(error.message)")
                }
            }
        } else {
            for argument in instances {
                let name = argument == "-" ? "stdin" : argument
                let bytes: [UInt8]
                if argument == "-" {
                    bytes = input.readAll()
                } else if let data = FileManager.default.contents(atPath: argument) {
                    bytes = [UInt8](data)
                } else {
                    anyUnusable = true
                    writeError("error: cannot read \(argument)")
                    continue
                }
                do {
                    report(name, try JSONParser().parse(bytes))
                } catch {
                    anyUnusable = true
                    writeError(
                        "error: \(name):\(error.line):\(error.column): malformed JSON: \(error.message)")
                }
            }
        }
        if anyUnusable { return Self.exitUnusable }
        return anyInvalid ? Self.exitInvalid : Self.exitValid
    }
}
