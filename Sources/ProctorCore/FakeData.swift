/// Realistic fake values (people, companies, places, ids, timestamps) drawn from a ``SeededRandom``.
///
/// Everything is offline and deterministic: the same generator state gives the same values on
/// every platform. Nothing here touches the system random generator.
public enum FakeData {
    /// A person's given and family name, taken from one culture so the pair reads naturally.
    public struct PersonName: Sendable, Hashable {
        public var first: String
        public var last: String
        public init(first: String, last: String) {
            self.first = first
            self.last = last
        }
        public var full: String { first + " " + last }
    }

    /// Given and family names grouped by culture.
    public static let namesByCulture: [(first: [String], last: [String])] = [
        (
            ["James", "Emily", "Oliver", "Grace", "Henry", "Chloe", "Samuel", "Hannah", "Lucas", "Megan"],
            [
                "Walker", "Bennett", "Hughes", "Foster", "Morgan", "Carter", "Reynolds", "Parker", "Ellis",
                "Turner",
            ]
        ),
        (
            ["Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Meera", "Arjun", "Kavya", "Siddharth", "Isha"],
            ["Sharma", "Iyer", "Patel", "Reddy", "Nair", "Gupta", "Menon", "Kulkarni", "Bose", "Chatterjee"]
        ),
        (
            ["Wei", "Mei", "Jun", "Lian", "Hao", "Xiu", "Chen", "Yan", "Bo", "Ling"],
            ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"]
        ),
        (
            [
                "Mateo", "Lucía", "Santiago", "Valentina", "Diego", "Camila", "Javier", "Sofía", "Andrés",
                "Elena",
            ],
            [
                "García", "Martínez", "Rodríguez", "López", "Hernández", "Gómez", "Díaz", "Morales", "Ortiz",
                "Castro",
            ]
        ),
        (
            ["Chinedu", "Amara", "Oluwaseun", "Ngozi", "Kwame", "Ama", "Tunde", "Zainab", "Emeka", "Adaeze"],
            ["Okafor", "Adeyemi", "Mensah", "Okonkwo", "Balogun", "Eze", "Asante", "Nwosu", "Owusu", "Bello"]
        ),
        (
            ["Yuki", "Haruto", "Sakura", "Ren", "Aoi", "Sota", "Hina", "Kaito", "Mio", "Riku"],
            [
                "Tanaka", "Suzuki", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi",
                "Sato", "Kato",
            ]
        ),
        (
            ["Lukas", "Anna", "Jonas", "Lea", "Felix", "Marie", "Maximilian", "Sophie", "Paul", "Lena"],
            [
                "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Koch",
                "Richter",
            ]
        ),
        (
            ["Omar", "Layla", "Youssef", "Noor", "Karim", "Salma", "Hassan", "Mariam", "Tariq", "Yasmin"],
            [
                "Haddad", "Khalil", "Nasser", "Saleh", "Mansour", "Aziz", "Farouk", "Rahman", "Hamdan",
                "Sabbagh",
            ]
        ),
        (
            ["Mikael", "Ingrid", "Anders", "Astrid", "Erik", "Freja", "Nils", "Sigrid", "Lars", "Maja"],
            [
                "Lindqvist", "Johansson", "Andersen", "Nilsson", "Berg", "Hansen", "Larsen", "Eriksson",
                "Dahl", "Holm",
            ]
        ),
    ]

    public static let companies = [
        "Northwind Analytics", "Bluebird Logistics", "Cedar & Stone", "Helios Health", "Kestrel Robotics",
        "Lumen Retail", "Meridian Finance", "Orchid Media", "Pinecrest Energy", "Quantum Harbor",
        "Riverbend Foods", "Summit Legal", "Tidewater Insurance", "Umbra Security", "Vantage Mobility",
        "Willow Education", "Zenith Aerospace", "Brightpath Software", "Coral Bay Hotels",
        "Ironclad Manufacturing",
    ]

    public static let jobRoles = [
        "Platform Engineer", "Frontend Developer", "Data Analyst", "Customer Success Manager",
        "Account Manager", "Product Designer", "DevOps Engineer", "Financial Analyst",
        "Marketing Coordinator", "HR Business Partner", "QA Engineer", "Sales Development Representative",
        "Mobile Developer", "Data Engineer", "Support Specialist", "Operations Manager",
    ]

    public static let skills = [
        "Problem Solving", "Written Communication", "Python", "JavaScript", "SQL", "Attention to Detail",
        "Numerical Reasoning", "Verbal Reasoning", "Teamwork", "System Design", "Time Management",
        "Critical Thinking", "Negotiation", "Data Structures", "Cloud Fundamentals", "Excel",
    ]

    /// City, region and ISO country code, and the country's name and dialling code.
    public static let places:
        [(
            city: String, region: String, countryCode: String, country: String, dial: String,
            latitude: Double, longitude: Double
        )] = [
            ("Pune", "Maharashtra", "IN", "India", "+91", 18.5204, 73.8567),
            ("Bengaluru", "Karnataka", "IN", "India", "+91", 12.9716, 77.5946),
            ("Austin", "Texas", "US", "United States", "+1", 30.2672, -97.7431),
            ("Seattle", "Washington", "US", "United States", "+1", 47.6062, -122.3321),
            ("Manchester", "England", "GB", "United Kingdom", "+44", 53.4808, -2.2426),
            ("Toronto", "Ontario", "CA", "Canada", "+1", 43.6532, -79.3832),
            ("Berlin", "Berlin", "DE", "Germany", "+49", 52.5200, 13.4050),
            ("Lagos", "Lagos", "NG", "Nigeria", "+234", 6.5244, 3.3792),
            ("Nairobi", "Nairobi County", "KE", "Kenya", "+254", -1.2921, 36.8219),
            ("São Paulo", "São Paulo", "BR", "Brazil", "+55", -23.5505, -46.6333),
            ("Madrid", "Madrid", "ES", "Spain", "+34", 40.4168, -3.7038),
            ("Osaka", "Osaka", "JP", "Japan", "+81", 34.6937, 135.5023),
            ("Singapore", "Singapore", "SG", "Singapore", "+65", 1.3521, 103.8198),
            ("Dubai", "Dubai", "AE", "United Arab Emirates", "+971", 25.2048, 55.2708),
            ("Sydney", "New South Wales", "AU", "Australia", "+61", -33.8688, 151.2093),
        ]

    public static let emailDomains = ["example.com", "example.org", "example.net", "mail.example.com"]

    static let words = [
        "candidate", "team", "customer", "project", "deadline", "report", "system", "request", "process",
        "quality", "feedback", "manager", "service", "data", "budget", "release", "meeting", "priority",
        "schedule", "client", "issue", "policy", "account", "review", "design", "result", "support",
    ]

    /// Assessment questions.
    public static let questions = [
        "Describe how you would prioritise three urgent requests that arrive at the same time.",
        "A client reports that last month's invoice is wrong. How do you respond?",
        "Which query returns the five most recent orders for each customer?",
        "Explain the trade-offs between caching at the edge and caching in the application.",
        "A teammate keeps missing code review deadlines. What would you do first?",
        "How would you measure whether a new onboarding flow is working?",
        "Walk through how you would debug a request that is slow only in production.",
        "Summarise a complex technical topic for a non-technical stakeholder.",
        "What steps would you take when a release breaks a critical customer workflow?",
        "Choose the statement that best describes eventual consistency.",
        "How do you keep a long project on schedule when requirements keep changing?",
        "Identify the error in the spreadsheet formula shown below.",
        "A supplier misses a delivery date that your customer depends on. What do you tell the customer?",
        "Which chart best shows how monthly revenue is split across regions?",
    ]

    /// Reviewers' remarks and feedback.
    public static let remarks = [
        "Handles the edge cases cleanly and explains the reasoning well.",
        "Good structure overall; error handling could be more thorough.",
        "Solid understanding of the fundamentals with room to grow on design.",
        "Clear communication and a sensible, well-tested solution.",
        "Correct result, but the approach would not scale to larger inputs.",
        "Strong analytical answers; time management could improve.",
    ]

    /// Descriptions of tests, catalogs and skills.
    public static let descriptions = [
        "Measures practical skill in the areas the role uses every day.",
        "Evaluates how candidates reason through realistic workplace scenarios.",
        "Covers the core concepts expected of a mid-level practitioner.",
        "Assesses accuracy and speed on short, job-relevant tasks.",
        "Screens for the fundamentals before the technical interview.",
        "Combines multiple-choice questions with one practical exercise.",
    ]

    // MARK: People

    public static func personName(_ random: inout SeededRandom) -> PersonName {
        let culture = namesByCulture[random.int(in: 0..<namesByCulture.count)]
        return PersonName(
            first: culture.first[random.int(in: 0..<culture.first.count)],
            last: culture.last[random.int(in: 0..<culture.last.count)])
    }

    /// An ASCII, lowercase local part for an email address: "Sofía" -> "sofia".
    public static func emailLocalPart(_ text: String) -> String {
        let folded = text.applyingASCIIFolding().lowercased()
        return String(
            folded.unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
                .map(Character.init))
    }

    /// An email derived from the name: `first.last@domain`, `flast12@domain` or `first_last@domain`.
    public static func email(for name: PersonName, _ random: inout SeededRandom) -> String {
        let first = emailLocalPart(name.first)
        let last = emailLocalPart(name.last)
        let domain = emailDomains[random.int(in: 0..<emailDomains.count)]
        switch random.int(in: 0...2) {
        case 0: return "\(first).\(last)@\(domain)"
        case 1: return "\(first.prefix(1))\(last)\(random.int(in: 1...99))@\(domain)"
        default: return "\(first)_\(last)@\(domain)"
        }
    }

    public static func company(_ random: inout SeededRandom) -> String {
        companies[random.int(in: 0..<companies.count)]
    }

    /// A company's workspace slug: "Cedar & Stone" -> "cedarstone".
    public static func slug(_ text: String) -> String { emailLocalPart(text) }

    public static func place(_ random: inout SeededRandom) -> (
        city: String, region: String, countryCode: String,
        country: String, dial: String, latitude: Double, longitude: Double
    ) {
        places[random.int(in: 0..<places.count)]
    }

    /// An E.164 phone number for the dialling code, e.g. `+14155550123`.
    public static func phoneNumber(dial: String, _ random: inout SeededRandom) -> String {
        var digits = String(random.int(in: 2...9))
        for _ in 0..<9 { digits += String(random.int(in: 0...9)) }
        return dial + digits
    }

    // MARK: Ids

    /// A 24-hex MongoDB ObjectId whose first four bytes are the creation time in seconds.
    public static func objectId(atMilliseconds milliseconds: Int64, _ random: inout SeededRandom) -> String {
        let seconds = UInt32(truncatingIfNeeded: max(0, milliseconds / 1000))
        var hex = String(seconds, radix: 16)
        hex = String(repeating: "0", count: max(0, 8 - hex.count)) + hex
        return hex + random.hex(16)
    }

    /// A positive integer id of the given number of digits (2 to 18).
    public static func integerId(digits: Int, _ random: inout SeededRandom) -> Int {
        let count = min(max(digits, 2), 18)
        var low = 1
        for _ in 1..<count { low *= 10 }
        return random.int(in: low...(low * 10 - 1))
    }

    /// A random (version 4) UUID in lowercase.
    public static func uuid(_ random: inout SeededRandom) -> String {
        var hex = Array(random.hex(32))
        hex[12] = "4"
        let variant = Array("89ab")
        hex[16] = variant[random.int(in: 0...3)]
        let s = String(hex)
        func part(_ from: Int, _ to: Int) -> Substring {
            s[s.index(s.startIndex, offsetBy: from)..<s.index(s.startIndex, offsetBy: to)]
        }
        return "\(part(0, 8))-\(part(8, 12))-\(part(12, 16))-\(part(16, 20))-\(part(20, 32))"
    }

    public static func ipv4(_ random: inout SeededRandom) -> String {
        "\(random.int(in: 11...223)).\(random.int(in: 0...255)).\(random.int(in: 0...255)).\(random.int(in: 1...254))"
    }

    // MARK: Text

    /// A description sentence.
    public static func sentence(_ random: inout SeededRandom) -> String {
        descriptions[random.int(in: 0..<descriptions.count)]
    }

    /// The `index`-th question of a set that starts at a seeded offset (distinct within a set).
    public static func question(_ index: Int, _ random: inout SeededRandom) -> String {
        questions[(random.int(in: 0..<questions.count) + index) % questions.count]
    }

    public static func remark(_ random: inout SeededRandom) -> String {
        remarks[random.int(in: 0..<remarks.count)]
    }

    /// `count` lowercase words joined by spaces.
    public static func words(_ count: Int, _ random: inout SeededRandom) -> String {
        (0..<max(1, count)).map { _ in words[random.int(in: 0..<words.count)] }.joined(separator: " ")
    }

    /// A title-cased phrase of `count` words.
    public static func title(_ count: Int, _ random: inout SeededRandom) -> String {
        words(count, &random).split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined(separator: " ")
    }

    // MARK: Time

    /// ISO-8601 in UTC with milliseconds, the form the vendors send: `2026-05-11T09:17:06.216Z`.
    public static func isoTimestamp(milliseconds: Int64) -> String {
        ISOTime(milliseconds: milliseconds).text(fractionDigits: 3)
    }

    /// ISO-8601 in UTC to the second: `2023-11-05T10:30:00Z`.
    public static func isoTimestampSeconds(milliseconds: Int64) -> String {
        ISOTime(milliseconds: milliseconds).text(fractionDigits: 0)
    }

    /// Milliseconds since the epoch of an ISO 8601 date-time such as `2026-05-11T09:17:06.216Z`,
    /// `2023-11-05T10:30:00Z` or `2023-11-05T10:30:00+05:30` (fractions beyond milliseconds are
    /// cut); nil for anything else.
    public static func milliseconds(fromISOTimestamp text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count else { return nil }
            var n = 0
            for i in range {
                guard (48...57).contains(b[i]) else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard b.count >= 19, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var millisecond = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var digits = 0
            while i < b.count, (48...57).contains(b[i]) {
                if digits < 3 { millisecond = millisecond * 10 + Int(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millisecond *= 10 }
        }
        var offsetMinutes = 0
        if i < b.count, b[i] == 90 || b[i] == 122 {
            i += 1
        } else if i + 6 == b.count, b[i] == 43 || b[i] == 45, b[i + 3] == 58,
            let h = number(i + 1..<i + 3), let m = number(i + 4..<i + 6)
        {
            offsetMinutes = (h * 60 + m) * (b[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(millisecond)
    }

    /// The clock's instant in the vendors' millisecond form.
    public static func isoTimestamp(_ clock: some WallClock) -> String {
        isoTimestamp(milliseconds: clock.nowMilliseconds())
    }

    /// `HH:MM:SS` for a duration in seconds (Talview's interval strings).
    public static func interval(seconds: Int) -> String {
        let s = max(0, seconds)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
    }
}

/// Civil UTC date and time from milliseconds since the epoch, without Foundation.
struct ISOTime {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int

    init(milliseconds: Int64) {
        var ms = milliseconds % 1000
        var seconds = milliseconds / 1000
        if ms < 0 {
            ms += 1000
            seconds -= 1
        }
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = Int(yoe + era * 400 + (m <= 2 ? 1 : 0))
        month = Int(m)
        day = Int(d)
        hour = Int(rest / 3600)
        minute = Int(rest / 60 % 60)
        second = Int(rest % 60)
        millisecond = Int(ms)
    }

    func text(fractionDigits: Int) -> String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var out =
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if fractionDigits > 0 { out += "." + pad(millisecond, 3) }
        return out + "Z"
    }
}

extension String {
    /// Latin letters with diacritics folded to ASCII ("Müller" -> "Muller"); others dropped later.
    func applyingASCIIFolding() -> String {
        let table: [Character: String] = [
            "á": "a", "à": "a", "â": "a", "ä": "a", "ã": "a", "å": "a", "é": "e", "è": "e", "ê": "e",
            "ë": "e",
            "í": "i", "ì": "i", "î": "i", "ï": "i", "ó": "o", "ò": "o", "ô": "o", "ö": "o", "õ": "o",
            "ø": "o",
            "ú": "u", "ù": "u", "û": "u", "ü": "u", "ñ": "n", "ç": "c", "ß": "ss",
            "Á": "A", "É": "E", "Í": "I", "Ó": "O", "Ú": "U", "Ü": "U", "Ö": "O", "Ä": "A", "Ñ": "N",
        ]
        return String(flatMap { table[$0] ?? String($0) })
    }
}
