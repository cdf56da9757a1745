/*
 * certchain/x509.h - certificates, lists (chains) and pools: parsing, identity, indexes.
 *
 * Part of the public API; include <certchain.h> for all of it. The module
 * headers stack in one order (each includes the one below it), as the
 * library's folders do (src/lib/README.md).
 */
#ifndef CERTCHAIN_X509_H
#define CERTCHAIN_X509_H

#include "certchain/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ certificates */

/**
 * One certificate, as held by a pool. The DER bytes, fingerprint and the
 * positions of subject, issuer, key and key identifiers are known from load
 * time; the full OpenSSL decode happens on first need. Owned by its pool:
 * valid until cc_pool_free().
 */
typedef struct cc_cert cc_cert_t;

/** The certificate's DER encoding and its length. Borrowed from the cert. */
const unsigned char *cc_cert_der(const cc_cert_t *c, size_t *len);

/** The 32-byte SHA-256 of the DER encoding. Borrowed from the cert. */
const unsigned char *cc_cert_sha256(const cc_cert_t *c);

/** Writes the SHA-256 as 64 lower-case hex digits plus NUL into out. */
void cc_cert_sha256_hex(const cc_cert_t *c, char out[65]);

/** Writes c's authorityKeyIdentifier key id as upper-case hex ("" when none). Returns buf. */
char *cc_cert_aki_hex(const cc_cert_t *c, char *buf, size_t n);

/** Where the certificate was first loaded from (file path), or "". Borrowed. */
const char *cc_cert_source(const cc_cert_t *c);

/**
 * The decoded certificate, decoding it on first call. Borrowed: owned by the
 * cert, do not free. NULL (with err filled) when OpenSSL rejects the DER.
 */
X509 *cc_cert_x509(cc_cert_t *c, cc_error_t *err);

/** 1 if subject and issuer names are equal (a self-issued certificate). */
int cc_cert_self_issued(const cc_cert_t *c);

/** 1 if basicConstraints says CA:TRUE (needs the decode; 0 on failure). */
int cc_cert_is_ca(cc_cert_t *c);

/**
 * Writes the subject (which=0) or issuer (which=1) Common Name into buf
 * (UTF-8, control characters replaced by '?'); falls back to the whole name
 * in RFC 2253 form when there is no CN. Returns buf. A name longer than
 * n - 1 bytes is cut: for text shown to people or written to JSON use
 * cc_cert_name_dup().
 */
char *cc_cert_name(cc_cert_t *c, int which, char *buf, size_t n);

/** Writes the whole subject or issuer name (RFC 2253, UTF-8). Returns buf. */
char *cc_cert_dn(cc_cert_t *c, int which, char *buf, size_t n);

/**
 * cc_cert_name() and cc_cert_dn() without a buffer: the whole name however
 * long (a DN of many attributes runs to kilobytes), as text to show or
 * write. The caller frees it with free(). "" when the certificate does not
 * decode; NULL only when out of memory.
 */
char *cc_cert_name_dup(cc_cert_t *c, int which);
char *cc_cert_dn_dup(cc_cert_t *c, int which);

/**
 * The names one message or one line shows, each whole: start with
 * cc_names_t ns = { 0 }; cc_names_get() returns c's cc_cert_name_dup(),
 * kept (owned by ns) until cc_names_free(ns), so a format call takes
 * several without a buffer each. "?" when out of memory.
 */
typedef struct cc_names {
	char **v;    /**< the names handed out so far */
	size_t n, cap;
} cc_names_t;
const char *cc_names_get(cc_names_t *ns, cc_cert_t *c, int which);
/** Frees every name ns handed out and zeroes *ns (reusable). */
void cc_names_free(cc_names_t *ns);

/** Writes "RSA 2048", "EC P-256", "Ed25519", ... into buf. Returns buf. */
char *cc_cert_key_desc(cc_cert_t *c, char *buf, size_t n);

/** Signature algorithm name ("sha256WithRSAEncryption"). Static string. */
const char *cc_cert_sig_name(cc_cert_t *c);

/** 1 if the signature uses SHA-1 or MD5 (weak), else 0. */
int cc_cert_weak_sig(cc_cert_t *c);

/** notBefore / notAfter as Unix time. 0 on decode failure. */
time_t cc_cert_not_before(cc_cert_t *c);
time_t cc_cert_not_after(cc_cert_t *c);

/**
 * The earliest timestamp of the Signed Certificate Timestamps embedded in c
 * (the CT precertificate SCT list extension, 1.3.6.1.4.1.11129.2.4.2),
 * decoded by OpenSSL, rounded down to the second. Returns 1 and sets *out,
 * or 0 when c carries no SCT (or none OpenSSL can decode). The SCTs'
 * signatures are not checked: no CT log list comes with certchain.
 */
int cc_cert_earliest_sct(cc_cert_t *c, time_t *out);

/* ---------------------------------------------------------- lists (chains) */

/**
 * An ordered, growable list of borrowed certificate pointers. Used for chains
 * and for the certificates of one file in file order. The list owns only its
 * array, never the certificates.
 */
typedef struct cc_certlist {
	cc_cert_t **v; /**< the certificates, v[0] first */
	size_t n;      /**< how many */
	size_t cap;    /**< allocated slots */
} cc_certlist_t;

/** Appends c. Returns 0 or CC_ENOMEM. */
int cc_certlist_push(cc_certlist_t *l, cc_cert_t *c);

/** Frees the array (not the certificates) and zeroes the list. */
void cc_certlist_clear(cc_certlist_t *l);

/* ------------------------------------------------------------------- pools */

/**
 * A set of certificates deduplicated by SHA-256 and indexed by subject name,
 * subject key identifier and fingerprint. A pool owns its certificates.
 */
typedef struct cc_pool cc_pool_t;

/** A new empty pool, or NULL when out of memory. Caller frees with cc_pool_free(). */
cc_pool_t *cc_pool_new(void);

/** Frees the pool and every certificate in it. Accepts NULL. */
void cc_pool_free(cc_pool_t *p);

/** Number of distinct certificates in the pool. */
size_t cc_pool_count(const cc_pool_t *p);

/** The i-th certificate in insertion order (i < count). Owned by the pool. */
cc_cert_t *cc_pool_get(const cc_pool_t *p, size_t i);

/**
 * Adds one DER certificate (the bytes are copied). Only the outer structure is
 * checked here (a Certificate SEQUENCE with a tbsCertificate holding issuer,
 * subject and key); the full decode is deferred. source names the origin for
 * messages (may be NULL). On success *out (may be NULL) is the pool's cert,
 * the existing one when the certificate was already present; *added (may be
 * NULL) says whether it was new.
 */
int cc_pool_add_der(cc_pool_t *p, const unsigned char *der, size_t len,
		    const char *source, cc_cert_t **out, int *added,
		    cc_error_t *err);

/**
 * Adds c (a certificate of any pool) to p as cc_pool_add_der() would, but
 * without parsing or hashing it again: the copy shares what c already knows
 * (fingerprint, names, a verified signature, its decode). *out (may be NULL)
 * is p's certificate, the existing one when p already had it.
 */
int cc_pool_add_copy(cc_pool_t *p, const cc_cert_t *c, cc_cert_t **out,
		     cc_error_t *err);

/** Load flags for cc_pool_load(). */
enum cc_load_flags {
	CC_LOAD_ALLOW_EMPTY = 1 << 0, /**< a file with no certificate is not an error */
	/** In a directory, read each file (device and inode) once: the hash
	 *  links of an OpenSSL CA directory point at the files beside them, so
	 *  only order loses the repeats. */
	CC_LOAD_ONCE_PER_FILE = 1 << 1,
	/** In a directory, read only the files named HASH.N (8 hex digits, a
	 *  dot, a number): the only names OpenSSL's CA directory lookup opens,
	 *  so a bundle or stray file beside the hash links is not trusted. */
	CC_LOAD_HASHED_NAMES = 1 << 2
};

/**
 * Loads every certificate from path into the pool: a PEM file (bundles, text
 * between blocks ignored), a DER certificate, a PKCS#7 certs-only file (PEM or
 * DER), or a directory (each regular file in name order; files holding no
 * certificate are skipped). If order is non-NULL, the certificates of the
 * path are appended to it in file order, duplicates included. Errors name the
 * file and the cause: unreadable, empty, a private key where a certificate was
 * expected, garbage, truncated DER, too large.
 */
int cc_pool_load(cc_pool_t *p, const char *path, unsigned flags,
		 cc_certlist_t *order, cc_error_t *err);

/** Same as cc_pool_load() for an in-memory buffer; name is used in messages. */
int cc_pool_load_mem(cc_pool_t *p, const unsigned char *buf, size_t len,
		     const char *name, unsigned flags, cc_certlist_t *order,
		     cc_error_t *err);

/** The certificate with this SHA-256, or NULL. Owned by the pool. */
cc_cert_t *cc_pool_find_sha256(const cc_pool_t *p, const unsigned char fp[32]);

/**
 * Appends to out every certificate of p whose subject name equals the issuer
 * name of child (RFC 5280 comparison: exact DER first, OpenSSL's canonical
 * form when the exact encoding finds nothing). Returns how many were found,
 * or a negative CC_E* code.
 */
int cc_pool_issuers_of(cc_pool_t *p, cc_cert_t *child, cc_certlist_t *out);

/**
 * The certificates whose thumbprint starts with the hex prefix (at least 8
 * digits, case-insensitive, colons ignored) or whose subject CN or whole DN
 * equals sel ("CN=..." or a bare name). Appends matches to out; returns their
 * number or a negative code.
 */
int cc_pool_select(cc_pool_t *p, const char *sel, cc_certlist_t *out);

#ifdef __cplusplus
}
#endif
#endif /* CERTCHAIN_X509_H */
