import Foundation

/// Runs programs for the command-line tests: the built `proctor`, a shell line, the docs scripts.
enum TestProcesses {
    /// The repository root.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The built `proctor` next to the test bundle.
    static var executable: String? { product("proctor") }

    /// A built executable product of the package next to the test bundle.
    static func product(_ name: String) -> String? {
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        let fallback = root + "/.build/debug/" + name
        return FileManager.default.isExecutableFile(atPath: fallback) ? fallback : nil
    }

    /// Runs `program` to its end and collects its output, for commands that cannot hang. The
    /// wait happens on a thread of its own: blocking one of the few threads that run the tests
    /// would starve the tests that serve HTTP meanwhile.
    static func run(
        _ program: String, _ arguments: [String], environment: [String: String]? = nil,
        directory: String = root
    ) async throws -> (status: Int32, out: String, err: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        try runBlocking(program, arguments, environment: environment, directory: directory)
                    })
            }
        }
    }

    private static func runBlocking(
        _ program: String, _ arguments: [String], environment: [String: String]?, directory: String
    ) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try startWithNoSignalBlocked(process)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }

    /// A test runs on a worker thread that blocks every signal, and a child inherits the mask of
    /// the thread that starts it: a `kill` in the child would then not stop what it started, and
    /// bash can hang waiting for its children. The mask is cleared while the process starts.
    static func startWithNoSignalBlocked(_ process: Process) throws {
        var none = sigset_t()
        var previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }
}
