/*
 * fleet.c - the records of a fleet scan: one JSONL line per target, parsed
 * with jansson into plain data for the summary and the HTML page; which
 * shard a target belongs to; which targets an earlier run answered.
 */
#include "internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

static void str(json_t *o, const char *key, char *out, size_t n)
{
	const char *v = json_string_value(json_object_get(o, key));

	snprintf(out, n, "%s", v ? v : "");
}

static void certs(json_t *a, cc_fleet_cert_t *v, size_t *n, size_t skip_last)
{
	size_t len = json_array_size(a);

	*n = 0;
	len = len > skip_last ? len - skip_last : 0;
	for (size_t i = 0; i < len && *n < CC_FLEET_MAX_CHAIN; i++) {
		json_t *c = json_array_get(a, i);
		cc_fleet_cert_t *x = &v[(*n)++];
		memset(x, 0, sizeof(*x));
		str(c, "subject_cn", x->cn, sizeof(x->cn));
		str(c, "issuer_cn", x->issuer_cn, sizeof(x->issuer_cn));
		str(c, "sha256", x->sha256, sizeof(x->sha256));
		x->self_signed = json_is_true(json_object_get(c, "self_signed"));
		x->ca = json_is_true(json_object_get(c, "ca"));
	}
}

static void findings(json_t *a, cc_fleet_rec_t *r)
{
	r->nfind = 0;
	for (size_t i = 0; i < json_array_size(a) && r->nfind < CC_FLEET_MAX_FINDINGS; i++) {
		json_t *f = json_array_get(a, i);
		cc_fleet_finding_t *x = &r->find[r->nfind++];
		str(f, "id", x->id, sizeof(x->id));
		str(f, "severity", x->severity, sizeof(x->severity));
		str(f, "message", x->msg, sizeof(x->msg));
	}
}

/* Marks the certificates the record lists under "cross_signs". */
static void cross(json_t *a, cc_fleet_cert_t *v, size_t n)
{
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *fp = json_string_value(json_array_get(a, i));
		for (size_t k = 0; fp && k < n; k++)
			if (!strcmp(v[k].sha256, fp))
				v[k].cross_sign = 1;
	}
}

static void fill(json_t *o, cc_fleet_rec_t *r)
{
	const char *res = json_string_value(json_object_get(o, "result"));
	json_t *fix = json_object_get(o, "fix"), *tr = json_object_get(o, "trust");

	r->line = (long)json_integer_value(json_object_get(o, "line"));
	str(o, "target", r->target, sizeof(r->target));
	r->exit = (int)json_integer_value(json_object_get(o, "exit"));
	str(o, "failure", r->failure, sizeof(r->failure));
	str(o, "reason", r->reason, sizeof(r->reason));
	findings(json_object_get(o, "findings"), r);
	certs(json_object_get(o, "served"), r->served, &r->nserved, 0);
	if (json_is_object(fix)) {
		r->has_fix = 1;
		r->fix_changed = json_is_true(json_object_get(fix, "changed"));
		certs(json_object_get(fix, "chain"), r->fix, &r->nfix, 0);
	}
	r->trusted_by = (size_t)json_integer_value(json_object_get(tr, "trusted_by"));
	r->profiles = (size_t)json_integer_value(json_object_get(tr, "profiles"));
	cross(json_object_get(o, "cross_signs"), r->served, r->nserved);
	cross(json_object_get(o, "cross_signs"), r->fix, r->nfix);
	snprintf(r->verdict, sizeof(r->verdict), "%s",
		 !res ? "bad-target"
		 : !strcmp(res, "ok") ? (json_array_size(json_object_get(o, "findings"))
					 ? "warnings" : "ok")
		 : res);
}

int cc_fleet_rec_parse(const char *json, size_t len, cc_fleet_rec_t *r,
		       cc_error_t *err)
{
	json_error_t je;
	json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);

	memset(r, 0, sizeof(*r));
	if (!json_is_object(o) || !json_is_string(json_object_get(o, "target")) ||
	    !json_is_string(json_object_get(o, "result"))) {
		json_decref(o);
		return cc_err(err, CC_EINVAL, NULL, "not a check record%s%s",
			      o ? "" : ": ", o ? "" : je.text);
	}
	fill(o, r);
	json_decref(o);
	return 0;
}

unsigned cc_fleet_shard(const char *target, unsigned n)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	unsigned long long h = 0;

	if (n < 2)
		return 0;
	SHA256((const unsigned char *)target, strlen(target), md);
	for (int i = 0; i < 8; i++)
		h = h << 8 | md[i];
	return (unsigned)(h % n);
}

int cc_fleet_is_cross_sign(cc_profiles_t *profs, cc_pool_t *pool, cc_cert_t *c)
{
	if (cc_cert_self_issued(c))
		return 0;
	if (profs && cc_cert_is_cross_sign(profs, NULL, c))
		return 1;
	for (size_t i = 0; pool && i < cc_pool_count(pool); i++) {
		cc_cert_t *s = cc_pool_get(pool, i);
		if (s != c && cc_cert_self_issued(s) && cc_cert_same_subject(s, c) &&
		    cc_cert_same_key(s, c))
			return 1;
	}
	return 0;
}

/* --- resume: a sorted array of 64-bit keys, one per answered target. */

struct cc_fleet_done {
	unsigned long long *v;
	size_t n, cap;
};

static unsigned long long key(long line, const char *target)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	unsigned long long h = 0;
	char buf[700];
	int n = snprintf(buf, sizeof(buf), "%ld %s", line, target);

	SHA256((const unsigned char *)buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1, md);
	for (int i = 0; i < 8; i++)
		h = h << 8 | md[i];
	return h;
}

static int cmp(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static int push(cc_fleet_done_t *d, unsigned long long k)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1024;
		unsigned long long *v = realloc(d->v, cap * sizeof(*v));
		if (!v)
			return CC_ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = k;
	return 0;
}

int cc_fleet_done_load(const char *path, cc_fleet_done_t **out, size_t *skipped,
		       cc_error_t *err)
{
	cc_fleet_done_t *d = calloc(1, sizeof(*d));
	cc_fleet_rec_t *r = malloc(sizeof(*r));
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int e = 0;

	*out = NULL;
	*skipped = 0;
	if (!f)
		e = cc_err(err, CC_EIO, path, "%s", strerror(errno));
	else if (!d || !r)
		e = cc_err(err, CC_ENOMEM, path, "out of memory");
	while (!e && (len = getline(&line, &cap, f)) >= 0) {
		if (cc_fleet_rec_parse(line, (size_t)len, r, NULL) || !r->line) {
			++*skipped;
			continue;
		}
		if (push(d, key(r->line, r->target)))
			e = cc_err(err, CC_ENOMEM, path, "out of memory");
	}
	if (!e && ferror(f))
		e = cc_err(err, CC_EIO, path, "cannot read: %s", strerror(errno));
	if (f)
		fclose(f);
	free(line);
	free(r);
	if (e) {
		cc_fleet_done_free(d);
		return e;
	}
	if (d->n)
		qsort(d->v, d->n, sizeof(*d->v), cmp);
	*out = d;
	return 0;
}

int cc_fleet_done_has(const cc_fleet_done_t *d, long line, const char *target)
{
	unsigned long long k = key(line, target);

	return d && d->n && bsearch(&k, d->v, d->n, sizeof(k), cmp) != NULL;
}

size_t cc_fleet_done_count(const cc_fleet_done_t *d)
{
	return d ? d->n : 0;
}

void cc_fleet_done_free(cc_fleet_done_t *d)
{
	if (!d)
		return;
	free(d->v);
	free(d);
}
