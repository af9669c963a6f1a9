import OrderedCollections

/// Positional access to an object's members without copying keys or values, for hot loops
/// (schema validation walks every member of every object).
extension JSONObject {
    /// The key of the member at `index` (insertion order), `0..<count`.
    @inlinable
    public func key(at index: Int) -> String { storage.keys[index] }

    /// The value of the member at `index` (insertion order), `0..<count`.
    @inlinable
    public func value(at index: Int) -> JSONValue { storage.values[index] }

    /// True when the object has a member named `key`.
    @inlinable
    public func containsKey(_ key: String) -> Bool { storage.index(forKey: key) != nil }
}

extension JSONObject {
    /// The keys in order, as one array (no copying of elements).
    @inlinable
    public var orderedKeys: [String] { storage.keys.elements }

    /// The values in key order, as one array (no copying of elements).
    @inlinable
    public var orderedValues: [JSONValue] { storage.values.elements }
}
