import Foundation

/// A DNS question (A, class IN, recursion desired) and a one-line summary of an answer: what a UDP probe sends to a
/// DNS backend.
public enum DNSQuestion {
    public static func bytes(_ name: String, id: UInt16) -> [UInt8] {
        var out: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") where !label.isEmpty {
            let bytes = Array(label.utf8.prefix(63))
            out.append(UInt8(bytes.count))
            out += bytes
        }
        out += [0, 0, 1, 0, 1]
        return out
    }

    public static let rcodes = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]

    /// The answer's status (`NOERROR`, `SERVFAIL`, …), nil when it is not a DNS message.
    public static func status(_ answer: [UInt8], id: UInt16 = 0x6777) -> String? {
        // An answer to this question: its id, and the QR bit of a response.
        guard answer.count >= 12, answer[0] == UInt8(id >> 8), answer[1] == UInt8(id & 0xFF), answer[2] & 0x80 != 0
        else { return nil }
        let rcode = Int(answer[3] & 0x0F)
        return rcode < rcodes.count ? rcodes[rcode] : "RCODE \(rcode)"
    }

    public static func summary(_ answer: [UInt8], question: String) -> String {
        guard answer.count >= 12 else { return "not a DNS answer (\(answer.count) bytes)" }
        let rcode = Int(answer[3] & 0x0F)
        func count(_ at: Int) -> Int { Int(answer[at]) << 8 | Int(answer[at + 1]) }
        let name = rcode < rcodes.count ? rcodes[rcode] : "RCODE \(rcode)"
        return
            "DNS answer for \(question) A: status \(name), \(count(6)) answers, \(count(8)) authority, \(count(10)) additional"
    }
}
