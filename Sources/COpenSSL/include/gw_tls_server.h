#ifndef GWCONSOLE_TLS_SERVER_H
#define GWCONSOLE_TLS_SERVER_H
#include <stddef.h>

/// A TLS server context from PEM files: the certificate chain, its key, and optionally client CAs. With client CAs a
/// client certificate is requested and verified when the client sends one (Go's VerifyClientCertIfGiven); without,
/// none is requested. NULL on failure, with OpenSSL's reason in `error`.
void *gw_tls_server_context(const char *certificate_file, const char *key_file, const char *client_ca_file,
                            char *error, size_t error_length);
void gw_tls_server_context_free(void *context);
/// The handshake on an accepted socket; the connection, or NULL when the handshake failed.
void *gw_tls_accept(void *context, int fd);
/// Bytes read (> 0), 0 when the peer closed, < 0 on error.
long gw_tls_read(void *connection, void *buffer, long length);
/// Bytes written, or < 0 on error.
long gw_tls_write(void *connection, const void *buffer, long length);
/// Shuts the TLS session down and frees it (the socket is the caller's).
void gw_tls_close(void *connection);
/// What the handshake settled, as a malloc'd string the caller frees: version, SNI, cipher suite (IANA name) and
/// ALPN protocol on four lines, then the PEM certificates the client showed (leaf first).
char *gw_tls_facts(void *connection);
/// A client handshake on a connected socket (for tests of TLS passthrough): SNI `server_name`, the peer verified
/// against `ca_file` and the name when a file is given. The connection (read, write, close as a server's), or NULL with
/// the reason in `error`: "eof" when the peer closed or reset the connection during the handshake.
void *gw_tls_connect(int fd, const char *server_name, const char *ca_file, char *error, size_t error_length);
/// SHA-1 of `data` (a WebSocket handshake's accept key).
void gw_sha1(const void *data, size_t length, unsigned char out[20]);
#endif
