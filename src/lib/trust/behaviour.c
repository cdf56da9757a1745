/*
 * behaviour.c - judge a served chain as each client behaviour would. Each
 * behaviour is one small strategy over a shared context:
 *   pathbuild                  any path through served (and extra)
 *                              certificates to one of the profile's anchors;
 *   no-expiry-check-on-anchor  the same, the anchor's dates forgiven;
 *   served-order               OpenSSL 1.0.x: follow the served order, the
 *                              store consulted only when the served
 *                              certificates run out, no backtracking.
 * Path-building clients share one search: every path from the leaf through
 * the certificates a client knows to any anchor of any profile, found once;
 * a profile then keeps the paths that end at one of its own anchors.
 */
#include "internal.h"

#include <stdarg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509_vfy.h>

typedef struct jctx {
	cc_profiles_t *ps;
	const cc_certlist_t *served;
	cc_build_opts_t bo;
	cc_pool_t *known; /* copies of the served and extra certificates */
	cc_paths_t *all[3]; /* paths to any anchor of the set, validated under
			       each policy (enum cc_policy), lazy */
	cc_error_t *err;
	int oom; /* a verdict's reason could not be allocated */
} jctx_t;

/* v->reason, formatted whole; out of memory is noted in j. */
static void reason(jctx_t *j, cc_verdict_t *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void reason(jctx_t *j, cc_verdict_t *v, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = cc_str_vnew(fmt, ap);
	va_end(ap);
	if (!s) {
		j->oom = 1;
		return;
	}
	free(v->reason);
	v->reason = s;
}

/* 1 if a issued b: names, key identifiers and the signature agree. */
static int issued(cc_cert_t *a, cc_cert_t *b)
{
	const char *why;
	return cc_cert_issuer_name_match(a, b) && cc_edge_ok(b, a, &why);
}

int cc_cert_is_cross_sign(cc_profiles_t *ps, const cc_certlist_t *l, cc_cert_t *c)
{
	cc_pool_t *pool = cc_profiles_pool(ps);

	if (cc_cert_self_issued(c))
		return 0;
	for (size_t i = 0; i < cc_pool_count(pool); i++) {
		cc_cert_t *s = cc_pool_get(pool, i);
		if (cc_cert_self_issued(s) && cc_cert_same_subject(s, c) &&
		    cc_cert_same_key(s, c))
			return 1;
	}
	for (size_t i = 0; l && i < l->n; i++)
		if (cc_cert_self_issued(l->v[i]) && cc_cert_same_subject(l->v[i], c) &&
		    cc_cert_same_key(l->v[i], c))
			return 1;
	return 0;
}

static const char *role(jctx_t *j, const cc_path_t *p, int d)
{
	cc_cert_t *c = p->certs.v[d];

	if (d == 0)
		return "leaf";
	if ((size_t)d + 1 == p->certs.n)
		return cc_cert_self_issued(c) ? "root" : "anchor";
	return cc_cert_is_cross_sign(j->ps, j->served, c) ? "cross-sign"
							  : "intermediate";
}

/* The OpenSSL verdict on a path, in plain words. */
static void plain(jctx_t *j, const cc_path_t *p, cc_verdict_t *v)
{
	int d = p->error_depth;
	cc_names_t nm = { 0 };
	const char *cn;
	char t[32];

	v->depth = d;
	v->rule = p->rule;
	if (d < 0 || (size_t)d >= p->certs.n) {
		reason(j, v, "%s", p->reason ? p->reason : "");
		return;
	}
	cn = cc_names_get(&nm, p->certs.v[d], 0);
	switch (p->verify_error) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		reason(j, v, "expired %s at depth %d (%s, expired %.10s)", role(j, p, d), d, cn,
		       cc_time_str(cc_cert_not_after(p->certs.v[d]), t));
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		reason(j, v, "%s at depth %d not yet valid (%s, from %.10s)", role(j, p, d), d,
		       cn, cc_time_str(cc_cert_not_before(p->certs.v[d]), t));
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
		reason(j, v, "leaf not valid for %s", j->bo.host ? j->bo.host : "the host");
		break;
	default:
		reason(j, v, "%s %s", role(j, p, d), p->reason ? p->reason : "");
	}
	cc_names_free(&nm);
}

/* 1 if some profile of the set holds a certificate named as top's issuer
 * (then top's issuer is a root this client lacks, not a missing
 * intermediate; so is the issuer of a cross-sign). */
static int issuer_known(jctx_t *j, cc_cert_t *top)
{
	cc_certlist_t l = { 0 };
	int n = cc_pool_issuers_of(cc_profiles_pool(j->ps), top, &l);

	cc_certlist_clear(&l);
	return n > 0;
}

/* "anchor not in store" with the name of what the client would need, or
 * "missing intermediate" when no client holds the issuer at all. */
static void no_anchor(jctx_t *j, cc_cert_t *top, cc_verdict_t *v)
{
	cc_names_t nm = { 0 };

	if (cc_cert_self_issued(top))
		reason(j, v, "anchor not in store (%s is served but not trusted)",
		       cc_names_get(&nm, top, 0));
	else if (issuer_known(j, top) || cc_cert_is_cross_sign(j->ps, j->served, top))
		reason(j, v, "anchor not in store (it has no %s)", cc_names_get(&nm, top, 1));
	else
		/* No profile holds that issuer: it is an intermediate nobody sent. */
		reason(j, v, "missing intermediate: %s, the issuer of %s, is not sent",
		       cc_names_get(&nm, top, 1), cc_names_get(&nm, top, 0));
	cc_names_free(&nm);
}

/* The last served certificate reachable from the leaf by issuance. */
static cc_cert_t *served_top(const cc_certlist_t *s)
{
	cc_cert_t *cur = s->v[0];

	for (size_t step = 0; step < s->n; step++) {
		size_t k;
		for (k = 1; k < s->n; k++)
			if (s->v[k] != cur && !cc_cert_self_issued(cur) &&
			    issued(s->v[k], cur))
				break;
		if (k == s->n)
			break;
		cur = s->v[k];
	}
	return cur;
}

/* Maps a certificate of the search back to the caller's: a served one, or
 * the set's own anchor. */
static cc_cert_t *caller_cert(jctx_t *j, cc_cert_t *c)
{
	for (size_t i = 0; i < j->served->n; i++)
		if (!memcmp(j->served->v[i]->fp, c->fp, 32))
			return j->served->v[i];
	return c;
}

static int set_path(jctx_t *j, cc_verdict_t *v, const cc_path_t *p, int trusted)
{
	cc_certlist_clear(&v->path);
	for (size_t i = 0; i < p->certs.n; i++)
		if (cc_certlist_push(&v->path, caller_cert(j, p->certs.v[i])))
			return cc_err(j->err, CC_ENOMEM, NULL, "out of memory");
	v->trusted = trusted;
	if (trusted) { /* a distrusted path tried before leaves no trace */
		reason(j, v, "%s", "");
		v->depth = -1;
		v->rule = NULL;
		v->anchor = cc_pool_find_sha256(cc_profiles_pool(j->ps),
						p->certs.v[p->certs.n - 1]->fp);
	}
	return 0;
}

static int search_all(jctx_t *j, int policy)
{
	cc_build_opts_t bo = j->bo;
	cc_cert_t *leaf;
	int r;

	if (j->all[policy])
		return 0;
	bo.policy = policy;
	leaf = cc_pool_find_sha256(j->known, j->served->v[0]->fp);
	if ((r = cc_build(&bo, leaf, j->known, cc_profiles_pool(j->ps),
			  &j->all[policy], j->err)))
		return r;
	cc_paths_rank(j->all[policy], j->bo.at, NULL, NULL);
	return 0;
}

/* A path profile i could build: its anchor, and every other certificate
 * known to the client. */
static int usable(jctx_t *j, size_t i, const cc_path_t *p)
{
	if (!cc_profile_has_anchor(j->ps, i, p->certs.v[p->certs.n - 1]))
		return 0;
	for (size_t k = 0; k + 1 < p->certs.n; k++)
		if (!cc_pool_find_sha256(j->known, p->certs.v[k]->fp))
			return 0;
	return 1;
}

/* A path profile i would accept but for a distrust date of its anchor:
 * 1 with the reason in v (depth: the anchor), else 0. */
static int distrusted(jctx_t *j, size_t i, const cc_path_t *p, cc_verdict_t *v)
{
	/* profile name, label and anchor name, each bounded well below this */
	char why[2048];

	if (!cc_profile_distrusts(j->ps, i, p->certs.v[0], p->certs.v[p->certs.n - 1],
				  why, sizeof(why)))
		return 0;
	reason(j, v, "%s", why);
	v->depth = (int)p->certs.n - 1;
	v->rule = NULL;
	return 1;
}

/* 1 if valid path p is distrusted by profile i; the first such path is
 * kept in *first, its reason in v. Like mozilla::pkix and Chrome's path
 * builder, a distrusted anchor sends the search on to the next path. */
static int skip_distrusted(jctx_t *j, size_t i, const cc_path_t *p, cc_verdict_t *v,
			   const cc_path_t **first)
{
	if (*first)
		return cc_profile_distrusts(j->ps, i, p->certs.v[0],
					    p->certs.v[p->certs.n - 1], NULL, 0);
	if (!distrusted(j, i, p, v))
		return 0;
	*first = p;
	return 1;
}

static int judge_pathbuild(jctx_t *j, size_t i, cc_verdict_t *v, int lax_anchor)
{
	const cc_path_t *first = NULL, *dist = NULL;
	int pol = cc_profile_policy(j->ps, i), r;
	cc_build_opts_t bo = j->bo;
	cc_paths_t *all;

	if ((unsigned)pol > CC_POLICY_LEGACY)
		pol = CC_POLICY_WEBPKI;
	if ((r = search_all(j, pol)))
		return r;
	if (!(all = j->all[pol]))
		return cc_err(j->err, CC_ENOMEM, NULL, "out of memory");
	bo.policy = pol;
	for (size_t k = 0; k < all->n; k++) {
		cc_path_t *p = &all->v[k];
		if (!usable(j, i, p))
			continue;
		if (p->valid && !skip_distrusted(j, i, p, v, &dist))
			return set_path(j, v, p, 1);
		if (!first && !p->valid)
			first = p;
	}
	for (size_t k = 0; lax_anchor && k < all->n; k++) {
		cc_path_t *p = &all->v[k], q = { 0 };
		char t1[32], t2[32];
		cc_names_t nm = { 0 };
		cc_cert_t *a = p->certs.v[p->certs.n - 1];
		if (!usable(j, i, p) || p->error_depth != (int)p->certs.n - 1)
			continue;
		q.certs = p->certs; /* borrowed: only q's reason is q's own */
		r = cc_path_validate_flags(&q, &bo, CC_VALIDATE_IGNORE_ANCHOR_TIME, j->err);
		free(q.reason);
		if (r)
			return r;
		if (!q.valid || skip_distrusted(j, i, p, v, &dist))
			continue;
		if ((r = set_path(j, v, p, 1)))
			return r;
		reason(j, v, "anchor %s is outside its validity period (%.10s to %.10s); this "
		       "client ignores an anchor's dates", cc_names_get(&nm, a, 0),
		       cc_time_str(cc_cert_not_before(a), t1),
		       cc_time_str(cc_cert_not_after(a), t2));
		cc_names_free(&nm);
		return 0;
	}
	if (dist)
		return set_path(j, v, dist, 0);
	if (first) {
		plain(j, first, v);
		return set_path(j, v, first, 0);
	}
	no_anchor(j, served_top(j->served), v);
	return 0;
}

/* Among the set's anchors of profile i, an issuer of c: one valid at 'at'
 * first, as OpenSSL 1.0.2's store lookup preferred. */
static cc_cert_t *store_issuer(jctx_t *j, size_t i, cc_cert_t *c, int *oom)
{
	cc_certlist_t l = { 0 };
	cc_cert_t *pick = NULL;

	if (cc_pool_issuers_of(cc_profiles_pool(j->ps), c, &l) < 0)
		*oom = 1;
	for (size_t k = 0; k < l.n; k++) {
		cc_cert_t *a = l.v[k];
		const char *why;
		if (!cc_profile_has_anchor(j->ps, i, a) || !cc_edge_ok(c, a, &why))
			continue;
		if (!pick || (j->bo.at >= cc_cert_not_before(a) &&
			      j->bo.at <= cc_cert_not_after(a))) {
			int good = j->bo.at >= cc_cert_not_before(a) &&
				   j->bo.at <= cc_cert_not_after(a);
			pick = a;
			if (good)
				break;
		}
	}
	cc_certlist_clear(&l);
	return pick;
}

static int judge_served_order(jctx_t *j, size_t i, cc_verdict_t *v)
{
	const cc_certlist_t *s = j->served;
	cc_path_t p = { 0 };
	cc_cert_t *cur = s->v[0], *a = NULL;
	char used[64] = { 0 }; /* served chains are far shorter; longer ones stop */
	int r = 0, oom = 0;
	cc_build_opts_t bo = j->bo;

	bo.policy = cc_profile_policy(j->ps, i);
	p.error_depth = -1;
	if (cc_certlist_push(&p.certs, cur))
		return cc_err(j->err, CC_ENOMEM, NULL, "out of memory");
	used[0] = 1;
	for (;;) {
		size_t k;
		if (cc_profile_has_anchor(j->ps, i, cur)) {
			a = cur;
			break;
		}
		for (k = 1; k < s->n && k < sizeof(used); k++)
			if (!used[k] && s->v[k] != cur && issued(s->v[k], cur))
				break;
		if (k < s->n && k < sizeof(used) && !cc_cert_self_issued(cur)) {
			used[k] = 1;
			cur = s->v[k];
		} else if ((a = store_issuer(j, i, cur, &oom))) {
			cur = a;
		} else {
			break;
		}
		if (cc_certlist_push(&p.certs, cur)) {
			oom = 1;
			break;
		}
		if (a)
			break;
	}
	if (oom) {
		r = cc_err(j->err, CC_ENOMEM, NULL, "out of memory");
	} else if (!a) {
		no_anchor(j, cur, v);
		r = set_path(j, v, &p, 0);
	} else if (!(r = cc_path_validate(&p, &bo, j->err))) {
		int ok = p.valid && !distrusted(j, i, &p, v);
		if (!p.valid)
			plain(j, &p, v);
		r = set_path(j, v, &p, ok);
	}
	cc_path_clear(&p);
	return r;
}

static int judge_one(jctx_t *j, size_t i, cc_verdict_t *v)
{
	switch (cc_profile_behaviour(j->ps, i)) {
	case CC_BEHAVIOUR_SERVED_ORDER:
		return judge_served_order(j, i, v);
	case CC_BEHAVIOUR_NO_EXPIRY_CHECK_ON_ANCHOR:
		return judge_pathbuild(j, i, v, 1);
	default:
		return judge_pathbuild(j, i, v, 0);
	}
}

static int copy_into(cc_pool_t *dst, cc_cert_t *c, cc_error_t *err)
{
	return cc_pool_add_der(dst, c->der, c->len, c->source, NULL, NULL, err);
}

void cc_verdicts_clear(cc_verdicts_t *vs)
{
	for (size_t i = 0; vs->v && i < vs->n; i++) {
		cc_certlist_clear(&vs->v[i].path);
		free(vs->v[i].reason);
	}
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}

int cc_profiles_judge(cc_profiles_t *ps, const cc_certlist_t *served,
		      cc_pool_t *extra, const cc_judge_opts_t *opts,
		      cc_verdicts_t *out, cc_error_t *err)
{
	jctx_t j = { .ps = ps, .served = served, .err = err };
	size_t n = cc_profiles_count(ps);
	double tw = 0, w = 0;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!served->n)
		return cc_err(err, CC_EINVAL, NULL, "empty chain");
	j.bo.at = opts && opts->at ? opts->at : time(NULL);
	j.bo.host = opts ? opts->host : NULL;
	if (!(j.known = cc_pool_new()) || !(out->v = calloc(n ? n : 1, sizeof(*out->v)))) {
		cc_pool_free(j.known);
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	out->n = n;
	for (size_t i = 0; !r && i < served->n; i++)
		r = copy_into(j.known, served->v[i], err);
	for (size_t i = 0; !r && extra && i < cc_pool_count(extra); i++)
		r = copy_into(j.known, cc_pool_get(extra, i), err);
	for (size_t i = 0; !r && i < n; i++) {
		out->v[i].profile = i;
		out->v[i].depth = -1;
		r = judge_one(&j, i, &out->v[i]);
		if (!r && !out->v[i].reason)
			reason(&j, &out->v[i], "%s", "");
		if (!r && j.oom)
			r = cc_err(err, CC_ENOMEM, NULL, "out of memory");
		tw += cc_profile_weight(ps, i);
		if (!r && out->v[i].trusted) {
			out->ntrusted++;
			w += cc_profile_weight(ps, i);
		}
	}
	out->score = tw > 0 ? w / tw : n ? (double)out->ntrusted / (double)n : 0;
	for (size_t k = 0; k < 3; k++)
		cc_paths_free(j.all[k]);
	cc_pool_free(j.known);
	if (r)
		cc_verdicts_clear(out);
	return r;
}
