/// `google.protobuf.Timestamp` as JSON: RFC 3339 in UTC (`1972-01-01T10:00:20.021Z`), years 1 to 9999.
enum TimestampFormat {
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in seconds since the Unix epoch.
    static let range: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// As Go's jsonpb writes it: `Z`-normalized, 0, 3, 6 or 9 fraction digits. Nil when out of range.
    static func format(seconds: Int64, nanos: Int32) -> String? {
        guard range.contains(seconds), (0..<1_000_000_000).contains(nanos) else { return nil }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        let (year, month, day) = civil(days: days)
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2) + "T" + padded(time / 3600, 2) + ":"
            + padded(time / 60 % 60, 2) + ":" + padded(time % 60, 2) + fraction(nanos) + "Z"
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, to seconds and nanoseconds in UTC. Nil when the text is not that
    /// form or the time is out of range.
    static func parse(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        var scanner = DigitScanner(text)
        guard let year = scanner.number(4), scanner.take("-"), let month = scanner.number(2), scanner.take("-"),
            let day = scanner.number(2), scanner.take("T"), let hour = scanner.number(2), scanner.take(":"),
            let minute = scanner.number(2), scanner.take(":"), let second = scanner.number(2),
            let nanos = scanner.fraction()
        else { return nil }
        var offset: Int64 = 0
        if !scanner.take("Z") {
            let sign: Int64 = scanner.take("+") ? 1 : scanner.take("-") ? -1 : 0
            guard sign != 0, let hours = scanner.number(2), scanner.take(":"), let minutes = scanner.number(2),
                hours < 24, minutes < 60
            else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard scanner.isAtEnd, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24,
            minute < 60, second < 60
        else { return nil }
        let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        guard range.contains(seconds) else { return nil }
        return (seconds, nanos)
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (`days_from_civil`).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let year = month <= 2 ? year - 1 : year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// `google.protobuf.Duration` as JSON: seconds with a fraction and an `s` (`1.5s`, `-0.000001s`), at most about
/// 10,000 years either way.
enum DurationFormat {
    static let maxSeconds: Int64 = 315_576_000_000

    /// As Go's jsonpb writes it: 0, 3, 6 or 9 fraction digits. Nil when out of range or the signs of seconds and
    /// nanos differ.
    static func format(seconds: Int64, nanos: Int32) -> String? {
        guard (-maxSeconds...maxSeconds).contains(seconds), (-999_999_999...999_999_999).contains(nanos),
            !(seconds > 0 && nanos < 0), !(seconds < 0 && nanos > 0)
        else { return nil }
        let sign = seconds < 0 || nanos < 0 ? "-" : ""
        return sign + String(seconds.magnitude) + fraction(Int32(nanos.magnitude)) + "s"
    }

    /// `[-]seconds[.fraction]s`, to seconds and nanoseconds of the same sign. Nil when it is not that form or out of
    /// range.
    static func parse(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        var scanner = DigitScanner(text)
        let negative = scanner.take("-")
        guard let seconds = scanner.number(1...12), let nanos = scanner.fraction(), scanner.take("s"), scanner.isAtEnd,
            seconds <= maxSeconds
        else { return nil }
        return negative ? (-seconds, -nanos) : (seconds, nanos)
    }
}

/// `.ddd`, `.dddddd` or `.ddddddddd`: the fewest of 3, 6 or 9 digits that hold `nanos`; nothing for zero.
private func fraction(_ nanos: Int32) -> String {
    if nanos == 0 { return "" }
    let digits = padded(Int64(nanos), 9)
    if nanos % 1_000_000 == 0 { return "." + digits.prefix(3) }
    if nanos % 1000 == 0 { return "." + digits.prefix(6) }
    return "." + digits
}

private func padded(_ value: Int64, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(width - text.count, 0)) + text
}

/// Reads the fixed-form numbers of timestamps and durations.
private struct DigitScanner {
    private let characters: [Character]
    private var index = 0

    init(_ text: String) {
        characters = Array(text)
    }

    var isAtEnd: Bool { index == characters.count }

    /// Takes `character` when it is next.
    mutating func take(_ character: Character) -> Bool {
        guard index < characters.count, characters[index] == character else { return false }
        index += 1
        return true
    }

    /// Exactly `count` ASCII digits.
    mutating func number(_ count: Int) -> Int64? {
        number(count...count)
    }

    /// Between `counts` ASCII digits, as many as there are.
    mutating func number(_ counts: ClosedRange<Int>) -> Int64? {
        var value: Int64 = 0
        var count = 0
        while count < counts.upperBound, index < characters.count, let digit = characters[index].wholeNumberValue,
            characters[index].isASCII
        {
            value = value * 10 + Int64(digit)
            count += 1
            index += 1
        }
        return counts.contains(count) ? value : nil
    }

    /// An optional `.` and 1 to 9 digits, as nanoseconds; 0 when there is no `.`, nil when the digits are missing.
    mutating func fraction() -> Int32? {
        guard take(".") else { return 0 }
        let start = index
        guard let value = number(1...9) else { return nil }
        var nanos = value
        for _ in 0..<(9 - (index - start)) { nanos *= 10 }
        return Int32(nanos)
    }
}
