#ifndef GWCONSOLE_COPENSSL_H
#define GWCONSOLE_COPENSSL_H
#include <stddef.h>
#include "gw_tls_server.h"

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
/// What gw_tls_key_pair_check found.
enum { GW_KEY_PAIR_OK = 0, GW_KEY_PAIR_BAD_CERT = 1, GW_KEY_PAIR_BAD_KEY = 2, GW_KEY_PAIR_MISMATCH = 3, GW_KEY_PAIR_ENCRYPTED_KEY = 4 };
/// Checks a TLS Secret's pair as nginx will load it: the first PEM certificate, a PEM private key OpenSSL reads
/// without a passphrase, and the key belonging to the certificate. Returns one of GW_KEY_PAIR_*.
int gw_tls_key_pair_check(const char *cert_pem, size_t cert_length, const char *key_pem, size_t key_length);
/// The linked OpenSSL version text.
const char *gw_openssl_version(void);
#endif

#ifndef GWCONSOLE_COPENSSL_MAKE
#define GWCONSOLE_COPENSSL_MAKE
/// Issues a certificate with an EC P-256 key, for tests and fault staging: signed by `issuer_cert_pem`/`issuer_key_pem`
/// (both NULL: self-signed), valid from now + `not_before_days` to now + `not_after_days` (negative: the past),
/// with CN `common_name`, an optional DNS subjectAltName, and basicConstraints CA:TRUE when `is_ca`.
/// On success returns 1 and sets *out_cert and *out_key to PEM strings the caller frees with free().
int gw_make_certificate(const char *issuer_cert_pem, const char *issuer_key_pem, const char *common_name, const char *dns_san,
                        int not_before_days, int not_after_days, int is_ca, char **out_cert, char **out_key);

/// Issues a certificate as cert-manager's selfSigned and ca issuers do: a new key (`key_algorithm` 0 RSA with
/// `key_size` bits, 1 ECDSA on P-256/P-384/P-521 by `key_size`, 2 Ed25519), signed by the issuer's key (both issuer
/// PEMs NULL: self-signed), valid from now + `not_before_seconds` to now + `not_after_seconds`, with the CN (may be
/// empty), `sans` in OpenSSL's form ("DNS:a,DNS:b,IP:10.0.0.1"; may be empty), a random serial, key identifiers and
/// CA usages, or for a leaf `key_usage` (OpenSSL's names, "digitalSignature,keyEncipherment" when NULL or empty) and
/// `ext_key_usage` (no extendedKeyUsage extension when NULL or empty, as cert-manager issues by default). Returns 1
/// and sets *out_cert and *out_key (PEM, freed by the caller), else 0.
int gw_issue_certificate(const char *issuer_cert_pem, const char *issuer_key_pem, const char *common_name, const char *sans,
                         long not_before_seconds, long not_after_seconds, int is_ca, int key_algorithm, int key_size,
                         const char *key_usage, const char *ext_key_usage, char **out_cert, char **out_key);
#endif
