/*
 * pool.c - a deduplicated set of certificates with three indexes: SHA-256,
 * exact subject DER, and (built only when the exact index misses) OpenSSL's
 * canonical subject form, so differently encoded but equal names still meet.
 */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct cc_pool {
	cc_cert_t **v;
	size_t n, cap;
	cc_cert_t **by_fp; /* open hash, chained through next_fp */
	cc_cert_t **by_subj;
	cc_cert_t **by_canon; /* NULL until first needed */
	size_t nbuckets;      /* power of two, shared by all three */
	EVP_MD *sha256;       /* fetched on the first add, for fingerprints */
};

cc_pool_t *cc_pool_new(void)
{
	return calloc(1, sizeof(cc_pool_t));
}

void cc_pool_free(cc_pool_t *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		cc_cert_free(p->v[i]);
	free(p->v);
	free(p->by_fp);
	free(p->by_subj);
	free(p->by_canon);
	EVP_MD_free(p->sha256);
	free(p);
}

size_t cc_pool_count(const cc_pool_t *p)
{
	return p ? p->n : 0;
}

cc_cert_t *cc_pool_get(const cc_pool_t *p, size_t i)
{
	return i < p->n ? p->v[i] : NULL;
}

static uint64_t fp_key(const unsigned char fp[32])
{
	uint64_t k;
	memcpy(&k, fp, sizeof(k)); /* SHA-256 bytes are already uniform */
	return k;
}

static void index_one(cc_pool_t *p, cc_cert_t *c)
{
	size_t m = p->nbuckets - 1;
	size_t a = fp_key(c->fp) & m, b = c->subj_hash & m;

	c->next_fp = p->by_fp[a];
	p->by_fp[a] = c;
	c->next_subj = p->by_subj[b];
	p->by_subj[b] = c;
}

static int grow(cc_pool_t *p)
{
	size_t nb = p->nbuckets ? p->nbuckets * 2 : 256;
	cc_cert_t **f = calloc(nb, sizeof(*f)), **s = calloc(nb, sizeof(*s));

	if (!f || !s) {
		free(f);
		free(s);
		return CC_ENOMEM;
	}
	free(p->by_fp);
	free(p->by_subj);
	free(p->by_canon); /* rebuilt lazily at the new size */
	p->by_canon = NULL;
	p->by_fp = f;
	p->by_subj = s;
	p->nbuckets = nb;
	for (size_t i = 0; i < p->n; i++)
		index_one(p, p->v[i]);
	return 0;
}

cc_cert_t *cc_pool_find_sha256(const cc_pool_t *p, const unsigned char fp[32])
{
	if (!p || !p->nbuckets)
		return NULL;
	for (cc_cert_t *c = p->by_fp[fp_key(fp) & (p->nbuckets - 1)]; c;
	     c = c->next_fp)
		if (!memcmp(c->fp, fp, 32))
			return c;
	return NULL;
}

static int insert(cc_pool_t *p, cc_cert_t *c, const char *source,
		  cc_cert_t **out, int *added, cc_error_t *err);

/* cc_pool_add_der's checks and insertion; fp is the SHA-256 when known. */
static int add_der(cc_pool_t *p, const unsigned char *der, size_t len,
		   const unsigned char *fp, const char *source, cc_cert_t **out,
		   int *added, cc_error_t *err)
{
	cc_der_fields_t f;
	const char *why = NULL;
	cc_cert_t *c, *old;

	if (added)
		*added = 0;
	if (len > CC_MAX_CERT_SIZE)
		return cc_err(err, CC_ELIMIT, source,
			      "certificate of %zu bytes exceeds the %u-byte limit",
			      len, CC_MAX_CERT_SIZE);
	if (cc_der_fields(der, len, &f, &why))
		return cc_err(err, CC_EPARSE, source, "%s", why);
	if (f.total != len)
		return cc_err(err, CC_EPARSE, source,
			      "%zu trailing bytes after the certificate", len - f.total);
	if (p->n >= CC_MAX_POOL_CERTS)
		return cc_err(err, CC_ELIMIT, source,
			      "more than %u certificates", CC_MAX_POOL_CERTS);
	if (!fp && !p->sha256)
		p->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL); /* NULL: SHA256() */
	c = fp ? cc_cert_new_fp(der, len, &f, source, fp)
	       : cc_cert_new(der, len, &f, source, p->sha256);
	if (!c)
		return cc_err(err, CC_ENOMEM, source, "out of memory");
	if ((old = cc_pool_find_sha256(p, c->fp))) {
		cc_cert_free(c);
		if (out)
			*out = old;
		return 0;
	}
	return insert(p, c, source, out, added, err);
}

int cc_pool_add_der(cc_pool_t *p, const unsigned char *der, size_t len,
		    const char *source, cc_cert_t **out, int *added,
		    cc_error_t *err)
{
	return add_der(p, der, len, NULL, source, out, added, err);
}

int cc_pool_add_der_fp(cc_pool_t *p, const unsigned char *der, size_t len,
		       const unsigned char fp[32], const char *source,
		       cc_cert_t **out, cc_error_t *err)
{
	cc_cert_t *old = cc_pool_find_sha256(p, fp);

	if (old) {
		if (out)
			*out = old;
		return 0;
	}
	return add_der(p, der, len, fp, source, out, NULL, err);
}

int cc_pool_add_copy(cc_pool_t *p, const cc_cert_t *src, cc_cert_t **out,
		     cc_error_t *err)
{
	cc_cert_t *c = cc_pool_find_sha256(p, src->fp);

	if (c) {
		if (out)
			*out = c;
		return 0;
	}
	if (p->n >= CC_MAX_POOL_CERTS)
		return cc_err(err, CC_ELIMIT, src->source,
			      "more than %u certificates", CC_MAX_POOL_CERTS);
	if (!(c = cc_cert_copy(src)))
		return cc_err(err, CC_ENOMEM, src->source, "out of memory");
	return insert(p, c, src->source, out, NULL, err);
}

/* Appends the new certificate c (owned by p from here on) and indexes it. */
static int insert(cc_pool_t *p, cc_cert_t *c, const char *source,
		  cc_cert_t **out, int *added, cc_error_t *err)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		cc_cert_t **v = realloc(p->v, cap * sizeof(*v));
		if (!v) {
			cc_cert_free(c);
			return cc_err(err, CC_ENOMEM, source, "out of memory");
		}
		p->v = v;
		p->cap = cap;
	}
	c->index = p->n;
	p->v[p->n++] = c;
	if (p->n * 2 > p->nbuckets) {
		if (grow(p)) { /* grow() re-indexes everything, c included */
			p->n--;
			cc_cert_free(c);
			return cc_err(err, CC_ENOMEM, source, "out of memory");
		}
	} else {
		index_one(p, c);
		if (p->by_canon) { /* keep the lazy index current once built */
			free(p->by_canon);
			p->by_canon = NULL;
		}
	}
	if (out)
		*out = c;
	if (added)
		*added = 1;
	return 0;
}

/*
 * The canonical index hashes Names with cc_der_name_canon_hash(): a walk over
 * the DER, no d2i_X509_NAME per certificate (decoding every Name of a big
 * pool cost more than loading it). Names the walker does not understand get
 * CANON_UNKNOWN and are compared with X509_NAME_cmp on every lookup.
 */
#define CANON_UNKNOWN 0

static unsigned long name_key(cc_span_t name)
{
	int ok;
	uint64_t h = cc_der_name_canon_hash(name.p, name.n, &ok);

	if (!ok)
		return CANON_UNKNOWN;
	return h == CANON_UNKNOWN ? 1 : (unsigned long)h;
}

static unsigned long canon_hash(cc_cert_t *c)
{
	if (!c->canon_done) {
		c->canon_hash = name_key(c->f.subject);
		c->canon_done = 1;
	}
	return c->canon_hash;
}

static int build_canon(cc_pool_t *p)
{
	size_t m = p->nbuckets - 1;

	p->by_canon = calloc(p->nbuckets, sizeof(*p->by_canon));
	if (!p->by_canon)
		return CC_ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		cc_cert_t *c = p->v[i];
		size_t b = canon_hash(c) & m;
		c->next_canon = p->by_canon[b];
		p->by_canon[b] = c;
	}
	return 0;
}

static int canon_hit(cc_cert_t *c, cc_cert_t *child, cc_certlist_t *out,
		     int *found)
{
	if (!cc_cert_issuer_name_match(c, child))
		return 0;
	if (cc_certlist_push(out, c))
		return CC_ENOMEM;
	(*found)++;
	return 0;
}

int cc_pool_issuers_of(cc_pool_t *p, cc_cert_t *child, cc_certlist_t *out)
{
	uint64_t h = cc_hash64(child->f.issuer.p, child->f.issuer.n);
	int found = 0;
	unsigned long ch;
	size_t m;

	if (!p || !p->n)
		return 0;
	for (cc_cert_t *c = p->by_subj[h & (p->nbuckets - 1)]; c; c = c->next_subj)
		if (c->subj_hash == h && c->f.subject.n == child->f.issuer.n &&
		    !memcmp(c->f.subject.p, child->f.issuer.p, c->f.subject.n)) {
			if (cc_certlist_push(out, c))
				return CC_ENOMEM;
			found++;
		}
	if (found)
		return found;
	/* No byte-identical subject: fall back to RFC 5280 name comparison. */
	if (!p->by_canon && build_canon(p))
		return CC_ENOMEM;
	m = p->nbuckets - 1;
	ch = name_key(child->f.issuer);
	for (size_t i = 0; ch == CANON_UNKNOWN && i < p->n; i++)
		if (canon_hit(p->v[i], child, out, &found))
			return CC_ENOMEM;
	for (cc_cert_t *c = p->by_canon[ch & m]; ch != CANON_UNKNOWN && c;
	     c = c->next_canon)
		if ((c->canon_hash == ch || c->canon_hash == CANON_UNKNOWN) &&
		    canon_hit(c, child, out, &found))
			return CC_ENOMEM;
	for (cc_cert_t *c = p->by_canon[CANON_UNKNOWN & m];
	     ch != CANON_UNKNOWN && (ch & m) != (CANON_UNKNOWN & m) && c;
	     c = c->next_canon)
		if (c->canon_hash == CANON_UNKNOWN && canon_hit(c, child, out, &found))
			return CC_ENOMEM;
	return found;
}

/* Parses a thumbprint prefix ("AB:CD:..." or "abcd...") into lower-case hex. */
static int hex_prefix(const char *s, char *out, size_t n)
{
	size_t j = 0;
	for (; *s; s++) {
		if (*s == ':' || *s == ' ')
			continue;
		if (!isxdigit((unsigned char)*s) || j + 1 >= n)
			return -1;
		out[j++] = (char)tolower((unsigned char)*s);
	}
	out[j] = 0;
	return j >= 8 ? 0 : -1;
}

/* Longest DN we compare, and most attributes in one: far beyond real names. */
#define DN_MAX 1024
#define DN_MAX_RDNS 32

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Splits a DN ("CN=X, O=Y" or "O=Y,CN=X") into its attributes at unescaped
 * commas, spaces around them and around '=' dropped, the type upper-cased,
 * then sorted, so that the same attributes in either order compare equal.
 * Returns the count, or -1 when it does not look like a DN.
 */
static int dn_parts(const char *dn, char *buf, char **v)
{
	int n = 0;
	char *w = buf, *start = buf;

	if (strlen(dn) >= DN_MAX || !strchr(dn, '='))
		return -1;
	for (const char *s = dn;; s++) {
		if (*s == '\\' && s[1]) {
			*w++ = *s++;
			*w++ = *s;
			continue;
		}
		if (*s && *s != ',' && *s != '+') {
			*w++ = *s;
			continue;
		}
		*w = 0;
		while (*start == ' ')
			start++;
		for (char *e = w; e > start && e[-1] == ' ';)
			*--e = 0;
		char *eq = strchr(start, '=');
		if (!eq || eq == start || n == DN_MAX_RDNS)
			return -1;
		for (char *t = start; t < eq; t++)
			*t = (char)toupper((unsigned char)*t);
		/* "CN = X": drop the spaces around '=' */
		char *tail = eq + 1;
		while (*tail == ' ')
			tail++;
		char *te = eq;
		while (te > start && te[-1] == ' ')
			te--;
		*te = '=';
		memmove(te + 1, tail, strlen(tail) + 1);
		v[n++] = start;
		w = start + strlen(start) + 1;
		start = w;
		if (!*s)
			break;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_str);
	return n;
}

/* 1 if the DNs a and b hold the same attributes, in any order. */
static int dn_equal(const char *a, const char *b)
{
	char ba[DN_MAX * 2], bb[DN_MAX * 2], *va[DN_MAX_RDNS], *vb[DN_MAX_RDNS];
	int na = dn_parts(a, ba, va), nb = dn_parts(b, bb, vb);

	if (na <= 0 || na != nb)
		return 0;
	for (int i = 0; i < na; i++)
		if (strcasecmp(va[i], vb[i]))
			return 0;
	return 1;
}

int cc_pool_select(cc_pool_t *p, const char *sel, cc_certlist_t *out)
{
	char hex[65], fph[65], buf[1024];
	int found = 0, by_hex = !hex_prefix(sel, hex, sizeof(hex));
	const char *cn = !strncasecmp(sel, "CN=", 3) && !strchr(sel + 3, ',') ? sel + 3 : sel;

	for (size_t i = 0; p && i < p->n; i++) {
		cc_cert_t *c = p->v[i];
		int hit = 0;
		if (by_hex) {
			cc_cert_sha256_hex(c, fph);
			hit = !strncmp(fph, hex, strlen(hex));
		}
		if (!hit)
			hit = !strcmp(cc_cert_name(c, 0, buf, sizeof(buf)), cn);
		if (!hit)
			hit = !strcasecmp(cc_cert_dn(c, 0, buf, sizeof(buf)), sel) ||
			      dn_equal(buf, sel);
		if (hit) {
			if (cc_certlist_push(out, c))
				return CC_ENOMEM;
			found++;
		}
	}
	return found;
}
