import Foundation
import ProctorCore

/// The outcome of loading one scenario file: the scenario when it has no errors, and every
/// problem found (in this file and in the files it includes).
public struct ScenarioLoadResult: Sendable {
    public var scenario: Scenario?
    public var diagnostics: Diagnostics

    public init(scenario: Scenario?, diagnostics: Diagnostics) {
        self.scenario = scenario
        self.diagnostics = diagnostics
    }
}

/// Loads scenario files: YAML with positions, environment interpolation, includes, lifecycle
/// expansion, template parsing and every check `proctor check` reports.
///
/// Event names, lifecycle stages, quirks and event order are checked through the
/// ``EventVocabulary`` passed in. A vocabulary that lists no events for a vendor is taken not to
/// know that vendor's catalog: names are then accepted as written.
public struct ScenarioLoader: Sendable {
    public var vocabulary: any EventVocabulary
    public var environment: [String: String]
    public var reader: YAMLReader
    /// Directory relative paths are resolved against.
    public var currentDirectory: String
    /// Most generated actors a scenario may ask for.
    public var maxGeneratedActors: Int
    /// Deepest chain of includes.
    public var maxIncludeDepth: Int

    public init(
        vocabulary: any EventVocabulary, environment: [String: String] = [:],
        reader: YAMLReader = YAMLReader(),
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        maxGeneratedActors: Int = 100_000,
        maxIncludeDepth: Int = 16
    ) {
        self.vocabulary = vocabulary
        self.environment = environment
        self.reader = reader
        self.currentDirectory = currentDirectory
        self.maxGeneratedActors = maxGeneratedActors
        self.maxIncludeDepth = maxIncludeDepth
    }

    /// Loads the scenario at `path`; diagnostics name the file as `path` was written.
    public func load(path: String) -> ScenarioLoadResult {
        let absolute = absolutePath(path)
        var session = LoadSession(loader: self)
        let root: SourceNode?
        do {
            root = try reader.read(path: absolute, displayPath: path)
        } catch {
            return ScenarioLoadResult(scenario: nil, diagnostics: Diagnostics([error]))
        }
        let scenario = session.scenario(from: root, file: absolute, displayPath: path)
        return ScenarioLoadResult(
            scenario: session.diagnostics.hasErrors ? nil : scenario, diagnostics: session.diagnostics)
    }

    /// Loads a scenario from text, as if read from `path` (includes resolve against its directory).
    public func load(yaml: String, path: String) -> ScenarioLoadResult {
        var session = LoadSession(loader: self)
        let root: SourceNode?
        do {
            root = try reader.read(bytes: Array(yaml.utf8), displayPath: path)
        } catch {
            return ScenarioLoadResult(scenario: nil, diagnostics: Diagnostics([error]))
        }
        let scenario = session.scenario(from: root, file: absolutePath(path), displayPath: path)
        return ScenarioLoadResult(
            scenario: session.diagnostics.hasErrors ? nil : scenario, diagnostics: session.diagnostics)
    }

    func absolutePath(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : currentDirectory + "/" + path
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }
}
