// The fuzz targets of Proctor's parsers, in one executable.
//
//   proctor-fuzz TARGET [libFuzzer flags] [CORPUS_DIR...]   built with libFuzzer and
//                                                         -DPROCTOR_LIBFUZZER (scripts/fuzz.sh)
//   proctor-fuzz TARGET FILE_OR_DIR...                    any other build: runs each file once
//                                                         through the same checks
//
// A broken invariant prints what broke and aborts, so libFuzzer keeps the input as a crash.
import Foundation
import ProctorCore

enum Usage {
    static var text: String {
        let targets = FuzzTarget.all.map {
            "  " + $0.name.padding(toLength: 16, withPad: " ", startingAt: 0) + $0.summary
        }
        return """
            usage: proctor-fuzz TARGET [libFuzzer flags] [CORPUS_DIR...]   (libFuzzer build: scripts/fuzz.sh)
                   proctor-fuzz TARGET FILE_OR_DIR...                    (any other build: replays inputs)

            targets:
            \(targets.joined(separator: "\n"))
            """
    }

    /// Prints the usage and ends the process: status 0 when it was asked for.
    static func exitShowing(arguments: [String]) -> Never {
        StandardStreams.error(text)
        exit(arguments.isEmpty || arguments.first == "--help" || arguments.first == "-h" ? 0 : 2)
    }
}

#if PROCTOR_LIBFUZZER
    // libFuzzer's `main` runs the process and calls these two (compiler-rt `FuzzerInterface.h`).

    /// Takes the target argument out of the command line before libFuzzer parses its flags, and
    /// keeps it in the environment for the processes libFuzzer starts itself (`-merge`,
    /// `-minimize_crash`), whose command lines lack it.
    @_cdecl("LLVMFuzzerInitialize")
    public func fuzzerInitialize(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
    ) -> Int32 {
        let count = Int(argc.pointee)
        let arguments = (1..<max(count, 1)).map { argv.pointee[$0].map { String(cString: $0) } ?? "" }
        if let name = arguments.first, FuzzTarget.named(name) != nil {
            setenv(FuzzTarget.environmentKey, name, 1)
            for index in 1..<(count - 1) { argv.pointee[index] = argv.pointee[index + 1] }
            argv.pointee[count - 1] = nil
            argc.pointee -= 1
        } else if LibFuzzer.selected == nil {
            Usage.exitShowing(arguments: arguments)
        }
        return 0
    }

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        guard let target = LibFuzzer.selected else { Invariant.fail("no fuzz target selected") }
        target.check(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }

    enum LibFuzzer {
        /// The target named by ``FuzzTarget/environmentKey``, read on first use: after
        /// `LLVMFuzzerInitialize` has set it. Read with `getenv`: `ProcessInfo` may hold the
        /// environment as it was when the process started.
        static let selected = getenv(FuzzTarget.environmentKey).flatMap {
            FuzzTarget.named(String(cString: $0))
        }
    }
#else
    @main
    struct ProctorFuzz {
        static func main() {
            var arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTarget.named(name) else {
                Usage.exitShowing(arguments: Array(arguments))
            }
            arguments.removeFirst()
            exit(Replay.run(target, paths: Array(arguments)))
        }
    }
#endif

/// Runs files (folders: every file in them, recursively) through a target once each, in a
/// build without libFuzzer: to reproduce a finding or check a corpus on any platform.
enum Replay {
    static func run(_ target: FuzzTarget, paths: [String]) -> Int32 {
        guard !paths.isEmpty else {
            StandardStreams.error("proctor-fuzz \(target.name): give input files or folders")
            return 2
        }
        var count = 0
        for path in paths {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    StandardStreams.error("proctor-fuzz \(target.name): cannot read \(file)")
                    return 2
                }
                // An allocation of exactly the input's size, as libFuzzer passes it.
                let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 1)
                defer { bytes.deallocate() }
                data.copyBytes(to: bytes)
                Invariant.currentInput = file
                target.check(UnsafeRawBufferPointer(bytes))
                count += 1
            }
        }
        StandardStreams.output("\(target.name): \(count) input\(count == 1 ? "" : "s"), every check held")
        return 0
    }

    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue
        else { return [path] }
        let names = (FileManager.default.subpaths(atPath: path) ?? []).sorted()
        return names.map { path + "/" + $0 }.filter { file in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }
}
