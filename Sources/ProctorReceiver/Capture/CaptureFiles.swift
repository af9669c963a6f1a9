#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file operations of a capture, as POSIX calls that report errors instead of trapping.
enum CaptureFiles {
    /// The text of `errno`.
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Creates `path` as a directory (its parent must exist); an existing directory is fine.
    static func makeDirectory(_ path: String) throws(CaptureError) {
        if mkdir(path, 0o755) == 0 { return }
        let code = errno
        var info = stat()
        if code == EEXIST, stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return }
            throw CaptureError("cannot create the directory \(path): it is a file")
        }
        throw CaptureError("cannot create the directory \(path): \(reason(code))")
    }

    /// Creates `path` and every missing parent.
    static func makeDirectories(_ path: String) throws(CaptureError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            try makeDirectory(prefix)
            prefix += "/"
        }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Opens `path` for writing: a new file (`exclusive`), or appending to one.
    static func open(_ path: String, exclusive: Bool) throws(CaptureError) -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL | O_TRUNC : O_APPEND)
        let descriptor = systemOpen(path, flags, 0o644)
        guard descriptor >= 0 else { throw CaptureError("cannot create \(path): \(reason(errno))") }
        return descriptor
    }

    /// Writes all of `bytes`; a short write that cannot continue is an error.
    static func write(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(CaptureError) {
        var offset = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            while offset < buffer.count {
                let written = systemWrite(
                    descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    failure = written < 0 ? errno : ENOSPC
                    return
                }
            }
        }
        if failure != 0 { throw CaptureError("cannot write \(path): \(reason(failure))") }
    }

    /// Writes a whole new file: created, written, closed; removed again when that fails.
    static func writeNew(_ path: String, _ bytes: [UInt8]) throws(CaptureError) {
        let descriptor = try open(path, exclusive: true)
        do {
            try write(descriptor, bytes, path: path)
        } catch {
            _ = close(descriptor)
            unlink(path)
            throw error
        }
        guard close(descriptor) == 0 else {
            let code = errno
            unlink(path)
            throw CaptureError("cannot write \(path): \(reason(code))")
        }
    }

    /// The whole content of `path`.
    static func read(_ path: String) throws(CaptureError) -> [UInt8] {
        let descriptor = systemOpen(path, O_RDONLY | O_CLOEXEC, 0)
        guard descriptor >= 0 else { throw CaptureError("cannot read \(path): \(reason(errno))") }
        defer { _ = close(descriptor) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                out += chunk[0..<count]
            } else if count == 0 {
                return out
            } else if errno != EINTR {
                throw CaptureError("cannot read \(path): \(reason(errno))")
            }
        }
    }

    /// The names in directory `path`, sorted; nil when it cannot be read.
    static func list(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes a file, or a directory of files.
    static func remove(_ path: String) {
        if isDirectory(path) {
            for name in list(path) ?? [] { unlink(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

#if canImport(Glibc)
    private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 {
        Glibc.open(path, flags, mode)
    }
    private let systemWrite = Glibc.write
    private let systemRead = Glibc.read
#elseif canImport(Darwin)
    private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 {
        Darwin.open(path, flags, mode)
    }
    private let systemWrite = Darwin.write
    private let systemRead = Darwin.read
#endif
