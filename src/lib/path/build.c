/*
 * build.c - depth-first search for every path from a leaf to a trust anchor.
 *
 * One context holds the inputs, the limits and the results; one recursive
 * function walks the issuer graph with backtracking. Hostile pools end
 * because of three limits (defaults in certchain.h):
 *   - depth 16: real chains are 2-5 deep; 16 admits odd PKIs.
 *   - 256 paths: a real leaf has a handful; past that more paths only cost.
 *   - 20,000 signature checks (about 0.1-0.5 s of RSA/ECDSA verification),
 *     with results cached per (child, issuer key) so a cross-sign sharing a
 *     key with its self-signed twin is verified once.
 * A certificate, and a subject+key pair, appears at most once in a path, so
 * mutual cross-signs (A signs B, B signs A) cannot loop. Candidates refused
 * without a signature check (loops, key identifier mismatches) cost no
 * budget, so candidates looked at are bounded too: CAND_PER_SIGCHECK per
 * signature check of the budget (10,000 re-issues of one root, each refusing
 * the other 9,999 as a loop, would otherwise take 10^8 steps).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

/* Candidates examined per unit of the signature budget: a real build looks
 * at a few per signature check; 8 leaves room for big same-name crowds. */
#define CAND_PER_SIGCHECK 8

typedef struct sigent {
	const cc_cert_t *child;
	const cc_cert_t *key; /* a cert holding the issuer key */
	int ok;
	int used;
} sigent_t;

typedef struct bctx {
	const cc_build_opts_t *o;
	cc_pool_t *untrusted, *anchors;
	cc_paths_t *res;
	cc_cert_t *stack[64];
	size_t depth;
	sigent_t *cache; /* open addressing, grown to stay at most half full */
	size_t ncache, nused;
	size_t cands; /* candidate issuers examined */
	int oom;
} bctx_t;

static unsigned lim(unsigned v, unsigned def)
{
	return v ? v : def;
}

int cc_paths_push(cc_paths_t *ps, cc_cert_t *const *v, size_t n)
{
	cc_path_t *p;

	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 8;
		cc_path_t *nv = realloc(ps->v, cap * sizeof(*nv));
		if (!nv)
			return CC_ENOMEM;
		ps->v = nv;
		ps->cap = cap;
	}
	p = &ps->v[ps->n];
	memset(p, 0, sizeof(*p));
	p->error_depth = -1;
	if (!(p->reason = strdup("")) || !(p->why = strdup(""))) {
		cc_path_clear(p);
		return CC_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (cc_certlist_push(&p->certs, v[i])) {
			cc_path_clear(p);
			return CC_ENOMEM;
		}
	ps->n++;
	return 0;
}

static void reject(bctx_t *b, cc_cert_t *child, cc_cert_t *cand, const char *why)
{
	cc_paths_t *ps = b->res;

	/* Bounded like the paths: a report, not a log of every probe. */
	if (ps->nrej >= 4 * lim(b->o->max_paths, CC_DEFAULT_MAX_PATHS))
		return;
	for (size_t i = 0; i < ps->nrej; i++)
		if (ps->rej[i].child == child && ps->rej[i].cand == cand)
			return;
	if (ps->nrej == ps->caprej) {
		size_t cap = ps->caprej ? ps->caprej * 2 : 16;
		cc_rejection_t *nv = realloc(ps->rej, cap * sizeof(*nv));
		if (!nv) {
			b->oom = 1;
			return;
		}
		ps->rej = nv;
		ps->caprej = cap;
	}
	ps->rej[ps->nrej].child = child;
	ps->rej[ps->nrej].cand = cand;
	snprintf(ps->rej[ps->nrej].reason, sizeof(ps->rej[0].reason), "%s", why);
	ps->nrej++;
}

static void truncate_search(bctx_t *b, const char *which)
{
	if (!b->res->truncated) {
		b->res->truncated = 1;
		snprintf(b->res->limit_hit, sizeof(b->res->limit_hit), "%s", which);
	}
}

/* Per thread, so concurrent judgements need no lock. */
static _Thread_local unsigned long edge_verifies;

unsigned long cc_edge_verifies(void)
{
	return edge_verifies;
}

int cc_edge_ok(cc_cert_t *child, cc_cert_t *cand, const char **why)
{
	X509 *cx, *ix;
	EVP_PKEY *k;
	int r;

	if (child->f.aki.n && cand->f.ski.n &&
	    (child->f.aki.n != cand->f.ski.n ||
	     memcmp(child->f.aki.p, cand->f.ski.p, cand->f.ski.n))) {
		*why = "key identifier mismatch (AKI != SKI)";
		return 0;
	}
	if (cc_cert_sig_known(child, cand))
		return 1; /* verified by an earlier build with this very key */
	if (!(cx = cc_cert_x509(child, NULL)) || !(ix = cc_cert_x509(cand, NULL))) {
		*why = "cannot be decoded";
		return 0;
	}
	if (!(k = X509_get0_pubkey(ix))) {
		ERR_clear_error();
		*why = "unsupported or corrupt public key";
		return 0;
	}
	edge_verifies++;
	r = X509_verify(cx, k);
	ERR_clear_error();
	if (r != 1) {
		*why = "signature does not verify with this key";
		return 0;
	}
	cc_cert_sig_remember(child, cand);
	return 1;
}

static size_t sig_slot(const bctx_t *b, const cc_cert_t *child, const cc_cert_t *key)
{
	return (size_t)(((uintptr_t)child >> 4) * 31 + key->spki_hash) & (b->ncache - 1);
}

/* Doubles the cache. Entries are counted, not only signature checks, since
 * key identifier mismatches are cached without spending the budget: a pool
 * of many same-name certificates must not fill a fixed table. */
static int sig_grow(bctx_t *b)
{
	size_t old = b->ncache;
	sigent_t *oc = b->cache, *nc = calloc(old ? old * 2 : 256, sizeof(*nc));

	if (!nc)
		return -1;
	b->cache = nc;
	b->ncache = old ? old * 2 : 256;
	for (size_t i = 0; i < old; i++) {
		size_t j;
		if (!oc[i].used)
			continue;
		for (j = sig_slot(b, oc[i].child, oc[i].key); nc[j].used;
		     j = (j + 1) & (b->ncache - 1))
			;
		nc[j] = oc[i];
	}
	free(oc);
	return 0;
}

/* Signature check with the per-build cache keyed by (child, issuer key). */
static int sig_ok(bctx_t *b, cc_cert_t *child, cc_cert_t *cand, const char **why)
{
	unsigned max = lim(b->o->max_sigchecks, CC_DEFAULT_MAX_SIGCHECKS);

	if (2 * (b->nused + 1) > b->ncache && sig_grow(b)) {
		b->oom = 1;
		*why = "out of memory";
		return -1;
	}
	for (size_t i = sig_slot(b, child, cand);; i = (i + 1) & (b->ncache - 1)) {
		sigent_t *e = &b->cache[i];
		if (!e->used) {
			if (b->res->sigchecks >= max) {
				truncate_search(b, "signature-check budget");
				*why = "not checked: signature budget spent";
				return -1;
			}
			b->res->sigchecks++;
			b->nused++;
			e->used = 1;
			e->child = child;
			e->key = cand;
			e->ok = cc_edge_ok(child, cand, why);
			if (!e->ok && strstr(*why, "identifier"))
				b->res->sigchecks--; /* no crypto was spent */
			return e->ok;
		}
		if (e->child == child && cc_cert_same_key(e->key, cand)) {
			if (!e->ok)
				*why = "signature does not verify with this key";
			return e->ok;
		}
	}
}

static int in_stack(bctx_t *b, cc_cert_t *c)
{
	for (size_t i = 0; i < b->depth; i++) {
		cc_cert_t *s = b->stack[i];
		if (s == c || !memcmp(s->fp, c->fp, 32) ||
		    (cc_cert_same_subject(s, c) && cc_cert_same_key(s, c)))
			return 1;
	}
	return 0;
}

/* 1 when the search must end; records which limit ended it. */
static int stop(bctx_t *b)
{
	if (b->oom)
		return 1;
	if (b->res->n >= lim(b->o->max_paths, CC_DEFAULT_MAX_PATHS)) {
		truncate_search(b, "path limit");
		return 1;
	}
	if (b->res->sigchecks >= lim(b->o->max_sigchecks, CC_DEFAULT_MAX_SIGCHECKS)) {
		truncate_search(b, "signature-check budget");
		return 1;
	}
	if (b->cands >= (size_t)CAND_PER_SIGCHECK *
				lim(b->o->max_sigchecks, CC_DEFAULT_MAX_SIGCHECKS)) {
		truncate_search(b, "candidate budget");
		return 1;
	}
	return 0;
}

static void dfs(bctx_t *b, cc_cert_t *c);

static void try_issuers(bctx_t *b, cc_cert_t *c)
{
	cc_certlist_t cands = { 0 }, ordered = { 0 };

	if (cc_pool_issuers_of(b->anchors, c, &cands) < 0 ||
	    cc_pool_issuers_of(b->untrusted, c, &cands) < 0) {
		b->oom = 1;
		goto out;
	}
	/* AKI/SKI agreement first, so the right issuer is tried before decoys. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < cands.n; i++) {
			cc_cert_t *k = cands.v[i];
			int agree = c->f.aki.n && k->f.ski.n && c->f.aki.n == k->f.ski.n &&
				    !memcmp(c->f.aki.p, k->f.ski.p, k->f.ski.n);
			if ((pass == 0) == agree && cc_certlist_push(&ordered, k)) {
				b->oom = 1;
				goto out;
			}
		}
	for (size_t i = 0; i < ordered.n && !stop(b); i++) {
		cc_cert_t *k = ordered.v[i];
		const char *why = "";
		int r;
		b->cands++;
		/* The same certificate in both pools: use only the anchor's copy. */
		if (cc_pool_find_sha256(b->anchors, k->fp) &&
		    cc_pool_find_sha256(b->anchors, k->fp) != k)
			continue;
		if (in_stack(b, k)) {
			if (k != c)
				reject(b, c, k, "already in the path (loop)");
			continue;
		}
		r = sig_ok(b, c, k, &why);
		if (r < 0)
			break;
		if (!r) {
			reject(b, c, k, why);
			continue;
		}
		dfs(b, k);
	}
out:
	cc_certlist_clear(&cands);
	cc_certlist_clear(&ordered);
}

static void dfs(bctx_t *b, cc_cert_t *c)
{
	int anchor = b->anchors && cc_pool_find_sha256(b->anchors, c->fp);

	if (b->depth >= lim(b->o->max_depth, CC_DEFAULT_MAX_DEPTH) ||
	    b->depth >= sizeof(b->stack) / sizeof(b->stack[0])) {
		truncate_search(b, "depth limit");
		return;
	}
	b->stack[b->depth++] = c;
	if (anchor && cc_paths_push(b->res, b->stack, b->depth))
		b->oom = 1;
	/* A self-issued anchor ends the path; an anchor that is itself issued
	 * by someone else may still lead to longer paths other clients need. */
	if (!stop(b) && !(anchor && cc_cert_self_issued(c)))
		try_issuers(b, c);
	b->depth--;
}

int cc_build(const cc_build_opts_t *opts, cc_cert_t *leaf, cc_pool_t *untrusted,
	     cc_pool_t *anchors, cc_paths_t **out, cc_error_t *err)
{
	cc_build_opts_t defaults = { 0 };
	bctx_t b = { 0 };

	*out = NULL;
	if (!opts)
		opts = &defaults;
	b.o = opts;
	b.untrusted = untrusted;
	b.anchors = anchors;
	if (!(b.res = calloc(1, sizeof(*b.res))))
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	dfs(&b, leaf);
	free(b.cache);
	if (b.oom) {
		cc_paths_free(b.res);
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	if (!opts->no_validate)
		for (size_t i = 0; i < b.res->n; i++) {
			int r = cc_path_validate(&b.res->v[i], opts, err);
			if (r) {
				cc_paths_free(b.res);
				return r;
			}
		}
	*out = b.res;
	return 0;
}

void cc_paths_free(cc_paths_t *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		cc_path_clear(&ps->v[i]);
	free(ps->v);
	free(ps->rej);
	free(ps);
}

void cc_path_clear(cc_path_t *p)
{
	if (!p)
		return;
	cc_certlist_clear(&p->certs);
	free(p->reason);
	free(p->why);
	memset(p, 0, sizeof(*p));
	p->error_depth = -1;
}

int cc_paths_best(const cc_paths_t *ps)
{
	return ps && ps->n && ps->v[0].valid ? 0 : -1;
}
