/*
 * load.c - read certificates from PEM (bundles, junk between blocks), DER,
 * PKCS#7 certs-only (PEM or DER) and directories into a pool. PEM blocks are
 * found with a plain scan and decoded with OpenSSL's base64 decoder; the
 * certificate itself is not decoded here (see der.c).
 */
#include "internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>

/* What a scan found besides certificates, to explain an empty result. */
typedef struct scan {
	int certs;
	int keys;
	char other[64]; /* label of the first non-certificate PEM block */
} scan_t;

static int add_one(cc_pool_t *p, const unsigned char *der, size_t len,
		   const char *name, cc_certlist_t *order, scan_t *s,
		   cc_error_t *err)
{
	cc_cert_t *c = NULL;
	int r = cc_pool_add_der(p, der, len, name, &c, NULL, err);

	if (r)
		return r;
	s->certs++;
	if (order && cc_certlist_push(order, c))
		return cc_err(err, CC_ENOMEM, name, "out of memory");
	return 0;
}

static int add_pkcs7(cc_pool_t *p, const unsigned char *der, size_t len,
		     const char *name, cc_certlist_t *order, scan_t *s,
		     cc_error_t *err)
{
	const unsigned char *q = der;
	PKCS7 *p7 = d2i_PKCS7(NULL, &q, (long)len);
	STACK_OF(X509) *certs = NULL;
	int r = 0;

	if (!p7)
		return cc_err_ssl(err, CC_EPARSE, name, "corrupt PKCS#7 data");
	if (PKCS7_type_is_signed(p7) && p7->d.sign)
		certs = p7->d.sign->cert;
	else if (PKCS7_type_is_signedAndEnveloped(p7) && p7->d.signed_and_enveloped)
		certs = p7->d.signed_and_enveloped->cert;
	for (int i = 0; !r && i < sk_X509_num(certs); i++) {
		unsigned char *d = NULL;
		int n = i2d_X509(sk_X509_value(certs, i), &d);
		if (n <= 0) {
			r = cc_err_ssl(err, CC_EPARSE, name, "corrupt certificate in PKCS#7");
			break;
		}
		r = add_one(p, d, (size_t)n, name, order, s, err);
		OPENSSL_free(d);
	}
	PKCS7_free(p7);
	return r;
}

/*
 * The common case, line by line with EVP_DecodeBlock (four times faster than
 * EVP_DecodeUpdate, which dominated loading big bundles): every line a
 * multiple of 4 characters, '=' padding only at the very end. Returns the
 * decoded length, or -1 for anything else, which the general decoder then
 * handles (and reports) exactly as before.
 */
static long unbase64_lines(const char *b, const char *e, unsigned char *out)
{
	long total = 0;
	int pad = 0;

	while (b < e) {
		const char *nl = memchr(b, '\n', (size_t)(e - b)), *le;
		int n;
		if (!nl)
			nl = e;
		le = nl;
		while (le > b && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
			le--;
		if (le > b) {
			if (pad || (le - b) % 4 ||
			    memchr(b, '=', (size_t)(le - b - 2)) ||
			    (le[-2] == '=' && le[-1] != '='))
				return -1; /* data after padding, or an odd line */
			n = EVP_DecodeBlock(out + total, (const unsigned char *)b,
					    (int)(le - b));
			if (n < 0)
				return -1;
			pad = (le[-1] == '=') + (le[-2] == '=');
			total += n - pad;
		}
		b = nl + 1;
	}
	return total;
}

/* Decodes base64 body [b, e) into a fresh buffer. */
static unsigned char *unbase64(const char *b, const char *e, size_t *outlen)
{
	EVP_ENCODE_CTX *ctx = NULL;
	unsigned char *out = malloc((size_t)(e - b) / 4 * 3 + 4);
	int n1 = 0, n2 = 0, ok;
	long fast;

	if (!out)
		return NULL;
	if ((fast = unbase64_lines(b, e, out)) >= 0) {
		*outlen = (size_t)fast;
		return out;
	}
	if (!(ctx = EVP_ENCODE_CTX_new()))
		goto fail;
	EVP_DecodeInit(ctx);
	ok = EVP_DecodeUpdate(ctx, out, &n1, (const unsigned char *)b, (int)(e - b));
	if (ok < 0 || EVP_DecodeFinal(ctx, out + n1, &n2) < 0)
		goto fail;
	EVP_ENCODE_CTX_free(ctx);
	*outlen = (size_t)(n1 + n2);
	return out;
fail:
	EVP_ENCODE_CTX_free(ctx);
	free(out);
	return NULL;
}

static const char *memfind(const char *h, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	while (h && h + n <= end) {
		const char *q = memchr(h, needle[0], (size_t)(end - h));
		if (!q || q + n > end)
			return NULL;
		if (!memcmp(q, needle, n))
			return q;
		h = q + 1;
	}
	return NULL;
}

static int is_label(const char *l, size_t n, const char *want)
{
	return strlen(want) == n && !memcmp(l, want, n);
}

static int line_of(const char *start, const char *at)
{
	int line = 1;
	for (const char *q = start; q < at; q++)
		line += *q == '\n';
	return line;
}

/* One PEM block with label [l, l+ln) and body [b, e). */
static int pem_block(cc_pool_t *p, const char *buf, const char *l, size_t ln,
		     const char *b, const char *e, const char *name,
		     cc_certlist_t *order, scan_t *s, cc_error_t *err)
{
	int cert = is_label(l, ln, "CERTIFICATE") ||
		   is_label(l, ln, "X509 CERTIFICATE") ||
		   is_label(l, ln, "TRUSTED CERTIFICATE");
	int p7 = is_label(l, ln, "PKCS7") || is_label(l, ln, "PKCS #7 SIGNED DATA") ||
		 is_label(l, ln, "CERTIFICATE CHAIN");
	unsigned char *der;
	size_t len;
	int r;

	if (!cert && !p7) {
		if (ln >= 11 && !memcmp(l + ln - 11, "PRIVATE KEY", 11))
			s->keys++;
		else if (!s->other[0])
			snprintf(s->other, sizeof(s->other), "%.*s", (int)ln, l);
		return 0;
	}
	if (!(der = unbase64(b, e, &len)) || len == 0) {
		free(der);
		return cc_err(err, CC_EPARSE, name,
			      "invalid base64 in the %.*s block at line %d", (int)ln,
			      l, line_of(buf, l));
	}
	if (p7) {
		r = add_pkcs7(p, der, len, name, order, s, err);
	} else {
		cc_der_fields_t f;
		const char *why;
		/* TRUSTED CERTIFICATE appends OpenSSL trust settings: keep the cert. */
		if (is_label(l, ln, "TRUSTED CERTIFICATE") &&
		    !cc_der_fields(der, len, &f, &why) && f.total < len)
			len = f.total;
		r = add_one(p, der, len, name, order, s, err);
		if (r && err && err->code == CC_EPARSE) {
			char m[sizeof(err->msg)];
			snprintf(m, sizeof(m), "%s", err->msg);
			snprintf(err->msg, sizeof(err->msg),
				 "certificate block at line %d: %s",
				 line_of(buf, l), m);
		}
	}
	free(der);
	return r;
}

static int load_pem(cc_pool_t *p, const char *buf, size_t len, const char *name,
		    cc_certlist_t *order, scan_t *s, cc_error_t *err)
{
	const char *end = buf + len, *q = buf;

	while ((q = memfind(q, end, "-----BEGIN "))) {
		const char *l = q + 11, *le = memfind(l, end, "-----"), *e, *b;
		char endline[96];
		int r;

		if (!le || le - l > 64)
			return cc_err(err, CC_EPARSE, name,
				      "malformed PEM header at line %d",
				      line_of(buf, q));
		snprintf(endline, sizeof(endline), "-----END %.*s-----",
			 (int)(le - l), l);
		b = le + 5;
		if (!(e = memfind(b, end, endline)))
			return cc_err(err, CC_EPARSE, name,
				      "PEM block '%.*s' at line %d has no END line "
				      "(truncated file?)", (int)(le - l), l,
				      line_of(buf, q));
		r = pem_block(p, buf, l, (size_t)(le - l), b, e, name, order, s, err);
		if (r)
			return r;
		q = e + strlen(endline);
	}
	return 0;
}

static int load_der(cc_pool_t *p, const unsigned char *buf, size_t len,
		    const char *name, cc_certlist_t *order, scan_t *s,
		    cc_error_t *err)
{
	cc_der_fields_t f;
	const char *why = NULL;
	const unsigned char *q = buf;

	if (!cc_der_fields(buf, len, &f, &why)) {
		/* One certificate, or several concatenated. */
		while (q < buf + len) {
			int r;
			if (cc_der_fields(q, (size_t)(buf + len - q), &f, &why))
				return cc_err(err, CC_EPARSE, name,
					      "at byte %zu: %s", (size_t)(q - buf), why);
			r = add_one(p, q, f.total, name, order, s, err);
			if (r)
				return r;
			q += f.total;
		}
		return 0;
	}
	{ /* Not a certificate: PKCS#7, or say what it is. */
		PKCS7 *p7 = d2i_PKCS7(NULL, &q, (long)len);
		PKCS12 *p12;
		EVP_PKEY *k;
		if (p7) {
			PKCS7_free(p7);
			return add_pkcs7(p, buf, len, name, order, s, err);
		}
		q = buf;
		if ((p12 = d2i_PKCS12(NULL, &q, (long)len))) {
			PKCS12_free(p12);
			ERR_clear_error();
			return cc_err(err, CC_EPARSE, name,
				      "is a PKCS#12/PFX file, not a certificate "
				      "(use 'certchain import-pfx' or 'inspect')");
		}
		q = buf;
		if ((k = d2i_AutoPrivateKey(NULL, &q, (long)len))) {
			EVP_PKEY_free(k);
			ERR_clear_error();
			return cc_err(err, CC_EPARSE, name,
				      "holds a private key, not a certificate");
		}
		ERR_clear_error();
		return cc_err(err, CC_EPARSE, name, "%s", why);
	}
}

int cc_pool_load_mem(cc_pool_t *p, const unsigned char *buf, size_t len,
		     const char *name, unsigned flags, cc_certlist_t *order,
		     cc_error_t *err)
{
	scan_t s = { 0 };
	int r;

	if (!name)
		name = "<memory>";
	if (len == 0) {
		if (flags & CC_LOAD_ALLOW_EMPTY)
			return 0;
		return cc_err(err, CC_EPARSE, name, "empty file");
	}
	if (memfind((const char *)buf, (const char *)buf + len, "-----BEGIN "))
		r = load_pem(p, (const char *)buf, len, name, order, &s, err);
	else if (buf[0] == 0x30)
		r = load_der(p, buf, len, name, order, &s, err);
	else if (flags & CC_LOAD_ALLOW_EMPTY)
		return 0;
	else
		return cc_err(err, CC_EPARSE, name,
			      "not a certificate: no PEM block and not DER");
	if (r || s.certs || (flags & CC_LOAD_ALLOW_EMPTY))
		return r;
	if (s.keys)
		return cc_err(err, CC_EPARSE, name,
			      "holds a private key, not a certificate");
	if (s.other[0])
		return cc_err(err, CC_EPARSE, name,
			      "holds no certificate (found a %s block)", s.other);
	return cc_err(err, CC_EPARSE, name, "holds no certificate");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Has an earlier file of this directory walk the same device and inode? */
static int seen_file(const struct stat *v, size_t n, const struct stat *st)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].st_ino == st->st_ino && v[i].st_dev == st->st_dev)
			return 1;
	return 0;
}

/* An OpenSSL CA directory name: 8 hex digits, '.', decimal digits. */
static int hashed_name(const char *s)
{
	size_t i = 0;

	while (i < 8 && isxdigit((unsigned char)s[i]))
		i++;
	if (i != 8 || s[i] != '.' || !s[i + 1])
		return 0;
	for (i++; s[i]; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int load_dir(cc_pool_t *p, const char *path, unsigned flags,
		    cc_certlist_t *order, cc_error_t *err)
{
	struct stat *seen = NULL;
	size_t nseen = 0;
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (!d)
		return cc_err(err, CC_EIO, path, "cannot open directory: %s",
			      strerror(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    ((flags & CC_LOAD_HASHED_NAMES) && !hashed_name(e->d_name)))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*nn));
			if (!nn) {
				r = cc_err(err, CC_ENOMEM, path, "out of memory");
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name))) {
			r = cc_err(err, CC_ENOMEM, path, "out of memory");
			break;
		}
		n++;
	}
	closedir(d);
	if (!r && n) /* an empty directory: names is NULL, qsort's is nonnull */
		qsort(names, n, sizeof(*names), by_name);
	if (!r && n && (flags & CC_LOAD_ONCE_PER_FILE) &&
	    !(seen = calloc(n, sizeof(*seen))))
		r = cc_err(err, CC_ENOMEM, path, "out of memory");
	for (size_t i = 0; !r && i < n; i++) {
		char full[4096];
		struct stat st;
		unsigned char *buf;
		size_t len;
		cc_path_fmt(full, sizeof(full), path, "%s", names[i]);
		if (stat(full, &st) || !S_ISREG(st.st_mode))
			continue;
		if (seen && seen_file(seen, nseen, &st))
			continue;
		if (seen)
			seen[nseen++] = st;
		if ((r = cc_slurp(full, &buf, &len, err)))
			break;
		r = cc_pool_load_mem(p, buf, len, full, CC_LOAD_ALLOW_EMPTY, order, err);
		free(buf);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(seen);
	return r;
}

int cc_pool_load(cc_pool_t *p, const char *path, unsigned flags,
		 cc_certlist_t *order, cc_error_t *err)
{
	struct stat st;
	unsigned char *buf;
	size_t len;
	int r;

	if (stat(path, &st))
		return cc_err(err, CC_EIO, path, "cannot open: %s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return load_dir(p, path, flags, order, err);
	if ((r = cc_slurp(path, &buf, &len, err)))
		return r;
	r = cc_pool_load_mem(p, buf, len, path, flags, order, err);
	free(buf);
	return r;
}
