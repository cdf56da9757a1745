/*
 * served.c - what a served chain misses compared with what could be served:
 * a cross-sign left out, a self-signed root sent where its cross-signed twin
 * would reach more clients; and the ranked chains to serve instead.
 */
#include "internal.h"

#include <string.h>

static int same_fp(const cc_cert_t *a, const cc_cert_t *b)
{
	return !memcmp(a->fp, b->fp, 32);
}

/* 1 if c (compared by fingerprint) is one of the first n certificates of l. */
static int among(const cc_certlist_t *l, size_t n, const cc_cert_t *c)
{
	for (size_t i = 0; i < n && i < l->n; i++)
		if (same_fp(l->v[i], c))
			return 1;
	return 0;
}

static cc_cert_t *anchor_of(const cc_path_t *p)
{
	return p->certs.v[p->certs.n - 1];
}

double cc_trust_reach(const cc_path_t *p, void *arg)
{
	const cc_paths_t *ps = arg;
	size_t nanch = 0, reach = 0, sent = p->certs.n - 1;

	for (size_t i = 0; i < ps->n; i++) {
		const cc_path_t *a = &ps->v[i];
		int first = 1, reached = 0;
		if (!a->valid)
			continue;
		for (size_t j = 0; j < i && first; j++)
			if (ps->v[j].valid && same_fp(anchor_of(&ps->v[j]), anchor_of(a)))
				first = 0;
		if (!first)
			continue;
		nanch++;
		/* A client holding only this anchor: does some valid path to it use only sent certs? */
		for (size_t j = 0; j < ps->n && !reached; j++) {
			const cc_path_t *q = &ps->v[j];
			size_t k;
			if (!q->valid || !same_fp(anchor_of(q), anchor_of(a)))
				continue;
			for (k = 0; k + 1 < q->certs.n; k++)
				if (!among(&p->certs, sent, q->certs.v[k]))
					break;
			reached = k + 1 == q->certs.n;
		}
		reach += (size_t)reached;
	}
	return nanch ? (double)reach / (double)nanch : 0;
}

static int self_signed(cc_cert_t *c)
{
	const char *why;
	return cc_cert_self_issued(c) && cc_edge_ok(c, c, &why);
}

/* A certificate of p with c's subject and key but another issuer: then c is a cross-sign. */
static cc_cert_t *twin_in(cc_pool_t *p, cc_cert_t *c)
{
	for (size_t i = 0; p && i < cc_pool_count(p); i++) {
		cc_cert_t *t = cc_pool_get(p, i);
		if (!same_fp(t, c) && cc_cert_same_subject(t, c) && cc_cert_same_key(t, c) &&
		    (t->f.issuer.n != c->f.issuer.n ||
		     memcmp(t->f.issuer.p, c->f.issuer.p, c->f.issuer.n)))
			return t;
	}
	return NULL;
}

/* A cross-signed version of root (not served) used by a valid path of ps, or NULL. */
static cc_cert_t *cross_of_root(const cc_paths_t *ps, cc_cert_t *root,
				const cc_certlist_t *served)
{
	for (size_t i = 0; i < ps->n; i++) {
		const cc_path_t *p = &ps->v[i];
		for (size_t k = 0; p->valid && k + 1 < p->certs.n; k++) {
			cc_cert_t *c = p->certs.v[k];
			if (!cc_cert_self_issued(c) && cc_cert_same_subject(c, root) &&
			    cc_cert_same_key(c, root) && !among(served, served->n, c))
				return c;
		}
	}
	return NULL;
}

/* The paths a client builds from the served certificates alone. */
static int build_served(const cc_build_opts_t *bo, const cc_certlist_t *served,
			cc_pool_t *anchors, cc_pool_t **sp, cc_paths_t **out,
			cc_error_t *err)
{
	cc_cert_t *leaf = NULL;
	int r;

	if (!(*sp = cc_pool_new()))
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < served->n; i++) {
		size_t len;
		const unsigned char *der = cc_cert_der(served->v[i], &len);
		cc_cert_t *c;
		if ((r = cc_pool_add_der(*sp, der, len, cc_cert_source(served->v[i]), &c,
					 NULL, err)))
			return r;
		cc_cert_adopt_x509(c, served->v[i]->x);
		if (!i)
			leaf = c;
	}
	if ((r = cc_build(bo, leaf, *sp, anchors, out, err)))
		return r;
	cc_paths_rank(*out, bo->at, NULL, NULL);
	return 0;
}

int cc_served_review(const cc_certlist_t *served, cc_pool_t *pool,
		     cc_pool_t *anchors, const cc_analyze_opts_t *opts,
		     cc_trust_fn trust, void *arg, cc_findings_t *out,
		     cc_paths_t **fix, cc_error_t *err)
{
	cc_build_opts_t bo = { 0 };
	cc_paths_t *full = NULL, *sv = NULL;
	cc_pool_t *sp = NULL;
	cc_cert_t *root, *cross = NULL;
	cc_names_t nm = { 0 };
	int r, sbest;

	if (fix)
		*fix = NULL;
	if (!served->n)
		return cc_err(err, CC_EINVAL, NULL, "empty chain");
	bo.at = opts && opts->at ? opts->at : time(NULL);
	bo.policy = opts ? opts->policy : CC_POLICY_WEBPKI;
	/* No host: a name mismatch is the leaf's problem, not one a chain can fix. */
	bo.host = NULL;
	if ((r = cc_build(&bo, served->v[0], pool, anchors, &full, err)))
		goto out;
	cc_paths_rank(full, bo.at, trust ? trust : cc_trust_reach, trust ? arg : full);
	if ((r = build_served(&bo, served, anchors, &sp, &sv, err)))
		goto out;
	sbest = sv ? cc_paths_best(sv) : -1;

	root = served->v[served->n - 1];
	if (served->n > 1 && self_signed(root) &&
	    (cross = cross_of_root(full, root, served)))
		cc_findings_add(out, "self-signed-root-preferred", CC_SEV_WARNING,
				(int)served->n - 1,
				"the chain ends at the self-signed %s; clients without it "
				"(legacy stores) need the version cross-signed by %s, "
				"which is not served", cc_names_get(&nm, root, 0),
				cc_names_get(&nm, cross, 1));

	if (sbest >= 0 && cc_paths_best(full) == 0 &&
	    !same_fp(anchor_of(&full->v[0]), anchor_of(&sv->v[sbest]))) {
		const cc_path_t *p = &full->v[0];
		for (size_t k = 1; k + 1 < p->certs.n; k++) {
			cc_cert_t *y = p->certs.v[k];
			if (among(served, served->n, y) || (cross && same_fp(cross, y)) ||
			    cc_cert_self_issued(y) ||
			    (!twin_in(pool, y) && !twin_in(anchors, y)))
				continue;
			cc_findings_add(out, "cross-sign-available", CC_SEV_WARNING, -1,
					"%s cross-signed by %s is not served: with it, "
					"clients that trust only %s accept the chain too "
					"(as served it reaches only %s)",
					cc_names_get(&nm, y, 0),
					cc_names_get(&nm, y, 1),
					cc_names_get(&nm, anchor_of(p), 0),
					cc_names_get(&nm, anchor_of(&sv->v[sbest]), 0));
			break;
		}
	}
	if (fix) {
		*fix = full;
		full = NULL;
	}
out:
	cc_names_free(&nm);
	cc_paths_free(full);
	cc_paths_free(sv);
	cc_pool_free(sp);
	return r;
}
