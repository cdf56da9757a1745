/*
 * der.c - find the fields path building needs (issuer, subject, key, key
 * identifiers) in a certificate's DER without decoding it. A full d2i_X509
 * under OpenSSL 3 decodes the public key through the provider machinery,
 * which dominates load time on big pools; the search only needs names and
 * key ids until it tries a signature. We walk the TLVs with OpenSSL's own
 * ASN1_get_object.
 */
#include "internal.h"

#include <string.h>

#include <openssl/asn1.h>

/* Reads one TLV at *p (bounded by end): its class/tag, constructed flag and
 * content span; *p moves past the whole TLV. Returns 0 or -1. */
static int tlv(const unsigned char **p, const unsigned char *end, int *tag,
	       int *cls, int *cons, cc_span_t *whole, cc_span_t *content)
{
	const unsigned char *q = *p;
	long len;
	int r;

	if (q >= end)
		return -1;
	r = ASN1_get_object(&q, &len, tag, cls, end - *p);
	if ((r & 0x80) || (r & 1) || len < 0 || len > end - q)
		return -1; /* malformed, indefinite length, or past the end */
	*cons = r & V_ASN1_CONSTRUCTED;
	if (whole) {
		whole->p = *p;
		whole->n = (size_t)(q - *p) + (size_t)len;
	}
	if (content) {
		content->p = q;
		content->n = (size_t)len;
	}
	*p = q + len;
	return 0;
}

static const unsigned char OID_SKI[] = { 0x55, 0x1d, 0x0e };
static const unsigned char OID_AKI[] = { 0x55, 0x1d, 0x23 };

static void ext_keyid(cc_span_t oid, cc_span_t val, cc_der_fields_t *f)
{
	const unsigned char *p = val.p, *end = val.p + val.n;
	cc_span_t c;
	int tag, cls, cons;

	if (oid.n == 3 && !memcmp(oid.p, OID_SKI, 3)) {
		if (!tlv(&p, end, &tag, &cls, &cons, NULL, &c) &&
		    tag == V_ASN1_OCTET_STRING && cls == V_ASN1_UNIVERSAL)
			f->ski = c;
	} else if (oid.n == 3 && !memcmp(oid.p, OID_AKI, 3)) {
		cc_span_t seq;
		if (tlv(&p, end, &tag, &cls, &cons, NULL, &seq) ||
		    tag != V_ASN1_SEQUENCE)
			return;
		p = seq.p;
		end = seq.p + seq.n;
		/* keyIdentifier [0] IMPLICIT OCTET STRING, if present, is first */
		if (!tlv(&p, end, &tag, &cls, &cons, NULL, &c) && tag == 0 &&
		    cls == V_ASN1_CONTEXT_SPECIFIC && !cons)
			f->aki = c;
	}
}

static void extensions(cc_span_t exts, cc_der_fields_t *f)
{
	const unsigned char *p = exts.p, *end = exts.p + exts.n;
	cc_span_t seq, ext, oid, val;
	int tag, cls, cons;

	if (tlv(&p, end, &tag, &cls, &cons, NULL, &seq) || tag != V_ASN1_SEQUENCE)
		return;
	p = seq.p;
	end = seq.p + seq.n;
	while (p < end) {
		const unsigned char *q;
		if (tlv(&p, end, &tag, &cls, &cons, NULL, &ext))
			return;
		q = ext.p;
		if (tlv(&q, ext.p + ext.n, &tag, &cls, &cons, NULL, &oid) ||
		    tag != V_ASN1_OBJECT)
			continue;
		if (tlv(&q, ext.p + ext.n, &tag, &cls, &cons, NULL, &val))
			continue;
		if (tag == V_ASN1_BOOLEAN &&
		    tlv(&q, ext.p + ext.n, &tag, &cls, &cons, NULL, &val))
			continue;
		if (tag == V_ASN1_OCTET_STRING)
			ext_keyid(oid, val, f);
	}
}

int cc_der_fields(const unsigned char *der, size_t len, cc_der_fields_t *f,
		  const char **why)
{
	const unsigned char *p = der, *end = der + len;
	cc_span_t whole, cert, tbs, x;
	int tag, cls, cons;

	memset(f, 0, sizeof(*f));
	if (len < 2 || der[0] != 0x30) {
		*why = "not a DER certificate (no outer SEQUENCE)";
		return -1;
	}
	if (tlv(&p, end, &tag, &cls, &cons, &whole, &cert)) {
		*why = "truncated or malformed DER (outer length runs past the data)";
		return -1;
	}
	f->total = whole.n;
	p = cert.p;
	end = cert.p + cert.n;
	if (tlv(&p, end, &tag, &cls, &cons, NULL, &tbs) || tag != V_ASN1_SEQUENCE) {
		*why = "malformed DER: no tbsCertificate";
		return -1;
	}
	p = tbs.p;
	end = tbs.p + tbs.n;
	if (tlv(&p, end, &tag, &cls, &cons, NULL, &x)) /* version or serial */
		goto bad;
	if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0 &&
	    tlv(&p, end, &tag, &cls, &cons, NULL, &x)) /* serial */
		goto bad;
	if (tag != V_ASN1_INTEGER)
		goto bad;
	if (tlv(&p, end, &tag, &cls, &cons, NULL, &x) || tag != V_ASN1_SEQUENCE)
		goto bad; /* signature algorithm */
	if (tlv(&p, end, &tag, &cls, &cons, &f->issuer, NULL) ||
	    tag != V_ASN1_SEQUENCE)
		goto bad;
	if (tlv(&p, end, &tag, &cls, &cons, NULL, &x) || tag != V_ASN1_SEQUENCE)
		goto bad; /* validity */
	if (tlv(&p, end, &tag, &cls, &cons, &f->subject, NULL) ||
	    tag != V_ASN1_SEQUENCE)
		goto bad;
	if (tlv(&p, end, &tag, &cls, &cons, &f->spki, NULL) ||
	    tag != V_ASN1_SEQUENCE)
		goto bad;
	while (p < end) { /* issuerUID [1], subjectUID [2], extensions [3] */
		if (tlv(&p, end, &tag, &cls, &cons, NULL, &x))
			goto bad;
		if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 3)
			extensions(x, f);
	}
	return 0;
bad:
	*why = "malformed DER: tbsCertificate fields are missing or corrupt";
	return -1;
}

/* FNV-1a: fast, and only ever used for in-memory hash tables. */
uint64_t cc_hash64(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}
