/* key.c - read private keys (PEM PKCS#8 / traditional, or DER) and match
 * them to certificates. The library never prompts: encrypted keys are
 * refused with a message saying so. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

/* A key file is a few KB at most (RSA 16384 is ~13 KB of PEM). */
#define CC_MAX_KEY_FILE (256u * 1024)

/* Never prompt: a passphrase can only come from the caller. */
static int no_password(char *buf, int size, int rw, void *u)
{
	return -1;
}

int cc_key_load_mem(const unsigned char *buf, size_t len, const char *name,
		    EVP_PKEY **out, cc_error_t *err)
{
	EVP_PKEY *k = NULL;

	*out = NULL;
	if (memmem(buf, len, "-----BEGIN", 10)) {
		BIO *b = BIO_new_mem_buf(buf, (int)len);
		if (!b)
			return cc_err(err, CC_ENOMEM, name, "out of memory");
		k = PEM_read_bio_PrivateKey(b, NULL, no_password, NULL);
		BIO_free(b);
		if (!k && (memmem(buf, len, "ENCRYPTED", 9))) {
			ERR_clear_error();
			return cc_err(err, CC_EPARSE, name,
				      "the private key is encrypted; decrypt it first "
				      "(e.g. openssl pkey -in KEY -out PLAIN)");
		}
	} else {
		const unsigned char *p = buf;
		k = d2i_AutoPrivateKey(NULL, &p, (long)len);
	}
	if (!k) {
		ERR_clear_error();
		return cc_err(err, CC_EPARSE, name, "no private key found");
	}
	*out = k;
	return 0;
}

int cc_key_load_fd(int fd, const char *name, EVP_PKEY **out, cc_error_t *err)
{
	unsigned char *buf = malloc(CC_MAX_KEY_FILE);
	size_t n = 0;
	int r;

	*out = NULL;
	if (!buf)
		return cc_err(err, CC_ENOMEM, name, "out of memory");
	for (;;) {
		ssize_t got = read(fd, buf + n, CC_MAX_KEY_FILE - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = cc_err(err, CC_EIO, name, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n == CC_MAX_KEY_FILE) {
			r = cc_err(err, CC_ELIMIT, name, "too large for a private key");
			goto out;
		}
	}
	r = n ? cc_key_load_mem(buf, n, name, out, err)
	      : cc_err(err, CC_EPARSE, name, "empty file, no private key");
out:
	OPENSSL_cleanse(buf, n);
	free(buf);
	return r;
}

int cc_key_load(const char *path, EVP_PKEY **out, cc_error_t *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	*out = NULL;
	if (fd < 0)
		return cc_err(err, CC_EIO, path, "cannot open private key: %s",
			      strerror(errno));
	r = cc_key_load_fd(fd, path, out, err);
	close(fd);
	return r;
}

int cc_key_matches(cc_cert_t *c, EVP_PKEY *key)
{
	X509 *x = cc_cert_x509(c, NULL);
	int r = x && key && X509_check_private_key(x, key) == 1;

	ERR_clear_error();
	return r;
}

/* ----------------------------------------------- pkcs12: inspect, export */

/* Keys in one file: a PEM bundle with more than this is not a key file. */
#define CC_MAX_KEYS_PER_FILE 64

char *cc_key_desc(const EVP_PKEY *k, char *buf, size_t n)
{
	return cc_pkey_desc(k, buf, n);
}

int cc_key_pem(EVP_PKEY *k, cc_buf_t *b, cc_error_t *err)
{
	BIO *bio = BIO_new(BIO_s_secmem());
	char *data;
	long n;

	if (!bio || !PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL)) {
		BIO_free(bio);
		return cc_err_ssl(err, CC_ECRYPTO, "", "cannot encode the private key");
	}
	n = BIO_get_mem_data(bio, &data);
	cc_buf_printf(b, "%.*s", (int)n, data);
	BIO_free(bio); /* a secure-memory BIO cleanses on free */
	return b->oom ? cc_err(err, CC_ENOMEM, "", "out of memory") : 0;
}

static int push_key(EVP_PKEY ***v, size_t *n, EVP_PKEY *k)
{
	EVP_PKEY **nv;

	if (*n >= CC_MAX_KEYS_PER_FILE || !(nv = realloc(*v, (*n + 1) * sizeof(*nv))))
		return -1;
	nv[(*n)++] = k;
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
		    EVP_PKEY ***v, size_t *n, int *encrypted, cc_error_t *err)
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
		     EVP_PKEY ***out, size_t *n, int *encrypted, cc_error_t *err)
{
	const unsigned char *q = buf;
	EVP_PKEY *k;

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
		X509_SIG *p8;
		q = buf;
		if ((p8 = d2i_X509_SIG(NULL, &q, (long)len))) {
			(*encrypted)++; /* DER EncryptedPrivateKeyInfo */
			X509_SIG_free(p8);
		}
	}
	ERR_clear_error();
	return 0;
}
