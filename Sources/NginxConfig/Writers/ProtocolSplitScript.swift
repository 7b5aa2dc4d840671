/// The njs handler of a plain port split by protocol (`js_preread`): a connection that opens with HTTP/2's
/// preface (`PRI * HTTP/2.0`, h2c with prior knowledge, as gRPC clients send) goes to the HTTP/2 socket, anything
/// else to the HTTP/1.1 one. nginx 1.22 serves a plain `listen … http2` as HTTP/2 only, so one port cannot take
/// both without this hop.
enum ProtocolSplitScript {
    /// Relative to the generation directory.
    static let file = "conf.d/protocol.js"

    static let source = """
        // gwconsole: HTTP/2 with prior knowledge or HTTP/1.1, by a connection's first bytes.
        function detect(s) {
            s.on('upload', function (data, flags) {
                if (data.length < 3 && !flags.last) {
                    return;
                }
                s.variables.gw_protocol = data.startsWith('PRI') ? 'http2' : 'http1';
                s.off('upload');
                s.done();
            });
        }

        export default { detect };

        """
}
