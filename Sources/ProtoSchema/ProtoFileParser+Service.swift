extension ProtoFileParser {
    /// `service Name { rpc …; }`; the current token is `service`.
    mutating func service() throws(ProtoParseError) -> ProtoService {
        let start = take()
        let name = try identifier("a service name").value
        try expect("{", "after the service name")
        var service = ProtoService(name: name, methods: [], location: location(start))
        while !skip("}") {
            guard token.kind != .end else { throw unexpected("'}' to close service \(name)") }
            if skip(";") { continue }
            if token.isIdentifier("option") {
                _ = try option()
            } else if token.isIdentifier("rpc") {
                let method = try rpc()
                if service.methods.contains(where: { $0.name == method.name }) {
                    throw ProtoParseError(method.location, "method \(method.name) is already declared in \(name)")
                }
                service.methods.append(method)
            } else {
                throw unexpected("'rpc', 'option' or '}' in service \(name)")
            }
        }
        return service
    }

    /// `rpc Name (stream? Request) returns (stream? Response);` or with a `{ option …; }` body.
    private mutating func rpc() throws(ProtoParseError) -> ProtoMethod {
        let start = take()
        let name = try identifier("a method name").value
        try expect("(", "after the method name")
        let (input, inputToken, clientStreaming) = try streamAndType("request")
        try expect(")", "after the request type")
        guard token.isIdentifier("returns") else { throw unexpected("'returns' after the request type") }
        take()
        try expect("(", "after 'returns'")
        let (output, outputToken, serverStreaming) = try streamAndType("response")
        try expect(")", "after the response type")
        if token.isSymbol("{") {
            take()
            while !skip("}") {
                guard token.kind != .end else { throw unexpected("'}' to close method \(name)") }
                if skip(";") { continue }
                guard token.isIdentifier("option") else { throw unexpected("'option' or '}' in method \(name)") }
                _ = try option()
            }
        } else {
            try expect(";", "after the method")
        }
        return ProtoMethod(
            name: name, inputType: input, outputType: output, clientStreaming: clientStreaming,
            serverStreaming: serverStreaming, location: location(start), inputLocation: location(inputToken),
            outputLocation: location(outputToken))
    }

    /// `stream? Type` inside the parentheses of an rpc.
    private mutating func streamAndType(_ role: String) throws(ProtoParseError) -> (String, ProtoToken, Bool) {
        var streaming = false
        if token.isIdentifier("stream") && !nextToken.isSymbol(")") && !nextToken.isSymbol(".") {
            streaming = true
            take()
        }
        let typeToken = token
        return (try typeName("the \(role) type"), typeToken, streaming)
    }
}
