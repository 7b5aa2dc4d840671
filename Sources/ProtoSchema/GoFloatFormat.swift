/// Floats printed as grpcurl's Go code prints them: the shortest digits that read back to the same value (Swift's
/// `description` finds the same digits), laid out as Go's `strconv` lays them out.
enum GoFloatFormat {
    /// `strconv.FormatFloat(v, 'g', -1, bits)`, as the fields of a message print: exponent form below 1e-4 and from
    /// 1e+06 (`1e+06`, `1.5e-05`), plain form between (`0.0001`, `123456`, `-2.5`).
    static func general<Value: BinaryFloatingPoint & LosslessStringConvertible>(_ value: Value) -> String {
        let decimal = DecimalDigits(value)
        let exponent = decimal.point - 1
        if !decimal.digits.isEmpty && (exponent < -4 || exponent >= 6) { return decimal.exponentForm() }
        return decimal.plainForm()
    }

    /// Go's `json.Marshal` of a float, as the well-known wrappers and `google.protobuf.Value` print: plain form from
    /// 1e-6 up to 1e21 (`1000000`, `0.000001`), exponent form outside it with no exponent zero-padding (`1e-7`,
    /// `1e+21`).
    static func json<Value: BinaryFloatingPoint & LosslessStringConvertible>(_ value: Value) -> String {
        let magnitude = value.magnitude
        guard magnitude != 0, magnitude < Value(1e-6) || magnitude >= Value(1e21) else {
            return DecimalDigits(value).plainForm()
        }
        var text = DecimalDigits(value).exponentForm()
        if text.dropLast().hasSuffix("e-0") { text.remove(at: text.index(text.endIndex, offsetBy: -2)) }
        return text
    }

    /// A finite float as decimal digits: value = 0.d₁d₂… × 10^point.
    private struct DecimalDigits {
        var negative: Bool
        /// Without leading or trailing zeros; empty for zero.
        var digits: [Character]
        var point: Int

        /// From Swift's shortest round-trip `description` (`1.5e-05`, `100.0`, `-0.0`).
        init<Value: BinaryFloatingPoint & LosslessStringConvertible>(_ value: Value) {
            var text = Substring(value.description)
            negative = text.hasPrefix("-")
            if negative { text = text.dropFirst() }
            var exponent = 0
            if let e = text.firstIndex(of: "e") {
                exponent = Int(text[text.index(after: e)...])!
                text = text[..<e]
            }
            let integer = text.prefix { $0 != "." }
            let all = Array(integer) + Array(text.dropFirst(integer.count + 1))
            let leading = all.prefix { $0 == "0" }.count
            digits = Array(all.dropFirst(leading).reversed().drop { $0 == "0" }.reversed())
            point = digits.isEmpty ? 0 : integer.count + exponent - leading
        }

        private func digit(_ index: Int) -> Character {
            index >= 0 && index < digits.count ? digits[index] : "0"
        }

        /// `d.ddde±XX`, at least two exponent digits.
        func exponentForm() -> String {
            var text = negative ? "-" : ""
            text.append(digit(0))
            if digits.count > 1 { text += "." + String(digits[1...]) }
            let exponent = digits.isEmpty ? 0 : point - 1
            let magnitude = String(abs(exponent))
            text += (exponent < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" : "") + magnitude
            return text
        }

        /// `ddd.ddd`, as many fraction digits as the value needs.
        func plainForm() -> String {
            var text = negative ? "-" : ""
            text += point > 0 ? String((0..<point).map(digit)) : "0"
            let fraction = max(digits.count - point, 0)
            if fraction > 0 { text += "." + String((point..<point + fraction).map(digit)) }
            return text
        }
    }
}
