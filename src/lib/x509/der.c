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

/*
 * A hash of a Name's DER that agrees whenever OpenSSL's X509_NAME_cmp says two
 * names are equal, computed without decoding: for every attribute, its OID and
 * the lower-cased ASCII letters and digits of its value. OpenSSL's canonical
 * form converts the string types below to UTF-8, lower-cases ASCII and folds
 * spaces; none of that changes the sequence of ASCII letters and digits, and
 * no non-ASCII character of any width turns into one. Other value types are
 * compared raw, so their tag and bytes go in. Attributes of one RDN are
 * combined by addition, since the canonical SET may order them differently.
 * Equal hashes are only candidates: X509_NAME_cmp has the last word.
 */
static int canon_width(int tag)
{
	switch (tag) {
	case V_ASN1_UTF8STRING:
	case V_ASN1_PRINTABLESTRING:
	case V_ASN1_T61STRING:
	case V_ASN1_IA5STRING:
	case V_ASN1_VISIBLESTRING:
		return 1;
	case V_ASN1_BMPSTRING:
		return 2;
	case V_ASN1_UNIVERSALSTRING:
		return 4;
	default:
		return 0;
	}
}

static uint64_t fnv_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * 1099511628211ULL;
}

static uint64_t ava_hash(cc_span_t ava, int *ok)
{
	const unsigned char *p = ava.p, *end = ava.p + ava.n;
	cc_span_t oid, val;
	int tag, cls, cons, w;
	uint64_t h = 1469598103934665603ULL;

	if (tlv(&p, end, &tag, &cls, &cons, NULL, &oid) || tag != V_ASN1_OBJECT ||
	    tlv(&p, end, &tag, &cls, &cons, NULL, &val)) {
		*ok = 0;
		return 0;
	}
	for (size_t i = 0; i < oid.n; i++)
		h = fnv_byte(h, oid.p[i]);
	w = cls == V_ASN1_UNIVERSAL ? canon_width(tag) : 0;
	if (w && cons) { /* a BER constructed string: leave it to OpenSSL */
		*ok = 0;
		return 0;
	}
	if (!w) {
		h = fnv_byte(h, (unsigned char)tag);
		h = fnv_byte(h, (unsigned char)(cls | cons));
		for (size_t i = 0; i < val.n; i++)
			h = fnv_byte(h, val.p[i]);
		return h;
	}
	h = fnv_byte(h, 0xff); /* a string of a canonicalised type */
	for (size_t i = 0; i + (size_t)w <= val.n; i += (size_t)w) {
		uint32_t ch = 0;
		for (int k = 0; k < w; k++)
			ch = ch << 8 | val.p[i + (size_t)k];
		if (ch >= 'A' && ch <= 'Z')
			ch += 'a' - 'A';
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			h = fnv_byte(h, (unsigned char)ch);
	}
	return h;
}

uint64_t cc_der_name_canon_hash(const unsigned char *der, size_t len, int *ok)
{
	const unsigned char *p = der, *end = der + len;
	cc_span_t seq, set, ava;
	int tag, cls, cons;
	uint64_t h = 1469598103934665603ULL;

	*ok = 1;
	if (tlv(&p, end, &tag, &cls, &cons, NULL, &seq) || tag != V_ASN1_SEQUENCE) {
		*ok = 0;
		return 0;
	}
	for (p = seq.p, end = seq.p + seq.n; p < end;) {
		const unsigned char *q;
		uint64_t rdn = 0;
		if (tlv(&p, end, &tag, &cls, &cons, NULL, &set) || tag != V_ASN1_SET) {
			*ok = 0;
			return 0;
		}
		if (!set.n) /* an empty RDN has no entry in the canonical form */
			continue;
		for (q = set.p; q < set.p + set.n;) {
			if (tlv(&q, set.p + set.n, &tag, &cls, &cons, NULL, &ava) ||
			    tag != V_ASN1_SEQUENCE) {
				*ok = 0;
				return 0;
			}
			rdn += ava_hash(ava, ok);
			if (!*ok)
				return 0;
		}
		for (int k = 0; k < 8; k++)
			h = fnv_byte(h, (unsigned char)(rdn >> (8 * k)));
	}
	return h;
}

/*
 * Eight bytes at a time, multiply and fold: only ever used for in-memory hash
 * tables, where byte-wise FNV over every subject and key of a big pool was a
 * visible share of load time.
 */
uint64_t cc_hash64(const unsigned char *p, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t h = 1469598103934665603ULL ^ (n * k), w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	w = 0;
	if (n > i)
		memcpy(&w, p + i, n - i);
	h = (h ^ w) * k;
	return h ^ (h >> 32);
}
