import Crypto

/// Strict base64 decoding (standard alphabet, padded: signature entries and keys are read
/// exactly), and a writer for the 32-byte digests signed per request, without allocation.
/// Encoding of whole values is Foundation's.
enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Nil unless `text` is padded standard base64 of at least one byte.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard !chars.isEmpty, chars.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(chars.count / 4 * 3)
        var index = 0
        while index < chars.count {
            var values: [UInt8] = [0, 0, 0, 0]
            var padding = 0
            for offset in 0..<4 {
                let c = chars[index + offset]
                if c == UInt8(ascii: "=") {
                    guard index + 4 == chars.count, offset >= 2 else { return nil }
                    padding += 1
                    continue
                }
                guard padding == 0, let v = value(c) else { return nil }
                values[offset] = v
            }
            output.append(values[0] << 2 | values[1] >> 4)
            if padding < 2 { output.append((values[1] & 0x0F) << 4 | values[2] >> 2) }
            if padding < 1 { output.append((values[2] & 0x03) << 6 | values[3]) }
            index += 4
        }
        return output
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }

    /// Length of the base64 text of 32 bytes.
    static let length32 = 44

    /// Writes the base64 of exactly 32 bytes into the first 44 bytes of `output`.
    static func encode32(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        alphabet.withUnsafeBufferPointer { table in
            var o = 0
            var i = 0
            while i + 3 <= 30 {
                let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                output[o] = table[Int(n >> 18 & 63)]
                output[o + 1] = table[Int(n >> 12 & 63)]
                output[o + 2] = table[Int(n >> 6 & 63)]
                output[o + 3] = table[Int(n & 63)]
                i += 3
                o += 4
            }
            // 30 bytes done; the last 2 give three characters and one pad.
            let n = UInt32(input[30]) << 16 | UInt32(input[31]) << 8
            output[o] = table[Int(n >> 18 & 63)]
            output[o + 1] = table[Int(n >> 12 & 63)]
            output[o + 2] = table[Int(n >> 6 & 63)]
            output[o + 3] = UInt8(ascii: "=")
        }
    }

    /// Lower-case hex.
    static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes of an even-length hex text (either case), or nil.
    static func unhex(_ text: some StringProtocol) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard !chars.isEmpty, chars.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Compares in time that depends only on the lengths.
func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count { difference |= a[i] ^ b[i] }
    return difference == 0
}

/// SHA-256 of a body in hex, for logs that let a body be compared byte for byte without keeping it.
public enum BodyDigest {
    public static func sha256Hex(_ body: some Collection<UInt8>) -> String {
        Base64.hex(Array(SHA256.hash(data: Array(body))))
    }

    /// 64-bit FNV-1a of the body, in hex: the message id of a request that carries none, the
    /// same for the same bytes.
    public static func fnv1a(_ bytes: some Collection<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
