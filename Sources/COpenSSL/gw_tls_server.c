#include "gw_tls_server.h"
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

static void reason(char *error, size_t length, const char *what) {
    unsigned long code = ERR_get_error();
    char detail[256] = "";
    if (code != 0) ERR_error_string_n(code, detail, sizeof detail);
    snprintf(error, length, "%s%s%s", what, code ? ": " : "", detail);
}

/* The SNI of the ClientHello of every handshake, resumed ones included (SSL_get_servername reports none for a
   resumed TLS 1.2 session; Go's ConnectionState.ServerName reports the hello's). Kept as the connection's app data. */
static int remember_server_name(SSL *ssl, int *alert, void *arg) {
    (void)alert;
    (void)arg;
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    char *previous = SSL_get_app_data(ssl);
    free(previous);
    SSL_set_app_data(ssl, name ? strdup(name) : NULL);
    return SSL_TLSEXT_ERR_OK;
}

void *gw_tls_server_context(const char *certificate_file, const char *key_file, const char *client_ca_file,
                            char *error, size_t error_length) {
    SSL_CTX *context = SSL_CTX_new(TLS_server_method());
    if (context == NULL) {
        reason(error, error_length, "cannot make a TLS context");
        return NULL;
    }
    if (SSL_CTX_use_certificate_chain_file(context, certificate_file) != 1) {
        reason(error, error_length, "cannot load the certificate");
        SSL_CTX_free(context);
        return NULL;
    }
    if (SSL_CTX_use_PrivateKey_file(context, key_file, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(context) != 1) {
        reason(error, error_length, "cannot load the private key");
        SSL_CTX_free(context);
        return NULL;
    }
    SSL_CTX_set_tlsext_servername_callback(context, remember_server_name);
    /* Resumed sessions of a server that verifies clients need a session id context (else: internal_error). */
    static const unsigned char session_context[] = "gwconsole-echo";
    SSL_CTX_set_session_id_context(context, session_context, sizeof session_context - 1);
    if (client_ca_file != NULL && client_ca_file[0] != 0) {
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(client_ca_file);
        if (names == NULL || SSL_CTX_load_verify_locations(context, client_ca_file, NULL) != 1) {
            reason(error, error_length, "cannot load the client CA certificates");
            if (names != NULL) sk_X509_NAME_pop_free(names, X509_NAME_free);
            SSL_CTX_free(context);
            return NULL;
        }
        SSL_CTX_set_client_CA_list(context, names);
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
    }
    return context;
}

void gw_tls_server_context_free(void *context) { SSL_CTX_free((SSL_CTX *)context); }

void *gw_tls_accept(void *context, int fd) {
    SSL *ssl = SSL_new((SSL_CTX *)context);
    if (ssl == NULL) return NULL;
    SSL_set_fd(ssl, fd);
    SSL_set_app_data(ssl, NULL);
    if (SSL_accept(ssl) != 1) {
        ERR_clear_error();
        free(SSL_get_app_data(ssl));
        SSL_free(ssl);
        return NULL;
    }
    return ssl;
}

long gw_tls_read(void *connection, void *buffer, long length) {
    int n = SSL_read((SSL *)connection, buffer, (int)length);
    if (n > 0) return n;
    int error = SSL_get_error((SSL *)connection, n);
    ERR_clear_error();
    return error == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

long gw_tls_write(void *connection, const void *buffer, long length) {
    int n = SSL_write((SSL *)connection, buffer, (int)length);
    if (n <= 0) ERR_clear_error();
    return n > 0 ? n : -1;
}

void gw_tls_close(void *connection) {
    free(SSL_get_app_data((SSL *)connection));
    SSL_shutdown((SSL *)connection);
    SSL_free((SSL *)connection);
}

static void append_pem(BIO *bio, X509 *certificate) {
    if (certificate != NULL) PEM_write_bio_X509(bio, certificate);
}

char *gw_tls_facts(void *connection) {
    SSL *ssl = (SSL *)connection;
    BIO *bio = BIO_new(BIO_s_mem());
    const char *name = SSL_get_app_data(ssl);
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
    const unsigned char *alpn = NULL;
    unsigned int alpn_length = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_length);
    BIO_printf(bio, "%s\n%s\n%s\n%.*s\n", SSL_get_version(ssl), name ? name : "",
               cipher ? SSL_CIPHER_standard_name(cipher) : "", (int)alpn_length, alpn ? (const char *)alpn : "");
    X509 *leaf = SSL_get1_peer_certificate(ssl);
    append_pem(bio, leaf);
    // On a server the chain excludes the leaf.
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
    for (int i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
        X509 *certificate = sk_X509_value(chain, i);
        if (leaf != NULL && X509_cmp(certificate, leaf) == 0) continue;
        append_pem(bio, certificate);
    }
    if (leaf != NULL) X509_free(leaf);
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *out = malloc((size_t)n + 1);
    if (out != NULL) {
        memcpy(out, data, (size_t)n);
        out[n] = 0;
    }
    BIO_free(bio);
    return out;
}

#include <openssl/sha.h>
void gw_sha1(const void *data, size_t length, unsigned char out[20]) { SHA1((const unsigned char *)data, length, out); }

void *gw_tls_connect(int fd, const char *server_name, const char *ca_file, char *error, size_t error_length) {
    ERR_clear_error();
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    if (context == NULL) {
        reason(error, error_length, "cannot make a TLS context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    if (ca_file != NULL && ca_file[0] != 0) {
        if (SSL_CTX_load_verify_locations(context, ca_file, NULL) != 1) {
            reason(error, error_length, "cannot load the CA certificates");
            SSL_CTX_free(context);
            return NULL;
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
    } else {
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, NULL);
    }
    SSL *ssl = SSL_new(context);
    SSL_CTX_free(context); /* the connection keeps its own reference */
    if (ssl == NULL) {
        reason(error, error_length, "cannot make a TLS connection");
        return NULL;
    }
    SSL_set_app_data(ssl, NULL);
    SSL_set_fd(ssl, fd);
    if (server_name != NULL && server_name[0] != 0) {
        SSL_set_tlsext_host_name(ssl, server_name);
        if (ca_file != NULL && ca_file[0] != 0) SSL_set1_host(ssl, server_name);
    }
    int result = SSL_connect(ssl);
    if (result != 1) {
        int kind = SSL_get_error(ssl, result);
        unsigned long code = ERR_peek_error();
        if ((kind == SSL_ERROR_SYSCALL && (errno == 0 || errno == ECONNRESET)) ||
            (kind == SSL_ERROR_SSL && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
            snprintf(error, error_length, "eof");
            ERR_clear_error();
        } else {
            reason(error, error_length, "handshake failed");
            ERR_clear_error();
        }
        SSL_free(ssl);
        return NULL;
    }
    return ssl;
}
