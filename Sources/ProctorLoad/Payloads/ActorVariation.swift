import ProctorVendors

/// The identity fields that make each load actor a different candidate (from the vendor's
/// profile), and their values for a given actor. The values are fixed-width so that a body built by the vendor
/// builder with one value can be turned into the body for another by rewriting bytes in place.
struct ActorVariation: Sendable {
    struct Field: Sendable {
        /// The actor field the vendor builder reads (`candidateId`, `candidate_id`, `email`).
        let name: String
        let kind: LoadIdentityField.Kind
        /// Width in bytes of the part rewritten per actor.
        var width: Int {
            switch kind {
            case .objectId: return 24
            case .sixDigits: return 6
            case .emailTag: return 10
            }
        }
    }

    let fields: [Field]
    let seed: UInt64

    /// The vendor's identity fields (its profile's `loadIdentity`), leaving out those the plan
    /// fixes for every actor.
    init(profile: VendorProfile, seed: UInt64, fixed: Set<String>) {
        fields = profile.loadIdentity.map { Field(name: $0.name, kind: $0.kind) }.filter {
            !fixed.contains($0.name)
        }
        self.seed = seed
    }

    private init(fields: [Field], seed: UInt64) {
        self.fields = fields
        self.seed = seed
    }

    func droppingLastField() -> ActorVariation {
        ActorVariation(fields: Array(fields.dropLast()), seed: seed)
    }

    /// Writes the per-actor bytes of `field` for global actor `actor` into `out` (exactly `field.width` bytes).
    func write(_ field: Field, actor: Int, into out: UnsafeMutableRawBufferPointer) {
        switch field.kind {
        case .objectId:
            let time = 1_700_000_000 + SplitMix.mix(seed ^ 0x7469_6D65) % 31_536_000
            Hex.write(time & 0xFFFF_FFFF, digits: 8, into: out, at: 0)
            Hex.write(SplitMix.mix(seed ^ 0x6F62_6A65_6374_6964) & 0xFF_FFFF, digits: 6, into: out, at: 8)
            Hex.write(UInt64(truncatingIfNeeded: actor) & 0xFF_FFFF_FFFF, digits: 10, into: out, at: 14)
        case .sixDigits(let stride):
            let offset = Int(SplitMix.mix(seed &+ UInt64(stride)) % 900_000)
            let value = 100_000 + (actor % 900_000 * stride + offset) % 900_000
            Decimal.write(UInt64(value), digits: 6, into: out, at: 0)
        case .emailTag:
            Decimal.write(UInt64(truncatingIfNeeded: actor) % 10_000_000_000, digits: 10, into: out, at: 0)
        }
    }
}

/// SplitMix64: a fast, well-mixed 64-bit hash for per-request identifiers.
enum SplitMix {
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Hex {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func write(
        _ value: UInt64, digits count: Int, into out: UnsafeMutableRawBufferPointer, at offset: Int
    ) {
        var v = value
        var i = offset + count - 1
        while i >= offset {
            out[i] = digits[Int(v & 15)]
            v >>= 4
            i -= 1
        }
    }
}

enum Decimal {
    /// Writes `value` as exactly `count` digits (zero-padded, high digits cut).
    static func write(
        _ value: UInt64, digits count: Int, into out: UnsafeMutableRawBufferPointer, at offset: Int
    ) {
        var v = value
        var i = offset + count - 1
        while i >= offset {
            out[i] = UInt8(ascii: "0") &+ UInt8(v % 10)
            v /= 10
            i -= 1
        }
    }

    /// Number of decimal digits of a non-negative value.
    static func count(_ value: Int) -> Int {
        var n = 1
        var v = value
        while v >= 10 {
            v /= 10
            n += 1
        }
        return n
    }
}

/// Svix-style message ids (`msg_` and 27 base62 characters), distinct per actor and step.
enum MessageId {
    static let length = 31
    private static let alphabet: [UInt8] = Array(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func write(seed: UInt64, actor: Int, step: Int, into out: UnsafeMutableRawBufferPointer) {
        out[0] = UInt8(ascii: "m")
        out[1] = UInt8(ascii: "s")
        out[2] = UInt8(ascii: "g")
        out[3] = UInt8(ascii: "_")
        var state = SplitMix.mix(
            seed ^ SplitMix.mix(UInt64(truncatingIfNeeded: actor) &* 0x100 &+ UInt64(step)))
        var word = state
        var left = 10
        for i in 4..<length {
            if left == 0 {
                state = SplitMix.mix(state)
                word = state
                left = 10
            }
            out[i] = alphabet[Int(word % 62)]
            word /= 62
            left -= 1
        }
    }
}
