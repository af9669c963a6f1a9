import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to stdout and stderr that never trap: a closed pipe (`proctor run ... | head -1`)
/// ends the output quietly while the command goes on and still writes its reports.
public enum StandardStreams {
    private static let closed = Mutex<(output: Bool, error: Bool)>((false, false))

    /// Makes a write to a closed pipe an error (EPIPE) instead of a signal that ends the process.
    /// Every command calls it first.
    public static func ignoreBrokenPipe() { signal(SIGPIPE, SIG_IGN) }

    /// Writes `text` to stdout as it is.
    public static func write(_ text: String) { write(Array(text.utf8), descriptor: STDOUT_FILENO) }

    /// Writes `text` to stderr as it is.
    public static func writeError(_ text: String) { write(Array(text.utf8), descriptor: STDERR_FILENO) }

    /// Writes one line to stdout.
    public static func output(_ line: String) { write(line + "\n") }

    /// Writes one line to stderr.
    public static func error(_ line: String) { writeError(line + "\n") }

    /// Whether `descriptor` is a terminal.
    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    static func write(_ bytes: [UInt8], descriptor: Int32) {
        let isOutput = descriptor == STDOUT_FILENO
        if closed.withLock({ isOutput ? $0.output : $0.error }) { return }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(
                    descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && (errno == EINTR || errno == EAGAIN) {
                    continue
                } else {
                    // EPIPE, a closed descriptor or a full disk: this stream takes no more output.
                    closed.withLock { state in
                        if isOutput { state.output = true } else { state.error = true }
                    }
                    return
                }
            }
        }
    }
}

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    private let systemWrite = Darwin.write
#endif
