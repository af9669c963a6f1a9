import Foundation
import ProctorJSON

/// Loads schema documents from the file system: `file:` URIs, and URI prefixes mapped to folders
/// (for example `http://localhost:1234/` to a test suite's `remotes/` folder).
public struct FileSchemaLoader: SchemaResourceLoader {
    /// URI prefix to folder path; the rest of the URI is appended to the folder.
    public var mappings: [String: String]

    public init(mappings: [String: String] = [:]) {
        self.mappings = mappings
    }

    public func load(_ uri: String) throws -> JSONValue? {
        var path: String?
        for (prefix, folder) in mappings where uri.hasPrefix(prefix) {
            let rest = String(uri.dropFirst(prefix.count))
            path = folder.hasSuffix("/") ? folder + rest : folder + "/" + rest
            break
        }
        if path == nil, uri.hasPrefix("file://") {
            path = URIReference.percentDecoded(String(uri.dropFirst("file://".count)))
        }
        guard let path, let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONParser().parse(data)
        } catch {
            throw SchemaError(
                location: uri, message: "\(path):\(error.line):\(error.column): \(error.message)")
        }
    }
}

/// A loader that knows a fixed set of documents by URI, for schemas held in memory.
public struct InMemorySchemaLoader: SchemaResourceLoader {
    public var documents: [String: JSONValue]
    public var fallback: (any SchemaResourceLoader)?

    public init(documents: [String: JSONValue], fallback: (any SchemaResourceLoader)? = nil) {
        self.documents = documents
        self.fallback = fallback
    }

    public func load(_ uri: String) throws -> JSONValue? {
        if let document = documents[uri] { return document }
        return try fallback?.load(uri)
    }
}

enum FileSystem {
    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return standardized(path) }
        return standardized(FileManager.default.currentDirectoryPath + "/" + path)
    }

    static func standardized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
