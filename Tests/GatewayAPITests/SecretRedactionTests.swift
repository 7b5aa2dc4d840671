import GatewayAPI
import Testing

@Suite("Secret redaction")
struct SecretRedactionTests {
    @Test(
        "Secret data and stringData values are hidden, keys kept; other kinds' data untouched; nested in a block scalar too"
    )
    func redact() {
        let text = """
            steps:
              - apply: |
                  apiVersion: v1
                  kind: ConfigMap
                  data:
                    ca.crt: |
                      -----BEGIN CERTIFICATE-----
                  ---
                  kind: Secret
                  apiVersion: v1
                  data:
                    tls.key: c2VjcmV0
                    multi: |
                      line one
                  stringData:
                    password: hunter2
              - apply: |
                  apiVersion: v1
                  kind: ConfigMap
                  data:
                    plain: visible
            """
        let redacted = SecretRedaction.redact(text)
        #expect(!redacted.contains("c2VjcmV0") && !redacted.contains("hunter2") && !redacted.contains("line one"))
        #expect(
            redacted.contains("tls.key: <hidden>") && redacted.contains("password: <hidden>")
                && redacted.contains("multi: <hidden>"))
        #expect(redacted.contains("-----BEGIN CERTIFICATE-----") && redacted.contains("plain: visible"))
    }
}
