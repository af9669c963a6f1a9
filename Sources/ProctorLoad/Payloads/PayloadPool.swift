import ProctorCore
import ProctorJSON
import ProctorVendors

/// Bodies for pooled load: for each step, the vendor builder's body for each of a few prototype
/// actors, with the byte ranges of the per-actor identity fields (``ActorVariation``) located.
/// Load actor `i` is prototype `i % count` given its own field values: its body is the
/// prototype's bytes with those ranges rewritten, which is byte for byte what the builder makes
/// for that actor (checked when the pool is built, and by the tests).
final class PayloadPool: Sendable {
    struct Patch: Sendable {
        let offset: Int
        let field: Int
    }

    struct Body: Sendable {
        let bytes: [UInt8]
        let patches: [Patch]
    }

    let variation: ActorVariation
    /// `[step][prototype]`.
    let bodies: [[Body]]
    /// Body lengths, `step * prototypeCount + prototype` (read per request without touching the bodies).
    private let lengths: [Int]
    let prototypeCount: Int

    /// Builds the pool with the vendor builders, each prototype's lifecycle ending at
    /// `originMilliseconds` (the run's start), so no body is dated after it is sent. A field
    /// whose value the builder also encodes elsewhere (Testlify puts the email into the base64
    /// invite key) cannot be rewritten in place; such fields are left as the prototype's.
    init(plan: LoadPlan, profile: VendorProfile, prototypes: Int, originMilliseconds: Int64) throws(LoadError)
    {
        let fixed = Set(plan.actorFields.map(\.key))
        var variation = ActorVariation(profile: profile, seed: plan.seed, fixed: fixed)
        prototypeCount = prototypes
        let clock = FixedClock(milliseconds: originMilliseconds)
        var perPrototype: [[Body]] = []
        var p = 0
        while p < prototypes {
            if let bodies = try Self.prototypeBodies(
                plan: plan, prototype: p, variation: variation, clock: clock)
            {
                perPrototype.append(bodies)
                p += 1
            } else if variation.fields.isEmpty {
                throw LoadError(
                    "the \(plan.vendor) bodies of one actor differ between two generations; use --payloads fresh"
                )
            } else {
                // Start again without the last (least important) field.
                variation = variation.droppingLastField()
                perPrototype = []
                p = 0
            }
        }
        self.variation = variation
        bodies = plan.events.indices.map { step in perPrototype.map { $0[step] } }
        lengths = bodies.flatMap { $0.map(\.bytes.count) }
    }

    /// Names of the actor fields rewritten per actor.
    var variedFields: [String] { variation.fields.map(\.name) }

    /// Name of prototype `p`'s actor.
    static func prototypeName(_ p: Int) -> String { "actor-\(p)" }

    /// The actor fields that make prototype `p` the load actor with the given per-field values.
    static func fields(plan: LoadPlan, variation: ActorVariation, prototype p: Int, values: [[UInt8]])
        -> JSONObject
    {
        var fields = plan.actorFields
        let base = ActorIdentity(
            vendor: plan.vendor, name: prototypeName(p), seed: plan.seed, fields: plan.actorFields)
        for (i, f) in variation.fields.enumerated() {
            let text = String(decoding: values[i], as: UTF8.self)
            switch f.kind {
            case .objectId: fields[f.name] = .string(text)
            case .sixDigits: fields[f.name] = .int(Int(text) ?? 0)
            case .emailTag:
                let email = base.email
                let at = email.lastIndex(of: "@") ?? email.endIndex
                fields[f.name] = .string(String(email[..<at]) + "+" + text + String(email[at...]))
            }
        }
        return fields
    }

    /// Values of the fields for global actor `actor`.
    static func values(variation: ActorVariation, actor: Int) -> [[UInt8]] {
        variation.fields.map { f in
            var bytes = [UInt8](repeating: 0, count: f.width)
            bytes.withUnsafeMutableBytes { variation.write(f, actor: actor, into: $0) }
            return bytes
        }
    }

    /// Sentinel values: two sets that the builder output is compared under.
    private static func sentinels(_ variation: ActorVariation, attempt: Int) -> ([[UInt8]], [[UInt8]]) {
        func make(_ salt: UInt64) -> [[UInt8]] {
            variation.fields.enumerated().map { i, f in
                let r = SplitMix.mix(salt &+ UInt64(i) &* 0x1000 &+ UInt64(attempt))
                var out = [UInt8](repeating: 0, count: f.width)
                out.withUnsafeMutableBytes { buffer in
                    switch f.kind {
                    case .objectId:
                        Hex.write(r, digits: 16, into: buffer, at: 0)
                        Hex.write(SplitMix.mix(r), digits: 8, into: buffer, at: 16)
                    case .sixDigits:
                        Decimal.write(100_000 + r % 900_000, digits: 6, into: buffer, at: 0)
                    case .emailTag:
                        Decimal.write(r, digits: f.width, into: buffer, at: 0)
                    }
                }
                return out
            }
        }
        return (make(0xA11CE), make(0xB0B))
    }

    /// Generates prototype `p`'s bodies twice, under two sentinel value sets, and locates the
    /// sentinels: the two outputs must differ exactly at the located ranges.
    private static func prototypeBodies(
        plan: LoadPlan, prototype p: Int, variation: ActorVariation, clock: FixedClock
    ) throws(LoadError) -> [Body]? {
        for attempt in 0..<3 {
            let (a, b) = sentinels(variation, attempt: attempt)
            let bodiesA = try generate(
                plan: plan, prototype: p,
                fields: fields(plan: plan, variation: variation, prototype: p, values: a), clock: clock)
            let bodiesB = try generate(
                plan: plan, prototype: p,
                fields: fields(plan: plan, variation: variation, prototype: p, values: b), clock: clock)
            var result: [Body] = []
            for (bytesA, bytesB) in zip(bodiesA, bodiesB) {
                guard let patches = locate(a: bytesA, b: bytesB, sentinelsA: a, sentinelsB: b) else { break }
                result.append(Body(bytes: bytesA, patches: patches))
            }
            if result.count == plan.events.count { return result }
        }
        return nil
    }

    static func generate(plan: LoadPlan, prototype p: Int, fields: JSONObject, clock: FixedClock)
        throws(LoadError) -> [[UInt8]]
    {
        // The lifecycle ends at the clock's time, so that no event is dated after the run starts.
        let story = VendorCatalog.standard.lifecycleTimeline(
            vendor: plan.vendor, events: plan.events, actorName: prototypeName(p), fields: fields,
            seed: plan.seed,
            endingAt: clock.milliseconds)
        var actor = ActorState(
            vendor: plan.vendor, version: plan.version, name: prototypeName(p), seed: plan.seed,
            fields: fields,
            storyStartMilliseconds: story.timeline.anchorMilliseconds)
        var out: [[UInt8]] = []
        for (event, time) in zip(plan.events, story.times) {
            do {
                out.append(
                    try VendorCatalog.standard.generate(
                        vendor: plan.vendor, event: event, actor: &actor, atMilliseconds: time
                    ).bodyBytes)
            } catch {
                throw LoadError(error.message)
            }
        }
        return out
    }

    /// Occurrences of each field's sentinel in `a`; nil unless replacing them all by the other
    /// sentinels gives exactly `b`.
    static func locate(a: [UInt8], b: [UInt8], sentinelsA: [[UInt8]], sentinelsB: [[UInt8]]) -> [Patch]? {
        guard a.count == b.count else { return nil }
        var patches: [Patch] = []
        for (field, sentinel) in sentinelsA.enumerated() where !sentinel.isEmpty {
            var i = 0
            while i + sentinel.count <= a.count {
                if a[i] == sentinel[0] && a[i..<(i + sentinel.count)].elementsEqual(sentinel) {
                    patches.append(Patch(offset: i, field: field))
                    i += sentinel.count
                } else {
                    i += 1
                }
            }
        }
        patches.sort { $0.offset < $1.offset }
        var rebuilt = a
        for p in patches {
            let s = sentinelsB[p.field]
            for k in 0..<s.count { rebuilt[p.offset + k] = s[k] }
        }
        return rebuilt == b ? patches : nil
    }

    /// Body length of actor `actor`'s step.
    func length(actor: Int, step: Int) -> Int { lengths[step * prototypeCount + actor % prototypeCount] }

    /// Writes actor `actor`'s body for `step` into `out` (exactly `length(actor:step:)` bytes).
    func write(actor: Int, step: Int, into out: UnsafeMutableRawBufferPointer) {
        let body = bodies[step][actor % prototypeCount]
        body.bytes.withUnsafeBytes { out.copyMemory(from: $0) }
        for patch in body.patches {
            let field = variation.fields[patch.field]
            variation.write(
                field, actor: actor,
                into: UnsafeMutableRawBufferPointer(
                    rebasing: out[patch.offset..<(patch.offset + field.width)]))
        }
    }
}
