import Foundation
import ProctorCore
import Synchronization

/// One fuzz target: a parser driven with arbitrary bytes, and the invariants its results must
/// keep. A target returns normally when every check held and stops the process otherwise.
struct FuzzTarget: Sendable {
    /// The name `proctor-fuzz` and `scripts/fuzz.sh` take.
    let name: String
    /// What the target drives and checks, for the usage text.
    let summary: String
    let check: @Sendable (UnsafeRawBufferPointer) -> Void

    static let all: [FuzzTarget] = [.scenario, .json, .schema, .httpResponse, .verifyRequest]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// The environment variable that names the target in processes libFuzzer starts itself.
    static let environmentKey = "PROCTOR_FUZZ_TARGET"
}

/// Checks of the targets. A broken one prints what broke (and the input, when replaying files)
/// and aborts: libFuzzer then writes the input as a `crash-*` file.
enum Invariant {
    private static let input = Mutex<String?>(nil)

    /// The file being replayed, named in failure messages.
    static var currentInput: String? {
        get { input.withLock { $0 } }
        set { input.withLock { $0 = newValue } }
    }

    static func require(
        _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        if !condition() { fail(message(), file: file, line: line) }
    }

    static func fail(_ message: String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        var text = "proctor-fuzz: invariant broken (\(file):\(line)): \(message)"
        if let input = currentInput { text += "\n  input: \(input)" }
        StandardStreams.error(text)
        abort()
    }

    /// Text of a value for a failure message, cut to a readable length.
    static func show(_ value: some CustomStringConvertible, limit: Int = 300) -> String {
        let text = value.description
        return text.count <= limit ? text : String(text.prefix(limit)) + "... (\(text.count) characters)"
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes as UTF-8 text, nil when they are not valid UTF-8.
    var validUTF8: String? { String(validating: self, as: UTF8.self) }
}
