import Foundation

/// Standard base64 as Kubernetes reads Secret data (line breaks ignored).
public enum Base64 {
    public static func decode(_ text: String) -> Data? {
        let cleaned = text.filter { $0 != "\n" && $0 != "\r" }
        return Data(base64Encoded: cleaned)
    }

    public static func encode(_ data: Data) -> String { data.base64EncodedString() }
    public static func encode(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
}
