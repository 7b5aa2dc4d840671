#include "copenssl.h"
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <openssl/ec.h>
#include <openssl/rand.h>
#include <openssl/bn.h>
#include <openssl/rsa.h>

static char *bio_to_string(BIO *bio) {
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *out = malloc((size_t)n + 1);
    if (out == NULL) return NULL;
    memcpy(out, data, (size_t)n);
    out[n] = 0;
    return out;
}

static char *name_string(const X509_NAME *name) {
    BIO *bio = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
    char *s = bio_to_string(bio);
    BIO_free(bio);
    return s;
}

static char *time_string(const ASN1_TIME *t) {
    struct tm tm;
    char *out = malloc(32);
    if (out == NULL) return NULL;
    if (ASN1_TIME_to_tm(t, &tm) != 1) { strcpy(out, ""); return out; }
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return out;
}

static char *sans_string(X509 *cert) {
    GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    BIO *bio = BIO_new(BIO_s_mem());
    if (names != NULL) {
        for (int i = 0; i < sk_GENERAL_NAME_num(names); i++) {
            GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
            if (i > 0) BIO_puts(bio, ",");
            GENERAL_NAME_print(bio, gn);
        }
        GENERAL_NAMES_free(names);
    }
    char *s = bio_to_string(bio);
    BIO_free(bio);
    return s;
}

int gw_x509_parse_pem(const char *pem, size_t length, gw_x509_info *out, int max) {
    BIO *bio = BIO_new_mem_buf(pem, (int)length);
    if (bio == NULL) return -1;
    int count = 0;
    while (count < max) {
        X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (cert == NULL) break;
        gw_x509_info *info = &out[count++];
        info->subject = name_string(X509_get_subject_name(cert));
        info->issuer = name_string(X509_get_issuer_name(cert));
        info->not_before = time_string(X509_get0_notBefore(cert));
        info->not_after = time_string(X509_get0_notAfter(cert));
        info->sans = sans_string(cert);
        info->is_ca = X509_check_ca(cert) >= 1 ? 1 : 0;
        X509_free(cert);
    }
    ERR_clear_error();
    BIO_free(bio);
    return count == 0 ? -1 : count;
}

void gw_x509_info_free(gw_x509_info *info) {
    free(info->subject); free(info->issuer); free(info->not_before); free(info->not_after); free(info->sans);
    memset(info, 0, sizeof(*info));
}

/* Never prompt for a passphrase (OpenSSL's default callback reads the terminal): an encrypted key fails to load. */
static int no_passphrase(char *buf, int size, int rwflag, void *u) { (void)buf; (void)size; (void)rwflag; (void)u; return -1; }

static EVP_PKEY *read_private_key(const char *pem_key, size_t length) {
    BIO *bio = BIO_new_mem_buf(pem_key, (int)length);
    if (bio == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    BIO_free(bio);
    ERR_clear_error();
    return key;
}

int gw_pem_private_key_ok(const char *pem_key, size_t length) {
    EVP_PKEY *key = read_private_key(pem_key, length);
    if (key == NULL) return 0;
    EVP_PKEY_free(key);
    return 1;
}

int gw_tls_key_pair_check(const char *cert_pem, size_t cert_length, const char *key_pem, size_t key_length) {
    if (strstr(key_pem, "ENCRYPTED") != NULL) return GW_KEY_PAIR_ENCRYPTED_KEY;
    BIO *bio = BIO_new_mem_buf(cert_pem, (int)cert_length);
    if (bio == NULL) return GW_KEY_PAIR_BAD_CERT;
    X509 *cert = PEM_read_bio_X509(bio, NULL, no_passphrase, NULL);
    BIO_free(bio);
    ERR_clear_error();
    if (cert == NULL) return GW_KEY_PAIR_BAD_CERT;
    EVP_PKEY *key = read_private_key(key_pem, key_length);
    if (key == NULL) { X509_free(cert); return GW_KEY_PAIR_BAD_KEY; }
    int matches = X509_check_private_key(cert, key);
    ERR_clear_error();
    EVP_PKEY_free(key);
    X509_free(cert);
    return matches == 1 ? GW_KEY_PAIR_OK : GW_KEY_PAIR_MISMATCH;
}

const char *gw_openssl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }

static char *pem_of_cert(X509 *cert) {
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char *s = bio_to_string(bio);
    BIO_free(bio);
    return s;
}

static char *pem_of_key(EVP_PKEY *key) {
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
    char *s = bio_to_string(bio);
    BIO_free(bio);
    return s;
}

/// Adds an extension; 0 when OpenSSL cannot take the value.
static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL) return 0;
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return 1;
}

/// Reads an issuer's certificate and key from PEM; 0 when either does not parse.
static int read_issuer(const char *cert_pem, const char *key_pem, X509 **issuer, EVP_PKEY **key) {
    BIO *b = BIO_new_mem_buf(cert_pem, -1);
    *issuer = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    b = BIO_new_mem_buf(key_pem, -1);
    *key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    return *issuer != NULL && *key != NULL;
}

int gw_make_certificate(const char *issuer_cert_pem, const char *issuer_key_pem, const char *common_name, const char *dns_san,
                        int not_before_days, int not_after_days, int is_ca, char **out_cert, char **out_key) {
    int ok = 0;
    EVP_PKEY *key = EVP_EC_gen("prime256v1");
    X509 *cert = X509_new();
    X509 *issuer = NULL;
    EVP_PKEY *issuer_key = NULL;
    if (key == NULL || cert == NULL) goto done;
    if (issuer_cert_pem != NULL && issuer_key_pem != NULL) {
        if (!read_issuer(issuer_cert_pem, issuer_key_pem, &issuer, &issuer_key)) goto done;
    }
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), (long)(rand() & 0x7fffffff));
    X509_gmtime_adj(X509_getm_notBefore(cert), (long)not_before_days * 86400L);
    X509_gmtime_adj(X509_getm_notAfter(cert), (long)not_after_days * 86400L);
    X509_set_pubkey(cert, key);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"gwconsole test", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)common_name, -1, -1, 0);
    X509_set_issuer_name(cert, issuer != NULL ? X509_get_subject_name(issuer) : name);
    add_ext(cert, issuer != NULL ? issuer : cert, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
    if (is_ca) add_ext(cert, issuer != NULL ? issuer : cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    if (dns_san != NULL && dns_san[0] != 0) {
        char san[512];
        snprintf(san, sizeof san, "DNS:%s", dns_san);
        add_ext(cert, issuer != NULL ? issuer : cert, NID_subject_alt_name, san);
    }
    if (X509_sign(cert, issuer_key != NULL ? issuer_key : key, EVP_sha256()) == 0) goto done;
    *out_cert = pem_of_cert(cert);
    *out_key = pem_of_key(key);
    ok = 1;
done:
    X509_free(cert);
    EVP_PKEY_free(key);
    X509_free(issuer);
    EVP_PKEY_free(issuer_key);
    ERR_clear_error();
    return ok;
}

int gw_issue_certificate(const char *issuer_cert_pem, const char *issuer_key_pem, const char *common_name, const char *sans,
                         long not_before_seconds, long not_after_seconds, int is_ca, int key_algorithm, int key_size,
                         const char *key_usage, const char *ext_key_usage, char **out_cert, char **out_key) {
    int ok = 0;
    EVP_PKEY *key = NULL;
    switch (key_algorithm) {
    case 0: key = EVP_RSA_gen((unsigned int)key_size); break;
    case 1: key = EVP_EC_gen(key_size == 384 ? "secp384r1" : (key_size == 521 ? "secp521r1" : "prime256v1")); break;
    case 2: key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"); break;
    default: break;
    }
    X509 *cert = X509_new();
    X509 *issuer = NULL;
    EVP_PKEY *issuer_key = NULL;
    if (key == NULL || cert == NULL) goto done;
    if (issuer_cert_pem != NULL && issuer_key_pem != NULL) {
        if (!read_issuer(issuer_cert_pem, issuer_key_pem, &issuer, &issuer_key)) goto done;
        if (X509_check_private_key(issuer, issuer_key) != 1) goto done;
    }
    X509_set_version(cert, 2);
    // A random positive 127-bit serial, as RFC 5280 asks of a CA.
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) goto done;
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    if (bn == NULL) goto done;
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert), not_before_seconds);
    X509_gmtime_adj(X509_getm_notAfter(cert), not_after_seconds);
    X509_set_pubkey(cert, key);
    X509_NAME *name = X509_get_subject_name(cert);
    if (common_name != NULL && common_name[0] != 0) {
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)common_name, -1, -1, 0);
    }
    X509_set_issuer_name(cert, issuer != NULL ? X509_get_subject_name(issuer) : name);
    X509 *signer = issuer != NULL ? issuer : cert;
    add_ext(cert, signer, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
    char usage[256];
    snprintf(usage, sizeof usage, "critical,%s",
             is_ca ? "digitalSignature,keyCertSign,cRLSign"
                   : (key_usage != NULL && key_usage[0] != 0 ? key_usage : "digitalSignature,keyEncipherment"));
    if (!add_ext(cert, signer, NID_key_usage, usage)) goto done;
    if (!is_ca && ext_key_usage != NULL && ext_key_usage[0] != 0 &&
        !add_ext(cert, signer, NID_ext_key_usage, ext_key_usage))
        goto done;
    add_ext(cert, signer, NID_subject_key_identifier, "hash");
    if (issuer != NULL) add_ext(cert, signer, NID_authority_key_identifier, "keyid:always");
    // A subjectAltName OpenSSL cannot take fails the issuance rather than giving a certificate without names.
    if (sans != NULL && sans[0] != 0 && !add_ext(cert, signer, NID_subject_alt_name, sans)) goto done;
    // Ed25519 signs without a separate digest; the signing key decides (the CA's, or the certificate's own).
    EVP_PKEY *signing = issuer_key != NULL ? issuer_key : key;
    const EVP_MD *digest = EVP_PKEY_id(signing) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
    if (X509_sign(cert, signing, digest) == 0) goto done;
    *out_cert = pem_of_cert(cert);
    *out_key = pem_of_key(key);
    ok = *out_cert != NULL && *out_key != NULL;
done:
    X509_free(cert);
    EVP_PKEY_free(key);
    X509_free(issuer);
    EVP_PKEY_free(issuer_key);
    ERR_clear_error();
    return ok;
}
