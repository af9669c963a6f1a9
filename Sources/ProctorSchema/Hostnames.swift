/// Host names (RFC 1123) and internationalized host names (IDNA 2008, RFC 5890–5893), with
/// Punycode A-labels decoded and checked like U-labels.
enum Hostnames {
    static let separators: Set<Unicode.Scalar> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]

    static func isHostname(_ text: String, international: Bool) -> Bool {
        guard !text.isEmpty else { return false }
        var labels: [[Unicode.Scalar]] = [[]]
        for scalar in text.unicodeScalars {
            if scalar == "." || (international && separators.contains(scalar)) {
                labels.append([])
            } else {
                labels[labels.count - 1].append(scalar)
            }
        }
        var totalLength = labels.count - 1
        var anyRightToLeft = false
        var decodedLabels: [[Unicode.Scalar]] = []
        for label in labels {
            guard !label.isEmpty else { return false }
            let ascii = label.allSatisfy(\.isASCII)
            if ascii {
                guard label.count <= 63, isLDH(label) else { return false }
                totalLength += label.count
                let lower = String(String.UnicodeScalarView(label)).lowercased()
                if lower.hasPrefix("xn--") {
                    guard let decoded = Punycode.decode(String(lower.dropFirst(4))),
                        !decoded.allSatisfy(\.isASCII),
                        Punycode.encode(decoded) == String(lower.dropFirst(4)), isULabel(decoded)
                    else { return false }
                    decodedLabels.append(decoded)
                } else {
                    if label.count >= 4 && label[2] == "-" && label[3] == "-" { return false }
                    decodedLabels.append(label)
                }
            } else {
                guard international, isULabel(label), let encoded = Punycode.encode(label) else {
                    return false
                }
                guard encoded.count + 4 <= 63 else { return false }
                totalLength += encoded.count + 4
                decodedLabels.append(label)
            }
        }
        guard totalLength <= 253 else { return false }
        for label in decodedLabels where label.contains(where: { Bidi.isRightToLeft($0) }) {
            anyRightToLeft = true
        }
        if anyRightToLeft {
            for label in decodedLabels where !Bidi.satisfiesRule(label) { return false }
        }
        return true
    }

    static func isLDH(_ label: [Unicode.Scalar]) -> Bool {
        guard label.first != "-", label.last != "-" else { return false }
        return label.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "-"
        }
    }

    static let disallowedExceptions: Set<UInt32> = [
        0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B,
    ]
    static let pvalidExceptions: Set<UInt32> = [0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007]

    /// IDNA 2008 U-label rules: allowed code points and the contextual rules of RFC 5892.
    static func isULabel(_ label: [Unicode.Scalar]) -> Bool {
        guard !label.isEmpty, label.first != "-", label.last != "-" else { return false }
        if label.count >= 4 && label[2] == "-" && label[3] == "-" { return false }
        if let first = label.first {
            switch first.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return false
            default: break
            }
        }
        let hasArabicIndic = label.contains { (0x0660...0x0669).contains($0.value) }
        let hasExtendedArabicIndic = label.contains { (0x06F0...0x06F9).contains($0.value) }
        if hasArabicIndic && hasExtendedArabicIndic { return false }
        for (i, c) in label.enumerated() {
            let v = c.value
            if disallowedExceptions.contains(v) { return false }
            if pvalidExceptions.contains(v) { continue }
            switch v {
            case 0x00B7:
                guard i > 0, i + 1 < label.count, label[i - 1] == "l", label[i + 1] == "l" else {
                    return false
                }
                continue
            case 0x0375:
                guard i + 1 < label.count, isGreek(label[i + 1]) else { return false }
                continue
            case 0x05F3, 0x05F4:
                guard i > 0, isHebrew(label[i - 1]) else { return false }
                continue
            case 0x30FB:
                guard label.contains(where: { $0.value != 0x30FB && (isHiraganaKatakana($0) || isHan($0)) })
                else {
                    return false
                }
                continue
            case 0x200D:
                guard i > 0, label[i - 1].properties.canonicalCombiningClass.rawValue == 9 else {
                    return false
                }
                continue
            case 0x200C:
                if i > 0, label[i - 1].properties.canonicalCombiningClass.rawValue == 9 { continue }
                guard i > 0, i + 1 < label.count, isJoining(label[i - 1]), isJoining(label[i + 1]) else {
                    return false
                }
                continue
            default:
                break
            }
            if c == "-" || (c >= "0" && c <= "9") || (c >= "a" && c <= "z") { continue }
            if c.isASCII { return false }
            switch c.properties.generalCategory {
            case .lowercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark,
                .decimalNumber:
                continue
            default:
                return false
            }
        }
        return true
    }

    static func isGreek(_ c: Unicode.Scalar) -> Bool {
        (0x0370...0x03FF).contains(c.value) || (0x1F00...0x1FFF).contains(c.value)
    }
    static func isHebrew(_ c: Unicode.Scalar) -> Bool { (0x0590...0x05FF).contains(c.value) }
    static func isHiraganaKatakana(_ c: Unicode.Scalar) -> Bool {
        (0x3040...0x30FF).contains(c.value) || (0x31F0...0x31FF).contains(c.value)
    }
    static func isHan(_ c: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(c.value) || (0x3400...0x4DBF).contains(c.value)
            || (0x20000...0x2FA1F).contains(c.value) || (0xF900...0xFAFF).contains(c.value)
    }
    /// Letters of joining scripts (Arabic, Syriac, N'Ko and similar), for ZERO WIDTH NON-JOINER.
    static func isJoining(_ c: Unicode.Scalar) -> Bool {
        (0x0620...0x06FF).contains(c.value) || (0x0700...0x08FF).contains(c.value)
    }
}

/// The Bidi rule of RFC 5893, with right-to-left detected by code point block.
enum Bidi {
    static func isRightToLeft(_ c: Unicode.Scalar) -> Bool {
        (0x0590...0x08FF).contains(c.value) || (0xFB1D...0xFDFF).contains(c.value)
            || (0xFE70...0xFEFF).contains(c.value)
            || (0x10800...0x10FFF).contains(c.value) || (0x1E800...0x1EFFF).contains(c.value)
    }
    static func isArabicNumber(_ c: Unicode.Scalar) -> Bool {
        (0x0660...0x0669).contains(c.value)
    }
    static func isEuropeanNumber(_ c: Unicode.Scalar) -> Bool {
        c >= "0" && c <= "9" || (0x06F0...0x06F9).contains(c.value)
    }

    static func satisfiesRule(_ label: [Unicode.Scalar]) -> Bool {
        guard let first = label.first else { return false }
        let isMark = { (c: Unicode.Scalar) -> Bool in
            switch c.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return true
            default: return false
            }
        }
        if isRightToLeft(first) && !isArabicNumber(first) {
            // Rules 2–4.
            let hasEuropean = label.contains(where: {
                $0 >= "0" && $0 <= "9" || (0x06F0...0x06F9).contains($0.value)
            })
            let hasArabic = label.contains(where: isArabicNumber)
            if hasEuropean && hasArabic { return false }
            guard let last = label.last(where: { !isMark($0) }) else { return false }
            if !(isRightToLeft(last) || isEuropeanNumber(last)) { return false }
            return !label.contains(where: { $0.isASCII && Character($0).isLetter })
        }
        if first.isASCII && Character(first).isLetter
            || (!first.isASCII && !isRightToLeft(first) && first.properties.isAlphabetic)
        {
            // Rules 5–6: left-to-right labels contain no right-to-left characters.
            if label.contains(where: isRightToLeft) { return false }
            guard let last = label.last(where: { !isMark($0) }) else { return false }
            return (last.isASCII && Character(last).isLetter) || (last >= "0" && last <= "9")
                || last.properties.isAlphabetic
        }
        return false
    }
}

/// RFC 3492 Punycode.
enum Punycode {
    static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    static func adapt(_ delta: Int, _ numPoints: Int, _ firstTime: Bool) -> Int {
        var delta = firstTime ? delta / damp : delta / 2
        delta += delta / numPoints
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    static func digitValue(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "a"..."z": return Int(c.value - 97)
        case "A"..."Z": return Int(c.value - 65)
        case "0"..."9": return Int(c.value - 48) + 26
        default: return nil
        }
    }

    static func decode(_ input: String) -> [Unicode.Scalar]? {
        let scalars = Array(input.unicodeScalars)
        var output: [Unicode.Scalar] = []
        var rest = scalars[...]
        if let dash = scalars.lastIndex(of: "-") {
            output = Array(scalars[..<dash])
            guard output.allSatisfy(\.isASCII) else { return nil }
            rest = scalars[(dash + 1)...]
            if rest.isEmpty { return nil }
        }
        var n = initialN, i = 0, bias = initialBias
        var iterator = rest.makeIterator()
        var pending = iterator.next()
        while pending != nil {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard let c = pending, let digit = digitValue(c) else { return nil }
                pending = iterator.next()
                i += digit * w
                guard i < 0x10FFFF * 8 else { return nil }
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if digit < t { break }
                w *= base - t
                k += base
            }
            bias = adapt(i - oldI, output.count + 1, oldI == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard let scalar = Unicode.Scalar(UInt32(n)) else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        return output
    }

    static func encode(_ input: [Unicode.Scalar]) -> String? {
        var output: [Unicode.Scalar] = input.filter(\.isASCII)
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        let values = input.map { Int($0.value) }
        while handled < values.count {
            guard let m = values.filter({ $0 >= n }).min() else { return nil }
            delta += (m - n) * (handled + 1)
            n = m
            for c in values {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return String(String.UnicodeScalarView(output))
    }

    static func digit(_ d: Int) -> Unicode.Scalar {
        Unicode.Scalar(UInt8(d < 26 ? d + 97 : d - 26 + 48))
    }
}
