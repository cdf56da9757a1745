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
