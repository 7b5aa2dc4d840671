import Foundation

/// `doctor --at`: a time to judge certificates at, relative (`+30d`, `+12h`, `+90m`) or absolute (a date, or an
/// RFC 3339 time).
public enum DoctorTime {
    public static func parse(_ text: String, now: Date) -> Date? {
        if text.hasPrefix("+"), let unit = text.last, let amount = Double(text.dropFirst().dropLast()), amount >= 0 {
            let seconds: Double
            switch unit {
            case "d": seconds = 86400
            case "h": seconds = 3600
            case "m": seconds = 60
            default: return nil
            }
            return now.addingTimeInterval(amount * seconds)
        }
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text)
    }
}
