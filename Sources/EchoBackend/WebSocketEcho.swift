import COpenSSL
import Foundation

/// The echo server's WebSocket (RFC 6455), as echo-basic's `/ws`: the handshake, then every data frame sent back
/// with its type, until the client closes.
enum WebSocketEcho {
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// `Sec-WebSocket-Accept` for a client's key.
    static func accept(key: String) -> String {
        let input = Array((key.trimmingCharacters(in: .whitespaces) + guid).utf8)
        var digest = [UInt8](repeating: 0, count: 20)
        gw_sha1(input, input.count, &digest)
        return Data(digest).base64EncodedString()
    }

    /// The largest frame echoed; a larger one ends the connection.
    static let maxFrame = 16 << 20

    enum Parsed {
        case frame(fin: Bool, opcode: UInt8, payload: [UInt8], length: Int)
        case incomplete
        /// Over `maxFrame`, or a length no frame can have.
        case tooLarge
    }

    /// One frame parsed from the front of `bytes`: FIN, the opcode, the unmasked payload, and how many bytes it
    /// took.
    static func frame(_ bytes: [UInt8]) -> Parsed {
        guard bytes.count >= 2 else { return .incomplete }
        let fin = bytes[0] & 0x80 != 0
        let opcode = bytes[0] & 0x0F
        let masked = bytes[1] & 0x80 != 0
        var length = Int(bytes[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard bytes.count >= 4 else { return .incomplete }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return .incomplete }
            // The top bit must be clear; anything over maxFrame is refused before it is buffered.
            guard bytes[2] & 0x80 == 0, bytes[2..<6].allSatisfy({ $0 == 0 }) else { return .tooLarge }
            length = bytes[6..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        guard length <= maxFrame else { return .tooLarge }
        if masked { offset += 4 }
        guard bytes.count >= offset + length else { return .incomplete }
        let mask = masked ? Array(bytes[offset - 4..<offset]) : []
        var payload = Array(bytes[offset..<offset + length])
        if masked { for index in payload.indices { payload[index] ^= mask[index % 4] } }
        return .frame(fin: fin, opcode: opcode, payload: payload, length: offset + length)
    }

    /// A server frame (unmasked); `fin` false for a fragment that more frames continue.
    static func encode(opcode: UInt8, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        if payload.count < 126 {
            bytes.append(UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            bytes += [126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            bytes.append(127)
            bytes += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        return bytes + payload
    }

    static func run(_ connection: EchoConnection, key: String, buffered: [UInt8]) {
        let head =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: \(accept(key: key))\r\n\r\n"
        guard connection.write(Array(head.utf8)) else { return }
        var buffer = buffered
        while true {
            parsing: while true {
                switch frame(buffer) {
                case .incomplete:
                    break parsing
                case .tooLarge:
                    // 1009: the message is too big to process.
                    _ = connection.write(encode(opcode: 0x8, [0x03, 0xF1]))
                    return
                case .frame(let fin, let opcode, let payload, let length):
                    buffer.removeFirst(length)
                    switch opcode {
                    case 0x8:
                        _ = connection.write(encode(opcode: 0x8, payload))
                        return
                    case 0x9:
                        _ = connection.write(encode(opcode: 0xA, payload))
                    case 0xA:
                        continue
                    default:
                        // Data and continuation frames go back as they came, fragments included.
                        guard connection.write(encode(opcode: opcode, payload, fin: fin)) else { return }
                    }
                }
            }
            let more = connection.read(max: 16_384)
            if more.isEmpty { return }
            buffer += more
        }
    }
}
