/// JSON number literals: their grammar, and the exact integer one stands for.
enum JSONNumber {
    /// Whether `text` is a JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isLiteral(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            let count = bytes.prefix { (0x30...0x39).contains($0) }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            if digits() == 0 { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            if digits() == 0 { return false }
        }
        return bytes.isEmpty
    }

    /// The integer a number literal stands for, as a sign and a magnitude: `12`, `-3`, and also `1e3` or `2.50e1`,
    /// whose values are whole. Nil when the literal is not a number, not whole, or beyond 64 bits.
    static func integer(_ literal: String) -> (negative: Bool, magnitude: UInt64)? {
        guard isLiteral(literal) else { return nil }
        var text = Substring(literal)
        let negative = text.hasPrefix("-")
        if negative { text = text.dropFirst() }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            // More than a few exponent digits cannot give a whole number that fits 64 bits (zero aside).
            guard let value = Int(text[text.index(after: e)...].prefix(6)) else { return nil }
            exponent = value
            text = text[..<e]
        }
        var digits = Array(text.utf8.filter { $0 != UInt8(ascii: ".") })
        if let point = text.firstIndex(of: ".") { exponent -= text.distance(from: point, to: text.endIndex) - 1 }
        digits = Array(digits.drop { $0 == UInt8(ascii: "0") })
        if digits.isEmpty { return (negative, 0) }
        if exponent < 0 {
            guard -exponent < digits.count, digits.suffix(-exponent).allSatisfy({ $0 == UInt8(ascii: "0") }) else {
                return nil
            }
            digits.removeLast(-exponent)
        } else {
            guard digits.count + exponent <= 20 else { return nil }
            digits += Array(repeating: UInt8(ascii: "0"), count: exponent)
        }
        var magnitude: UInt64 = 0
        for digit in digits {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, carry) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            magnitude = sum
        }
        return (negative, magnitude)
    }
}
