import ArgumentParser
import Foundation
import ProctorCore
import ProctorSchema

/// `proctor schema …`: JSON Schema tools.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "JSON Schema 2020-12 tools.",
        subcommands: [SchemaValidateCommand.self]
    )
}

/// `proctor schema validate SCHEMA [INSTANCE...]`.
struct SchemaValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate JSON documents against a JSON Schema 2020-12.",
        discussion: """
            Exit status: 0 when every instance is valid, 1 when any is invalid, 2 when the schema \
            or an input is unusable (unreadable, malformed JSON, malformed schema, unresolvable $ref) \
            or validation cannot finish ($ref cycle, work limit, pattern too expensive).
            """
    )

    @Argument(help: "The schema file (JSON).")
    var schema: String

    @Argument(help: "Instance files; '-' reads one document from standard input.")
    var instances: [String] = []

    @Flag(help: "Read standard input as JSON Lines: one instance per line.")
    var jsonl = false

    @Option(
        help: "Output format: text or basic (the specification's basic output, one JSON object per instance)."
    )
    var output: SchemaValidation.OutputFormat = .text

    @Flag(help: "Check 'format' keywords as assertions.")
    var assertFormat = false

    func run() throws {
        if instances.isEmpty && !jsonl {
            throw fail(
                "no instances: give files, '-' for standard input, or --jsonl",
                exitCode: SchemaValidation.exitUnusable)
        }
        let validation = SchemaValidation(schemaPath: schema, output: output, assertFormat: assertFormat)
        let code = validation.run(
            instances: instances, jsonl: jsonl, input: .standardInput,
            write: { StandardStreams.output($0) },
            writeError: { StandardStreams.error($0) })
        if code != 0 { throw ExitCode(code) }
    }
}

extension SchemaValidation.OutputFormat: ExpressibleByArgument {}
