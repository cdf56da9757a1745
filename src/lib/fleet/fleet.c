/*
 * fleet.c - the records of a fleet scan: one JSONL line per target, parsed
 * with jansson into plain data for the summary and the HTML page; which
 * shard a target belongs to; which of its certificates are cross-signs.
 * Reading saved records is fleet_read.c's.
 */
#include "internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

/* A code of known short length (an id, a verdict) into out. */
static void code(json_t *o, const char *key, char *out, size_t n)
{
	const char *v = json_string_value(json_object_get(o, key));

	snprintf(out, n, "%s", v ? v : "");
}

/* Text shown to people, whole: a copy of o's key ("" when absent). */
static int text(json_t *o, const char *key, char **out)
{
	const char *v = json_string_value(json_object_get(o, key));

	*out = strdup(v ? v : "");
	return *out ? 0 : CC_ENOMEM;
}

static int certs(json_t *a, cc_fleet_cert_t *v, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < json_array_size(a) && *n < CC_FLEET_MAX_CHAIN; i++) {
		json_t *c = json_array_get(a, i);
		cc_fleet_cert_t *x = &v[(*n)++];
		memset(x, 0, sizeof(*x));
		if (text(c, "subject_cn", &x->cn) || text(c, "issuer_cn", &x->issuer_cn))
			return CC_ENOMEM;
		code(c, "sha256", x->sha256, sizeof(x->sha256));
		x->self_signed = json_is_true(json_object_get(c, "self_signed"));
		x->ca = json_is_true(json_object_get(c, "ca"));
	}
	return 0;
}

static int findings(json_t *a, cc_fleet_rec_t *r)
{
	r->nfind = 0;
	for (size_t i = 0; i < json_array_size(a) && r->nfind < CC_FLEET_MAX_FINDINGS; i++) {
		json_t *f = json_array_get(a, i);
		cc_fleet_finding_t *x = &r->find[r->nfind++];
		code(f, "id", x->id, sizeof(x->id));
		code(f, "severity", x->severity, sizeof(x->severity));
		if (text(f, "message", &x->msg))
			return CC_ENOMEM;
	}
	return 0;
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

static int fill(json_t *o, cc_fleet_rec_t *r)
{
	const char *res = json_string_value(json_object_get(o, "result"));
	json_t *fix = json_object_get(o, "fix"), *tr = json_object_get(o, "trust");

	r->line = (long)json_integer_value(json_object_get(o, "line"));
	r->exit = (int)json_integer_value(json_object_get(o, "exit"));
	code(o, "failure", r->failure, sizeof(r->failure));
	if (text(o, "target", &r->target) || text(o, "reason", &r->reason) ||
	    findings(json_object_get(o, "findings"), r) ||
	    certs(json_object_get(o, "served"), r->served, &r->nserved))
		return CC_ENOMEM;
	if (json_is_object(fix)) {
		r->has_fix = 1;
		r->fix_changed = json_is_true(json_object_get(fix, "changed"));
		if (certs(json_object_get(fix, "chain"), r->fix, &r->nfix))
			return CC_ENOMEM;
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
	return 0;
}

static void certs_clear(cc_fleet_cert_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].cn);
		free(v[i].issuer_cn);
	}
}

void cc_fleet_rec_clear(cc_fleet_rec_t *r)
{
	if (!r)
		return;
	free(r->target);
	free(r->reason);
	for (size_t i = 0; i < r->nfind; i++)
		free(r->find[i].msg);
	certs_clear(r->served, r->nserved);
	certs_clear(r->fix, r->nfix);
	memset(r, 0, sizeof(*r));
}

int cc_fleet_rec_from_json(json_t *o, cc_fleet_rec_t *r, cc_error_t *err)
{
	cc_fleet_rec_clear(r);
	if (!json_is_object(o) || !json_is_string(json_object_get(o, "target")) ||
	    !json_is_string(json_object_get(o, "result")))
		return cc_err(err, CC_EINVAL, NULL, "not a check record");
	if (fill(o, r)) {
		cc_fleet_rec_clear(r);
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

int cc_fleet_rec_parse(const char *json, size_t len, cc_fleet_rec_t *r,
		       cc_error_t *err)
{
	json_error_t je;
	json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	int e;

	if (!o) {
		cc_fleet_rec_clear(r);
		return cc_err(err, CC_EINVAL, NULL, "not a check record: %s", je.text);
	}
	e = cc_fleet_rec_from_json(o, r, err);
	json_decref(o);
	return e;
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

/* The target's certificates (pool) as a list, for cc_cert_is_cross_sign. */
static int pool_list(cc_pool_t *pool, cc_certlist_t *l)
{
	for (size_t i = 0; i < cc_pool_count(pool); i++)
		if (cc_certlist_push(l, cc_pool_get(pool, i)))
			return CC_ENOMEM;
	return 0;
}

static void mark(cc_fleet_cert_t *v, size_t n, const char *fp)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].ca && !strcmp(v[i].sha256, fp))
			v[i].cross_sign = 1;
}

int cc_fleet_rec_mark_cross_signs(cc_fleet_rec_t *r, cc_profiles_t *profs,
				  cc_pool_t *pool)
{
	cc_certlist_t l = { 0 };
	char fp[65];

	if (pool_list(pool, &l)) {
		cc_certlist_clear(&l);
		return CC_ENOMEM;
	}
	for (size_t i = 0; i < l.n; i++) {
		if (!cc_cert_is_cross_sign(profs, &l, l.v[i]))
			continue;
		cc_cert_sha256_hex(l.v[i], fp);
		mark(r->served, r->nserved, fp);
		mark(r->fix, r->nfix, fp);
	}
	cc_certlist_clear(&l);
	return 0;
}
