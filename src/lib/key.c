/*
 * key.c - private keys: load (PEM/DER, unencrypted), describe, match against
 * a certificate, and write as PEM for 0600 files. Key material never leaves
 * this file except through cc_key_pem(), and every buffer that held it is
 * cleansed before it is freed.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

/* Keys in one file: a PEM bundle with more than this is not a key file. */
#define CC_MAX_KEYS_PER_FILE 64

struct cc_key {
	EVP_PKEY *k;
};

cc_key_t *cc_key_wrap(EVP_PKEY *k)
{
	cc_key_t *key = calloc(1, sizeof(*key));
	if (key)
		key->k = k;
	return key;
}

void cc_key_free(cc_key_t *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->k);
	free(k);
}

EVP_PKEY *cc_key_evp(const cc_key_t *k)
{
	return k->k;
}

char *cc_key_desc(const cc_key_t *k, char *buf, size_t n)
{
	return cc_pkey_desc(k->k, buf, n);
}

int cc_key_matches(const cc_key_t *k, cc_cert_t *c)
{
	X509 *x = cc_cert_x509(c, NULL);
	EVP_PKEY *pub = x ? X509_get0_pubkey(x) : NULL;
	int r = pub && EVP_PKEY_eq(k->k, pub) == 1;

	ERR_clear_error();
	return r;
}

int cc_key_pem(const cc_key_t *k, cc_buf_t *b, cc_error_t *err)
{
	BIO *bio = BIO_new(BIO_s_secmem());
	char *data;
	long n;

	if (!bio || !PEM_write_bio_PrivateKey(bio, k->k, NULL, NULL, 0, NULL, NULL)) {
		BIO_free(bio);
		return cc_err_ssl(err, CC_ECRYPTO, "", "cannot encode the private key");
	}
	n = BIO_get_mem_data(bio, &data);
	cc_buf_printf(b, "%.*s", (int)n, data);
	BIO_free(bio); /* a secure-memory BIO cleanses on free */
	return b->oom ? cc_err(err, CC_ENOMEM, "", "out of memory") : 0;
}

static int push_key(cc_key_t ***v, size_t *n, EVP_PKEY *k)
{
	cc_key_t **nv, *key;

	if (*n >= CC_MAX_KEYS_PER_FILE || !(key = cc_key_wrap(k)))
		return -1;
	if (!(nv = realloc(*v, (*n + 1) * sizeof(*nv)))) {
		free(key);
		return -1;
	}
	nv[(*n)++] = key;
	*v = nv;
	return 0;
}

static int is_key_label(const char *label)
{
	size_t n = strlen(label);
	return n >= 11 && !strcmp(label + n - 11, "PRIVATE KEY");
}

/* PEM: every "... PRIVATE KEY" block; encrypted ones are only counted. */
static int keys_pem(const unsigned char *buf, size_t len, const char *name,
		    cc_key_t ***v, size_t *n, int *encrypted, cc_error_t *err)
{
	BIO *bio = BIO_new_mem_buf(buf, (int)len);
	char *label = NULL, *hdr = NULL;
	unsigned char *data = NULL;
	long dlen;
	int r = 0;

	if (!bio)
		return cc_err(err, CC_ENOMEM, name, "out of memory");
	while (!r && PEM_read_bio(bio, &label, &hdr, &data, &dlen)) {
		if (is_key_label(label)) {
			const unsigned char *q = data;
			EVP_PKEY *k;
			if (!strcmp(label, "ENCRYPTED PRIVATE KEY") || strstr(hdr, "ENCRYPTED")) {
				(*encrypted)++;
			} else if (!(k = d2i_AutoPrivateKey(NULL, &q, dlen))) {
				r = cc_err_ssl(err, CC_EPARSE, name, "corrupt private key");
			} else if (push_key(v, n, k)) {
				EVP_PKEY_free(k);
				r = cc_err(err, CC_ELIMIT, name, "more than %d private keys",
					   CC_MAX_KEYS_PER_FILE);
			}
		}
		OPENSSL_free(label);
		OPENSSL_free(hdr);
		OPENSSL_clear_free(data, (size_t)dlen);
		label = hdr = NULL;
		data = NULL;
	}
	ERR_clear_error(); /* the loop ends on "no start line" */
	BIO_free(bio);
	return r;
}

int cc_keys_from_mem(const unsigned char *buf, size_t len, const char *name,
		     cc_key_t ***out, size_t *n, int *encrypted, cc_error_t *err)
{
	const unsigned char *q = buf;
	EVP_PKEY *k;
	X509_SIG *p8;

	*out = NULL;
	*n = 0;
	*encrypted = 0;
	if (len > 11 && memmem(buf, len, "-----BEGIN ", 11))
		return keys_pem(buf, len, name, out, n, encrypted, err);
	if (!len || buf[0] != 0x30)
		return 0;
	if ((k = d2i_AutoPrivateKey(NULL, &q, (long)len))) {
		if (push_key(out, n, k)) {
			EVP_PKEY_free(k);
			return cc_err(err, CC_ENOMEM, name, "out of memory");
		}
	} else {
		q = buf;
		if ((p8 = d2i_X509_SIG(NULL, &q, (long)len))) {
			(*encrypted)++; /* DER EncryptedPrivateKeyInfo */
			X509_SIG_free(p8);
		}
	}
	ERR_clear_error();
	return 0;
}

int cc_key_load(const char *path, cc_key_t **out, cc_error_t *err)
{
	unsigned char *buf;
	size_t len, n = 0;
	cc_key_t **v = NULL;
	int enc = 0, r;

	*out = NULL;
	if ((r = cc_slurp(path, &buf, &len, err)))
		return r;
	r = cc_keys_from_mem(buf, len, path, &v, &n, &enc, err);
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (!r && n == 0 && enc)
		r = cc_err(err, CC_EINVAL, path,
			   "the private key is encrypted: decrypt it first "
			   "(openssl pkey -in KEY -out PLAIN)");
	else if (!r && n == 0)
		r = cc_err(err, CC_EPARSE, path, "holds no private key");
	else if (!r && n > 1)
		r = cc_err(err, CC_EINVAL, path, "holds %zu private keys; give a "
						 "file with exactly one", n);
	if (!r) {
		*out = v[0];
		v[0] = NULL;
	}
	for (size_t i = 0; i < n; i++)
		cc_key_free(v[i]);
	free(v);
	return r;
}
