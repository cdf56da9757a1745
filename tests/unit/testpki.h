/* testpki.h - make real keys and certificates with the OpenSSL API for unit
 * tests (no files, no CLI). Every function aborts the test on failure. */
#ifndef TESTPKI_H
#define TESTPKI_H

#include "certchain.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

/* A fresh key: ec=1 P-256 (fast), ec=0 RSA 2048. Caller frees. */
EVP_PKEY *tp_key(int ec);

/* Options for tp_cert(); zero means the default. */
typedef struct tp_opts {
	long from;    /* notBefore, seconds from now (default -3600) */
	long to;      /* notAfter, seconds from now (default 365 days) */
	int ca;       /* 1: CA:TRUE + keyCertSign */
	int no_kid;   /* 1: no SKI/AKI extensions */
	const char *san; /* DNS subjectAltName for leaves */
	int sha1;     /* 1: sign with SHA-1 instead of SHA-256 */
	int ous;      /* that many OU attributes before the CN: a long DN */
	time_t sct[3]; /* nonzero entries: an embedded SCT list (CT precert SCT
			  extension, built with OpenSSL's CT API) with one SCT
			  dated each, in that order */
} tp_opts_t;

/* A certificate for CN (NULL: a subject without CN) with key, signed by
 * issuer/issuer_key (NULL, NULL = self-signed with key). Caller frees with
 * X509_free(). */
X509 *tp_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
	      const tp_opts_t *o);

/* Adds x to pool; returns the pool's cert. */
cc_cert_t *tp_add(cc_pool_t *pool, X509 *x);

/* x as PEM text (caller frees with free()). */
char *tp_pem(X509 *x);

/* A cmocka group's scratch directory: tp_dir_make() turns the template dir
 * ("/tmp/NAME.XXXXXX", changed in place) into a new directory and
 * tp_dir_remove() deletes it with its contents. Both return 0 or -1, as
 * cmocka's group setup and teardown expect. */
int tp_dir_make(char *dir);
int tp_dir_remove(const char *dir);

#endif
