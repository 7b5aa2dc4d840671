import Foundation

/// What the suite's round tripper captures: the response, and the request as the echo server saw it.
struct CapturedExchange {
    var status: Int
    /// Lower-cased names, values joined with "," as the suite compares them.
    var headers: [String: String]
    var body: String
    /// The echo server's JSON, when the body is one.
    var echo: Echo?
    /// curl's error when no response came.
    var error: String?

    struct Echo {
        var path: String
        var host: String
        var method: String
        var namespace: String
        var pod: String
        /// Lower-cased names, values joined with ",".
        var headers: [String: String]
        var serverName: String
        var peerCertificates: [String]
    }

    var location: URLComponents? { headers["location"].flatMap { URLComponents(string: $0) } }
}

/// Requests through a Gateway with the real curl, as the suite's round tripper makes them: to the Gateway's
/// address and listener port (here bound at port + offset), Host as `CalculateHost` gives it, SNI from
/// `serverName`, redirects not followed.
struct ConformanceHTTP {
    let offset: Int
    let scratch: String

    /// `address:listenerPort` as the suite's gwAddr, sent to `address:listenerPort+offset`.
    func send(
        address: String, port: Int, scheme: String, request: HTTPCase.Request, serverName: String?,
        setResponseHeaders: [String: String]? = nil, trusting certificate: String? = nil, timeout: Double = 5
    ) -> CapturedExchange {
        let defaultPort = (scheme == "https" && port == 443) || (scheme == "http" && port == 80)
        let authority = defaultPort ? address : "\(address):\(port)"
        let urlHost = serverName.map { defaultPort ? $0 : "\($0):\(port)" } ?? authority
        let id = UUID().uuidString
        let headerFile = scratch + "/\(id).headers"
        let bodyFile = scratch + "/\(id).body"
        defer {
            try? FileManager.default.removeItem(atPath: headerFile)
            try? FileManager.default.removeItem(atPath: bodyFile)
        }
        var arguments = [
            "-s", "-S", "-m", String(timeout), "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}",
            "--connect-to", "::\(address):\(port + offset)", "-H", "Host: \(request.host ?? authority)",
            "--path-as-is",
        ]
        // The suite's client trusts only the listener's certificate. OpenSSL will not match the suite's `*.org` name
        // to example.org as Go does, so the certificate the Gateway presents is compared with it instead.
        if scheme == "https" {
            arguments.append("-k")
            if certificate != nil { arguments[arguments.firstIndex(of: "%{http_code}")!] = "%{http_code}\n%{certs}" }
        }
        // H2: HTTP/2 over TLS (ALPN h2), as the suite's H2Protocol; else HTTP/1.1.
        arguments.append(request.protocolName == "H2" ? "--http2" : "--http1.1")
        let method = request.method ?? "GET"
        if method == "HEAD" { arguments.append("-I") } else if method != "GET" { arguments += ["-X", method] }
        for (name, value) in (request.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            arguments += ["-H", value.isEmpty ? "\(name);" : "\(name): \(value)"]
        }
        // MakeRequest always sends X-Echo-Set-Header, empty when nothing is to be set.
        let set = (setResponseHeaders ?? [:]).sorted(by: { $0.key < $1.key }).map { "\($0.key):\($0.value)" }
        arguments += ["-H", set.isEmpty ? "X-Echo-Set-Header;" : "X-Echo-Set-Header: \(set.joined(separator: ","))"]
        if let body = request.body { arguments += ["--data-raw", body] }
        arguments.append("\(scheme)://\(urlHost)\(request.path ?? "/")")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            return CapturedExchange(status: 0, headers: [:], body: "", error: "\(error)")
        }
        let written = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let code = String(written.split(separator: "\n", maxSplits: 1).first ?? "")
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let status = Int(code.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let body = (try? String(contentsOfFile: bodyFile, encoding: .utf8)) ?? ""
        guard status != 0 else {
            return CapturedExchange(
                status: 0, headers: [:], body: body,
                error: message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                    ? "no response (curl exit \(process.terminationStatus))"
                    : message.trimmingCharacters(
                        in: .whitespacesAndNewlines))
        }
        if let certificate, let expected = try? String(contentsOfFile: certificate, encoding: .utf8) {
            let presented = Self.firstPEM(written)
            if presented != Self.firstPEM(expected) {
                return CapturedExchange(
                    status: 0, headers: [:], body: body,
                    error: "the Gateway presented another certificate than the listener's Secret")
            }
        }
        var headers: [String: String] = [:]
        let head = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + "," + value } ?? value
        }
        return CapturedExchange(status: status, headers: headers, body: body, echo: Self.echo(body))
    }

    /// The base64 of the first PEM certificate in a text.
    static func firstPEM(_ text: String) -> String? {
        guard let start = text.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = text.range(of: "-----END CERTIFICATE-----", range: start.upperBound..<text.endIndex)
        else { return nil }
        return text[start.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
    }

    static func echo(_ body: String) -> CapturedExchange.Echo? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let path = object["path"] as? String
        else { return nil }
        var headers: [String: String] = [:]
        for (name, values) in object["headers"] as? [String: Any] ?? [:] {
            let list = (values as? [String]) ?? [(values as? String) ?? ""]
            headers[name.lowercased()] = list.joined(separator: ",")
        }
        let tls = object["tls"] as? [String: Any] ?? [:]
        return CapturedExchange.Echo(
            path: path, host: object["host"] as? String ?? "", method: object["method"] as? String ?? "",
            namespace: object["namespace"] as? String ?? "", pod: object["pod"] as? String ?? "", headers: headers,
            serverName: tls["serverName"] as? String ?? "", peerCertificates: tls["peerCertificates"] as? [String] ?? []
        )
    }
}

extension HTTPCase {
    /// The suite's CompareRoundTrip: nil when the exchange is what the test expects, else why not.
    func mismatch(
        _ exchange: CapturedExchange, scheme: String, requestPath: String,
        certificate: (ObjectName) -> String? = { _ in nil }
    ) -> String? {
        if let error = exchange.error { return "no response: \(error)" }
        let codes = response?.codes ?? [200]
        guard codes.contains(exchange.status) else {
            return "expected status \(codes.map(String.init).joined(separator: " or ")), got \(exchange.status)"
        }
        if exchange.status == 200 || exchange.status == 204 {
            guard let echo = exchange.echo else {
                return "the answer is not the echo server's: \(exchange.body.prefix(200))"
            }
            let expected = expectedRequest
            let path = expected?.path ?? request.path ?? "/"
            let method = expected?.method ?? (expectedRequest == nil ? request.method : nil) ?? "GET"
            let host = expectedRequest == nil ? request.host : expected?.host
            if let host, !host.isEmpty, host != echo.host { return "expected host \(host), got \(echo.host)" }
            if path != echo.path { return "expected path \(path), got \(echo.path)" }
            if method != echo.method { return "expected method \(method), got \(echo.method)" }
            if (namespace ?? "") != echo.namespace {
                return "expected namespace \(namespace ?? ""), got \(echo.namespace)"
            }
            let expectedHeaders = expectedRequest == nil ? request.headers : expected?.headers
            for (name, value) in expectedHeaders ?? [:] {
                guard let actual = echo.headers[name.lowercased()] else {
                    return "expected request header \(name) to be set, got \(echo.headers.keys.sorted())"
                }
                if actual != value { return "expected request header \(name): \(value), got \(actual)" }
            }
            for (name, value) in response?.headers ?? [:] {
                guard let actual = exchange.headers[name.lowercased()] else {
                    return "expected response header \(name) to be set, got \(exchange.headers.keys.sorted())"
                }
                if actual != value { return "expected response header \(name): \(value), got \(actual)" }
            }
            for name in response?.absentHeaders ?? [] where exchange.headers[name.lowercased()] != nil {
                return "expected response header \(name) not to be set, got \(exchange.headers[name.lowercased()]!)"
            }
            for name in expected?.absentHeaders ?? [] where echo.headers[name.lowercased()] != nil {
                return "expected request header \(name) not to be set, got \(echo.headers[name.lowercased()]!)"
            }
            if !echo.pod.hasPrefix(backend ?? "") { return "expected a pod of \(backend ?? ""), got \(echo.pod)" }
            let clientCert = expectedRequest == nil ? request.clientCert : expected?.clientCert
            if let clientCert {
                guard let pem = certificate(clientCert) else { return "no certificate for \(clientCert)" }
                let normalized = pem.trimmingCharacters(in: .whitespacesAndNewlines)
                if !echo.peerCertificates.contains(where: {
                    $0.trimmingCharacters(in: .whitespacesAndNewlines) == normalized
                }) {
                    return "expected the backend to be shown the client certificate of \(clientCert), got "
                        + "\(echo.peerCertificates.count) certificates"
                }
            }
            let sni = expectedRequest == nil ? request.sni : expected?.sni
            if let sni, !sni.isEmpty, sni != echo.serverName {
                return
                    "expected the backend to see SNI \(sni), got \(echo.serverName.isEmpty ? "none" : echo.serverName)"
            }
        } else if [301, 302, 303, 307, 308].contains(exchange.status), let redirect = redirectRequest {
            guard let location = exchange.location else { return "a redirect without a Location" }
            let gotHost = location.host ?? ""
            let gotPort = location.port.map(String.init) ?? ""
            let gotScheme = location.scheme ?? ""
            if let host = redirect.host, !host.isEmpty, host != gotHost {
                return "expected redirect host \(host), got \(gotHost)"
            }
            if let port = redirect.port, !port.isEmpty {
                if port != gotPort {
                    return "expected redirect port \(port), got \(gotPort.isEmpty ? "none" : gotPort)"
                }
            } else if gotScheme.lowercased() == "http", !["", "80"].contains(gotPort) {
                return "for http, expected redirect port 80 or none, got \(gotPort)"
            } else if gotScheme.lowercased() == "https", !["", "443"].contains(gotPort) {
                return "for https, expected redirect port 443 or none, got \(gotPort)"
            }
            let scheme = redirect.scheme ?? scheme
            if scheme != gotScheme { return "expected redirect scheme \(scheme), got \(gotScheme)" }
            let path = redirect.path ?? requestPath
            if path != location.path { return "expected redirect path \(path), got \(location.path)" }
        }
        return nil
    }
}
