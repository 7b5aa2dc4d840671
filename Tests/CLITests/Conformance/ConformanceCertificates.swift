import Foundation

/// The Secrets and ConfigMaps the suite creates in Go at set-up (`suite.go`), made with the openssl command under
/// the same names, namespaces and subject alternative names: a self-signed server certificate, a CA in a
/// ConfigMap's `ca.crt`, and certificates that CA signs for servers and clients.
struct ConformanceCertificates {
    let directory: String
    private var counter = 0

    init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    struct Pair {
        var certificate: String
        var key: String
        var keyPath: String
        var certificatePath: String
    }

    /// Runs openssl; its stderr in the error when it fails.
    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ConformanceError(
                "openssl \(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))")
        }
    }

    private mutating func paths() -> (String, String) {
        counter += 1
        return (directory + "/\(counter).crt", directory + "/\(counter).key")
    }

    private func read(_ certificate: String, _ key: String) throws -> Pair {
        Pair(
            certificate: try String(contentsOfFile: certificate, encoding: .utf8),
            key: try String(contentsOfFile: key, encoding: .utf8), keyPath: key, certificatePath: certificate)
    }

    /// `subjectAltName` for hosts as Go's generateRSACert sorts them: IPs, URIs (with a scheme), else DNS names.
    static func alternativeNames(_ hosts: [String]) -> String {
        hosts.map { host in
            if host.split(separator: ".").count == 4, host.split(separator: ".").allSatisfy({ UInt8($0) != nil }) {
                return "IP:" + host
            }
            return host.contains("://") ? "URI:" + host : "DNS:" + host
        }.joined(separator: ",")
    }

    /// A CA (CN gatewayapi), for a ConfigMap's `ca.crt` and for signing.
    mutating func authority() throws -> Pair {
        let (crt, key) = paths()
        try openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt, "-days", "365", "-subj",
            "/O=kubernetes/CN=gatewayapi", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
            "keyUsage=critical,keyCertSign,digitalSignature", "-addext", "extendedKeyUsage=clientAuth,serverAuth",
        ])
        return try read(crt, key)
    }

    /// A server certificate (CN default) for hosts: self-signed, or signed by `authority`.
    mutating func server(hosts: [String], signedBy authority: Pair? = nil) throws -> Pair {
        try leaf(
            extensions: hosts.isEmpty ? [] : ["subjectAltName=" + Self.alternativeNames(hosts)], usage: "serverAuth",
            signedBy: authority)
    }

    /// A client certificate (CN default, no names) signed by `authority`.
    mutating func client(signedBy authority: Pair) throws -> Pair {
        try leaf(extensions: [], usage: "clientAuth", signedBy: authority)
    }

    private mutating func leaf(extensions: [String], usage: String, signedBy authority: Pair?) throws -> Pair {
        let (crt, key) = paths()
        let all = extensions + ["extendedKeyUsage=" + usage, "keyUsage=critical,digitalSignature,keyEncipherment"]
        guard let authority else {
            try openssl(
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt, "-days", "365",
                    "-subj", "/O=Acme Co/CN=default",
                ] + all.flatMap { ["-addext", $0] })
            return try read(crt, key)
        }
        let csr = crt + ".csr"
        let ext = crt + ".ext"
        try all.joined(separator: "\n").write(toFile: ext, atomically: true, encoding: .utf8)
        try openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/O=Acme Co/CN=default",
        ])
        try openssl([
            "x509", "-req", "-in", csr, "-CA", authority.certificatePath, "-CAkey", authority.keyPath,
            "-CAcreateserial", "-out", crt, "-days", "365", "-extfile", ext,
        ])
        return try read(crt, key)
    }

    static func secret(namespace: String, name: String, _ pair: Pair) -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: \(name), namespace: \(namespace)}
        type: kubernetes.io/tls
        data:
          tls.crt: \(Data(pair.certificate.utf8).base64EncodedString())
          tls.key: \(Data(pair.key.utf8).base64EncodedString())

        """
    }

    static func configMap(namespace: String, name: String, _ pair: Pair) -> String {
        let indented = pair.certificate.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        return """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: \(name), namespace: \(namespace)}
            data:
              ca.crt: |
            \(indented)

            """
    }

    /// Every object suite.go creates before the tests, as one manifest, and each certificate by Secret
    /// (`namespace/name`) or ConfigMap (`configmap:namespace/name`).
    mutating func suiteObjects() throws -> (manifest: String, pairs: [String: Pair]) {
        let infra = "gateway-conformance-infra"
        var objects: [String] = []
        var pairs: [String: Pair] = [:]
        func configMap(_ namespace: String, _ name: String, _ pair: Pair) {
            pairs["configmap:" + namespace + "/" + name] = pair
            objects.append(Self.configMap(namespace: namespace, name: name, pair))
        }
        func secret(_ namespace: String, _ name: String, _ pair: Pair) {
            pairs[namespace + "/" + name] = pair
            objects.append(Self.secret(namespace: namespace, name: name, pair))
        }
        secret("gateway-conformance-web-backend", "certificate", try server(hosts: ["*"]))
        secret(infra, "tls-validity-checks-certificate", try server(hosts: ["*", "*.org", "*.wildcard.org"]))
        configMap("gateway-conformance-web-backend", "web-backend-cm", try authority())
        for prefix in ["tls-validity-checks", "tls-validity-checks-per-port"] {
            let ca = try authority()
            configMap(infra, prefix + "-ca-certificate", ca)
            secret(infra, prefix + "-client-certificate", try client(signedBy: ca))
        }
        let ca = try authority()
        configMap(infra, "tls-checks-ca-certificate", ca)
        let names = ["abc.example.com", "spiffe://abc.example.com/test-identity", "other.example.com"]
        secret(infra, "tls-checks-certificate", try server(hosts: names, signedBy: ca))
        secret(infra, "tls-checks-client-certificate", try client(signedBy: ca))
        for namespace in [infra, "gateway-conformance-app-backend"] {
            secret(
                namespace, "tls-passthrough-checks-certificate", try server(hosts: ["abc.example.com"], signedBy: ca))
        }
        secret(infra, "tls-terminate-checks-certificate", try server(hosts: ["tls.example.com"], signedBy: ca))
        configMap(infra, "mismatch-ca-certificate", try authority())
        return (objects.joined(separator: "---\n"), pairs)
    }
}
