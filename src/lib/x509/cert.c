/* cert.c - one certificate: DER, fingerprint, lazy decode and accessors. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

/* Points c's field spans, parsed in the buffer old, at c's own DER copy. */
static void rebase_spans(cc_cert_t *c, const unsigned char *old)
{
	cc_span_t *s[] = { &c->f.issuer, &c->f.subject, &c->f.spki, &c->f.ski,
			       &c->f.aki };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i]->p)
			s[i]->p = c->der + (s[i]->p - old);
}

/* A new certificate over a copy of der, without its fingerprint yet. */
static cc_cert_t *cert_make(const unsigned char *der, size_t len,
			    const cc_der_fields_t *f, const char *source)
{
	cc_cert_t *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->der = malloc(len);
	c->source = strdup(source ? source : "");
	if (!c->der || !c->source) {
		free(c->der);
		free(c->source);
		free(c);
		return NULL;
	}
	memcpy(c->der, der, len);
	c->len = len;
	/* Rebase the spans from the caller's buffer onto our copy. */
	c->f = *f;
	rebase_spans(c, der);
	c->subj_hash = cc_hash64(c->f.subject.p, c->f.subject.n);
	c->spki_hash = cc_hash64(c->f.spki.p, c->f.spki.n);
	return c;
}

cc_cert_t *cc_cert_new(const unsigned char *der, size_t len,
		       const cc_der_fields_t *f, const char *source,
		       const EVP_MD *sha256)
{
	cc_cert_t *c = cert_make(der, len, f, source);

	/* SHA256() fetches the digest by name on every call (OpenSSL 3),
	 * which cost more than hashing a certificate; a fetched one does not. */
	if (c && (!sha256 || !EVP_Digest(der, len, c->fp, NULL, sha256, NULL)))
		SHA256(der, len, c->fp);
	return c;
}

cc_cert_t *cc_cert_new_fp(const unsigned char *der, size_t len,
			  const cc_der_fields_t *f, const char *source,
			  const unsigned char fp[32])
{
	cc_cert_t *c = cert_make(der, len, f, source);

	if (c)
		memcpy(c->fp, fp, sizeof(c->fp));
	return c;
}

cc_cert_t *cc_cert_copy(const cc_cert_t *src)
{
	cc_cert_t *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->der = malloc(src->len);
	c->source = strdup(src->source);
	c->sig_key = src->sig_key ? malloc(src->sig_key_len) : NULL;
	if (!c->der || !c->source || (src->sig_key && !c->sig_key)) {
		cc_cert_free(c);
		return NULL;
	}
	memcpy(c->der, src->der, src->len);
	c->len = src->len;
	memcpy(c->fp, src->fp, sizeof(c->fp));
	c->f = src->f;
	rebase_spans(c, src->der);
	c->subj_hash = src->subj_hash;
	c->spki_hash = src->spki_hash;
	c->canon_hash = src->canon_hash;
	c->canon_done = src->canon_done;
	c->decode_failed = src->decode_failed;
	if (src->sig_key) {
		memcpy(c->sig_key, src->sig_key, src->sig_key_len);
		c->sig_key_len = src->sig_key_len;
	}
	cc_cert_adopt_x509(c, src->x);
	return c;
}

void cc_cert_free(cc_cert_t *c)
{
	if (!c)
		return;
	X509_free(c->x);
	free(c->sig_key);
	free(c->der);
	free(c->source);
	free(c);
}

const unsigned char *cc_cert_der(const cc_cert_t *c, size_t *len)
{
	if (len)
		*len = c->len;
	return c->der;
}

const unsigned char *cc_cert_sha256(const cc_cert_t *c)
{
	return c->fp;
}

void cc_cert_sha256_hex(const cc_cert_t *c, char out[65])
{
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hx[c->fp[i] >> 4];
		out[2 * i + 1] = hx[c->fp[i] & 15];
	}
	out[64] = 0;
}

char *cc_cert_aki_hex(const cc_cert_t *c, char *buf, size_t n)
{
	size_t k = 0;

	if (n)
		buf[0] = 0;
	for (size_t i = 0; i < c->f.aki.n && k + 3 <= n; i++, k += 2)
		snprintf(buf + k, n - k, "%02X", c->f.aki.p[i]);
	return buf;
}

const char *cc_cert_source(const cc_cert_t *c)
{
	return c->source;
}

X509 *cc_cert_x509(cc_cert_t *c, cc_error_t *err)
{
	const unsigned char *p;

	if (c->x)
		return c->x;
	if (c->decode_failed) {
		cc_err(err, CC_EPARSE, c->source, "certificate cannot be decoded");
		return NULL;
	}
	p = c->der;
	c->x = d2i_X509(NULL, &p, (long)c->len);
	if (!c->x) {
		c->decode_failed = 1;
		cc_err_ssl(err, CC_EPARSE, c->source,
			   "OpenSSL cannot decode the certificate");
		return NULL;
	}
	return c->x;
}

int cc_cert_self_issued(const cc_cert_t *c)
{
	return c->f.subject.n == c->f.issuer.n &&
	       !memcmp(c->f.subject.p, c->f.issuer.p, c->f.subject.n);
}

int cc_cert_same_key(const cc_cert_t *a, const cc_cert_t *b)
{
	return a->spki_hash == b->spki_hash && a->f.spki.n == b->f.spki.n &&
	       !memcmp(a->f.spki.p, b->f.spki.p, a->f.spki.n);
}

int cc_cert_sig_known(const cc_cert_t *child, const cc_cert_t *issuer)
{
	return child->sig_key && child->sig_key_len == issuer->f.spki.n &&
	       !memcmp(child->sig_key, issuer->f.spki.p, issuer->f.spki.n);
}

void cc_cert_sig_remember(cc_cert_t *child, const cc_cert_t *issuer)
{
	unsigned char *k;

	if (cc_cert_sig_known(child, issuer) || !(k = malloc(issuer->f.spki.n)))
		return; /* out of memory only costs a later re-verification */
	memcpy(k, issuer->f.spki.p, issuer->f.spki.n);
	free(child->sig_key);
	child->sig_key = k;
	child->sig_key_len = issuer->f.spki.n;
}

int cc_cert_same_subject(const cc_cert_t *a, const cc_cert_t *b)
{
	return a->subj_hash == b->subj_hash && a->f.subject.n == b->f.subject.n &&
	       !memcmp(a->f.subject.p, b->f.subject.p, a->f.subject.n);
}

int cc_cert_issuer_name_match(cc_cert_t *issuer, cc_cert_t *child)
{
	const unsigned char *p = issuer->f.subject.p, *q = child->f.issuer.p;
	X509_NAME *a, *b;
	int r, ok1, ok2;
	uint64_t h1, h2;

	if (issuer->f.subject.n == child->f.issuer.n &&
	    !memcmp(issuer->f.subject.p, child->f.issuer.p, child->f.issuer.n))
		return 1;
	/* Names OpenSSL would call equal hash equal: most pairs end here,
	 * without decoding either Name (a chain of 500 compares 250,000). */
	h1 = cc_der_name_canon_hash(issuer->f.subject.p, issuer->f.subject.n, &ok1);
	h2 = cc_der_name_canon_hash(child->f.issuer.p, child->f.issuer.n, &ok2);
	if (ok1 && ok2 && h1 != h2)
		return 0;
	/* RFC 5280 comparison on the Names alone (no key decode). */
	a = d2i_X509_NAME(NULL, &p, (long)issuer->f.subject.n);
	b = d2i_X509_NAME(NULL, &q, (long)child->f.issuer.n);
	r = a && b && !X509_NAME_cmp(a, b);
	X509_NAME_free(a);
	X509_NAME_free(b);
	return r;
}

int cc_cert_is_ca(cc_cert_t *c)
{
	X509 *x = cc_cert_x509(c, NULL);
	return x && X509_check_ca(x) > 0;
}

/* Copies s into buf replacing control bytes, so a hostile name (embedded NUL,
 * escape sequences) cannot garble a terminal or a log line. */
static void clean_copy(char *buf, size_t n, const unsigned char *s, int len)
{
	size_t j = 0;
	for (int i = 0; i < len && j + 1 < n; i++)
		buf[j++] = (s[i] < 0x20 || s[i] == 0x7f) ? '?' : (char)s[i];
	buf[j] = 0;
}

char *cc_cert_dn(cc_cert_t *c, int which, char *buf, size_t n)
{
	X509 *x = cc_cert_x509(c, NULL);
	BIO *b;
	char *data;
	long len;

	buf[0] = 0;
	if (!x || !(b = BIO_new(BIO_s_mem())))
		return buf;
	X509_NAME_print_ex(b, which ? X509_get_issuer_name(x) : X509_get_subject_name(x),
			   0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data(b, &data);
	clean_copy(buf, n, (const unsigned char *)data, (int)len);
	BIO_free(b);
	return buf;
}

char *cc_cert_name(cc_cert_t *c, int which, char *buf, size_t n)
{
	X509 *x = cc_cert_x509(c, NULL);
	X509_NAME *nm;
	int i;
	unsigned char *u = NULL;

	buf[0] = 0;
	if (!x)
		return buf;
	nm = which ? X509_get_issuer_name(x) : X509_get_subject_name(x);
	i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
	if (i >= 0) {
		ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i));
		int len = ASN1_STRING_to_UTF8(&u, s);
		if (len >= 0) {
			clean_copy(buf, n, u, len);
			OPENSSL_free(u);
			return buf;
		}
	}
	return cc_cert_dn(c, which, buf, n);
}

/* A copy of s with control bytes replaced, as clean_copy, but whole. */
static char *clean_dup(const unsigned char *s, int len)
{
	char *d = malloc((size_t)(len > 0 ? len : 0) + 1);

	if (d)
		clean_copy(d, (size_t)(len > 0 ? len : 0) + 1, s, len);
	return d;
}

char *cc_cert_dn_dup(cc_cert_t *c, int which)
{
	X509 *x = cc_cert_x509(c, NULL);
	BIO *b;
	char *data, *d;
	long len;

	if (!x)
		return strdup("");
	if (!(b = BIO_new(BIO_s_mem())))
		return NULL;
	X509_NAME_print_ex(b, which ? X509_get_issuer_name(x) : X509_get_subject_name(x),
			   0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data(b, &data);
	d = clean_dup((const unsigned char *)data, (int)len);
	BIO_free(b);
	return d;
}

char *cc_cert_name_dup(cc_cert_t *c, int which)
{
	X509 *x = cc_cert_x509(c, NULL);
	X509_NAME *nm;
	unsigned char *u = NULL;
	int i;

	if (!x)
		return strdup("");
	nm = which ? X509_get_issuer_name(x) : X509_get_subject_name(x);
	i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
	if (i >= 0) {
		ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i));
		int len = ASN1_STRING_to_UTF8(&u, s);
		if (len >= 0) {
			char *d = clean_dup(u, len);
			OPENSSL_free(u);
			return d;
		}
	}
	return cc_cert_dn_dup(c, which);
}

const char *cc_names_get(cc_names_t *ns, cc_cert_t *c, int which)
{
	char *s;

	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 4;
		char **v = realloc(ns->v, cap * sizeof(*v));
		if (!v)
			return "?";
		ns->v = v;
		ns->cap = cap;
	}
	if (!(s = cc_cert_name_dup(c, which)))
		return "?";
	ns->v[ns->n++] = s;
	return s;
}

void cc_names_free(cc_names_t *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

char *cc_cert_key_desc(cc_cert_t *c, char *buf, size_t n)
{
	X509 *x = cc_cert_x509(c, NULL);
	return cc_pkey_desc(x ? X509_get0_pubkey(x) : NULL, buf, n);
}

char *cc_pkey_desc(const EVP_PKEY *k, char *buf, size_t n)
{
	char grp[64] = "";

	if (!k) {
		snprintf(buf, n, "unknown key");
		return buf;
	}
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		snprintf(buf, n, "RSA %d", EVP_PKEY_get_bits(k));
		break;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_group_name(k, grp, sizeof(grp), NULL) == 1) {
			int nid = OBJ_sn2nid(grp);
			const char *nist = nid ? EC_curve_nid2nist(nid) : NULL;
			snprintf(buf, n, "EC %s", nist ? nist : grp);
		} else {
			snprintf(buf, n, "EC %d", EVP_PKEY_get_bits(k));
		}
		break;
	case EVP_PKEY_ED25519: snprintf(buf, n, "Ed25519"); break;
	case EVP_PKEY_ED448: snprintf(buf, n, "Ed448"); break;
	case EVP_PKEY_DSA: snprintf(buf, n, "DSA %d", EVP_PKEY_get_bits(k)); break;
	default: snprintf(buf, n, "%s", OBJ_nid2sn(EVP_PKEY_get_base_id(k)));
	}
	return buf;
}

const char *cc_cert_sig_name(cc_cert_t *c)
{
	X509 *x = cc_cert_x509(c, NULL);
	return x ? OBJ_nid2ln(X509_get_signature_nid(x)) : "unknown";
}

int cc_cert_weak_sig(cc_cert_t *c)
{
	X509 *x = cc_cert_x509(c, NULL);
	int md = NID_undef, pk;

	if (!x || !OBJ_find_sigid_algs(X509_get_signature_nid(x), &md, &pk))
		return 0;
	return md == NID_sha1 || md == NID_md5 || md == NID_md2 || md == NID_md4;
}

static time_t asn1_time(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return timegm(&tm);
}

time_t cc_cert_not_before(cc_cert_t *c)
{
	X509 *x = cc_cert_x509(c, NULL);
	return x ? asn1_time(X509_get0_notBefore(x)) : 0;
}

time_t cc_cert_not_after(cc_cert_t *c)
{
	X509 *x = cc_cert_x509(c, NULL);
	return x ? asn1_time(X509_get0_notAfter(x)) : 0;
}

int cc_cert_earliest_sct(cc_cert_t *c, time_t *out)
{
	X509 *x = cc_cert_x509(c, NULL);
	STACK_OF(SCT) *scts;
	uint64_t min = UINT64_MAX;
	int crit = 0, n;

	if (!x)
		return 0;
	scts = X509_get_ext_d2i(x, NID_ct_precert_scts, &crit, NULL);
	if (!scts) {
		ERR_clear_error(); /* absent, or a list OpenSSL cannot decode */
		return 0;
	}
	n = sk_SCT_num(scts);
	for (int i = 0; i < n; i++) {
		uint64_t ms = SCT_get_timestamp(sk_SCT_value(scts, i));
		if (ms < min)
			min = ms;
	}
	SCT_LIST_free(scts);
	if (min == UINT64_MAX)
		return 0;
	*out = (time_t)(min / 1000); /* SCT timestamps are milliseconds */
	return 1;
}

int cc_certlist_push(cc_certlist_t *l, cc_cert_t *c)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		cc_cert_t **v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return CC_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = c;
	return 0;
}

void cc_certlist_clear(cc_certlist_t *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void cc_cert_adopt_x509(cc_cert_t *c, X509 *x)
{
	/* Same DER, so the same decode: share it instead of decoding again. */
	if (!c->x && !c->decode_failed && x && X509_up_ref(x))
		c->x = x;
}
