#ifndef GWCONSOLE_COPENSSL_H
#define GWCONSOLE_COPENSSL_H
#include <stddef.h>

/// A parsed X.509 certificate's facts, as NUL-terminated strings the caller frees with gw_x509_info_free.
typedef struct {
    char *subject;      /* RFC 2253 form */
    char *issuer;
    char *not_before;   /* ISO 8601 UTC */
    char *not_after;
    char *sans;         /* comma separated DNS:/IP: entries, or empty */
    int is_ca;          /* basicConstraints CA:TRUE */
} gw_x509_info;

/// Parses every PEM certificate in `pem`; returns how many were parsed (<= max) into `out`, or -1 when none.
int gw_x509_parse_pem(const char *pem, size_t length, gw_x509_info *out, int max);
void gw_x509_info_free(gw_x509_info *info);
/// Checks that `pem_key` is a PEM private key that OpenSSL can load; 1 when it can.
int gw_pem_private_key_ok(const char *pem_key, size_t length);
/// The linked OpenSSL version text.
const char *gw_openssl_version(void);
#endif
