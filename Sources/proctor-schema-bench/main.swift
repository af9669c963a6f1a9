// Measures validations per second. Each argument is a folder holding `schema.json` and
// `--passes N` runs a fixed number of passes per round instead of timed rounds.
// `instances.jsonl` (one instance per line). For each: instances validated from already parsed
// values, and from raw bytes (parse + validate). Prints one JSON object per line.
import ProctorJSON
import ProctorSchema

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return bytes
}

/// Operations per second: the best of three rounds of `seconds / 3` each, so that a burst of
/// load from other processes on a shared machine does not decide the figure.
/// With `passes`, each round runs exactly that many passes (a fixed amount of work, for
/// instruction counts under callgrind).
func measure(seconds: Double, passes: Int?, _ body: () -> Int) -> Double {
    let clock = ContinuousClock()
    // Warm up.
    _ = body()
    var best = 0.0
    for _ in 0..<3 {
        var operations = 0
        var done = 0
        let start = clock.now
        var elapsed = Duration.zero
        repeat {
            operations += body()
            done += 1
            elapsed = clock.now - start
        } while passes.map { done < $0 } ?? (elapsed < .milliseconds(Int(seconds * 1000 / 3)))
        let (s, atto) = elapsed.components
        best = max(best, Double(operations) / (Double(s) + Double(atto) / 1e18))
    }
    return best
}

var arguments = Array(CommandLine.arguments.dropFirst())
var seconds = 1.0
var assertFormat = false
if let index = arguments.firstIndex(of: "--seconds"), index + 1 < arguments.count {
    seconds = Double(arguments[index + 1]) ?? 1.0
    arguments.removeSubrange(index...(index + 1))
}
var passes: Int?
if let index = arguments.firstIndex(of: "--passes"), index + 1 < arguments.count {
    passes = Int(arguments[index + 1])
    arguments.removeSubrange(index...(index + 1))
}
if let index = arguments.firstIndex(of: "--assert-format") {
    assertFormat = true
    arguments.remove(at: index)
}
var failed = false
for folder in arguments {
    let name = folder.split(separator: "/").last.map(String.init) ?? folder
    let schema: JSONSchema
    do {
        schema = try JSONSchema(
            contentsOfFile: folder + "/schema.json", options: SchemaOptions(assertFormat: assertFormat))
    } catch {
        print("{\"case\": \"\(name)\", \"error\": \(JSONValue.string("\(error)").serialized())}")
        failed = true
        continue
    }
    guard let raw = readFile(folder + "/instances.jsonl") else {
        print("{\"case\": \"\(name)\", \"error\": \"no instances.jsonl\"}")
        failed = true
        continue
    }
    let lines = raw.split(separator: 0x0A).map(Array.init).filter { !$0.isEmpty }
    var values: [JSONValue] = []
    for line in lines {
        do {
            values.append(try JSONParser().parse(line))
        } catch {
            print("{\"case\": \"\(name)\", \"error\": \"malformed instance: \(error)\"}")
            failed = true
        }
    }
    let validCount = values.filter { schema.isValid($0) }.count
    let fromValues = measure(seconds: seconds, passes: passes) {
        var n = 0
        for value in values where schema.isValid(value) { n += 1 }
        precondition(n == validCount)
        return values.count
    }
    let fromBytes = measure(seconds: seconds, passes: passes) {
        var n = 0
        for line in lines {
            let value = line.withUnsafeBufferPointer { try? JSONParser().parse(bytes: $0) }
            if let value, schema.isValid(value) { n += 1 }
        }
        precondition(n == validCount)
        return lines.count
    }
    print(
        "{\"case\": \"\(name)\", \"instances\": \(values.count), \"valid\": \(validCount), \"values_per_sec\": \(Int(fromValues)), \"bytes_per_sec\": \(Int(fromBytes))}"
    )
}
if failed { exit(2) }
