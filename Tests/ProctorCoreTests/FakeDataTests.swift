import Testing

@testable import ProctorCore

@Suite struct FakeDataTests {
    func sample(_ seed: UInt64) -> [String] {
        var r = SeededRandom(seed: seed)
        let name = FakeData.personName(&r)
        let place = FakeData.place(&r)
        return [
            name.full, FakeData.email(for: name, &r), FakeData.company(&r), place.city,
            FakeData.phoneNumber(dial: place.dial, &r),
            FakeData.objectId(atMilliseconds: 1_712_041_324_323, &r),
            String(FakeData.integerId(digits: 6, &r)), FakeData.uuid(&r), FakeData.ipv4(&r),
            FakeData.sentence(&r),
        ]
    }

    @Test func sameSeedSameValues() {
        for seed in UInt64(0)..<50 {
            #expect(sample(seed) == sample(seed))
        }
        #expect(Set((UInt64(0)..<50).map { sample($0)[0] + sample($0)[5] }).count == 50)
    }

    @Test func formats() {
        for seed in UInt64(0)..<200 {
            let s = sample(seed)
            let email = s[1]
            #expect(email.wholeMatch(of: /[a-z0-9._]+@[a-z.]+/) != nil, "\(email)")
            #expect(s[4].wholeMatch(of: /\+[0-9]{11,14}/) != nil, "\(s[4])")
            #expect(s[5].wholeMatch(of: /[0-9a-f]{24}/) != nil)
            #expect(s[5].hasPrefix("660bad6c"))  // 1712041324 seconds in hex
            #expect(s[6].count == 6)
            #expect(
                s[7].wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/)
                    != nil)
        }
    }

    @Test func emailsComeFromTheName() {
        var r = SeededRandom(seed: 1)
        let email = FakeData.email(for: FakeData.PersonName(first: "Sofía", last: "Müller"), &r)
        #expect(email.hasPrefix("sofia") || email.hasPrefix("smuller"))
    }

    @Test func timestamps() {
        #expect(FakeData.isoTimestamp(milliseconds: 1_778_491_596_453) == "2026-05-11T09:26:36.453Z")
        #expect(FakeData.isoTimestamp(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(FakeData.isoTimestamp(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(FakeData.isoTimestampSeconds(milliseconds: 1_699_180_200_999) == "2023-11-05T10:30:00Z")
        #expect(
            FakeData.isoTimestamp(FixedClock(milliseconds: 1_712_041_324_323)) == "2024-04-02T07:02:04.323Z")
        #expect(FakeData.interval(seconds: 1200) == "00:20:00")
    }
}
