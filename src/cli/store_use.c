/* store_use.c - how build and verify use the certificate store: its enabled
 * intermediates join the pool, its enabled roots the anchors (for build: the
 * trust profile "store"), its disabled certificates leave what this server
 * may send (-I, the search's anchors) but never a client profile. */
#include "cli.h"

#include <stdio.h>

/* What the store contributes, read once. */
typedef struct contrib {
	cc_pool_t *inter, *roots, *dis;
	char src[600];
} contrib_t;

static void contrib_free(contrib_t *c)
{
	cc_pool_free(c->inter);
	cc_pool_free(c->roots);
	cc_pool_free(c->dis);
}

static int oom(cc_error_t *err)
{
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	return err->code = CC_ENOMEM;
}

static int contrib_load(const cli_store_opts_t *o, contrib_t *c, cc_error_t *err)
{
	cc_store_t *st = NULL;
	int r;

	c->inter = cc_pool_new();
	c->roots = cc_pool_new();
	c->dis = cc_pool_new();
	if (!c->inter || !c->roots || !c->dis)
		return oom(err);
	if (!(r = cc_store_open(o->dir, &st, err)))
		r = cc_store_load_pools(st, c->inter, c->roots, c->dis, err);
	if (!r)
		snprintf(c->src, sizeof(c->src), "certificate store %s", cc_store_dir(st));
	cc_store_close(st);
	return r;
}

/* Copies every certificate of src that is not in drop into dst. */
static int copy_except(cc_pool_t *dst, cc_pool_t *src, cc_pool_t *drop,
		       cc_error_t *err)
{
	for (size_t i = 0; i < cc_pool_count(src); i++) {
		cc_cert_t *c = cc_pool_get(src, i);
		int r;

		if (drop && cc_pool_find_sha256(drop, cc_cert_sha256(c)))
			continue;
		if ((r = cc_pool_add_copy(dst, c, NULL, err)))
			return r;
	}
	return 0;
}

/*
 * The untrusted pool a command searches, built into np: the first nkeep
 * certificates of keep as they are (what was asked about or sent stays,
 * disabled or not), the rest of pool less the disabled certificates, and the
 * store's intermediates. keep's pointers then point into np (NULL for one
 * that was dropped). keep may be NULL.
 */
static int rebuild_pool(cc_pool_t *np, cc_pool_t *pool, cc_certlist_t *keep,
			size_t nkeep, const contrib_t *c, cc_error_t *err)
{
	int r = 0;

	for (size_t i = 0; !r && keep && i < nkeep; i++) {
		size_t len;
		const unsigned char *der = cc_cert_der(keep->v[i], &len);
		r = cc_pool_add_der(np, der, len, cc_cert_source(keep->v[i]), NULL,
				    NULL, err);
	}
	if (r || (r = copy_except(np, pool, c->dis, err)) ||
	    (r = copy_except(np, c->inter, NULL, err)))
		return r;
	for (size_t i = 0; keep && i < keep->n; i++)
		keep->v[i] = cc_pool_find_sha256(np, cc_cert_sha256(keep->v[i]));
	return 0;
}

/* The store's enabled roots as the profile "store", when it has any.
 * Disabling or removing a certificate decides what this server sends and
 * trusts; it never changes what a client profile (-p, -r, built-ins) holds. */
static int add_profile(cc_profiles_t *profs, const contrib_t *c, cc_error_t *err)
{
	if (!cc_pool_count(c->roots))
		return 0;
	return cc_profiles_add_pool(profs, "store", c->roots, CC_BEHAVIOUR_PATHBUILD,
				    CC_PROFILE_DEFAULT_WEIGHT, c->src, err);
}

int cli_store_add_roots(cc_profiles_t *profs, cc_pool_t *roots, const cc_store_t *st)
{
	contrib_t c = { .roots = roots };
	cc_error_t err;

	cc_error_clear(&err);
	snprintf(c.src, sizeof(c.src), "certificate store %s", cc_store_dir(st));
	return add_profile(profs, &c, &err) ? cli_fail(&err) : 0;
}

int cli_store_add_profile(const cli_store_opts_t *o, cc_profiles_t *profs)
{
	contrib_t c = { 0 };
	cc_error_t err;
	int r;

	if (o->no_store)
		return 0;
	cc_error_clear(&err);
	if ((r = contrib_load(o, &c, &err)) || (r = add_profile(profs, &c, &err)))
		cli_fail(&err);
	contrib_free(&c);
	return r ? EXIT_USAGE : 0;
}

int cli_store_profile(const cli_store_opts_t *o, cc_profiles_t *profs,
		      cc_pool_t **pool, cc_certlist_t *keep, cc_pool_t **anchors)
{
	contrib_t c = { 0 };
	cc_pool_t *na = NULL, *np = NULL;
	cc_error_t err;
	int r;

	*anchors = NULL;
	if (o->no_store)
		return 0;
	cc_error_clear(&err);
	if ((r = contrib_load(o, &c, &err)))
		goto out;
	/* A store that adds, drops and anchors nothing leaves both pools as
	 * they are: copying them would change nothing but the time taken. */
	if (!cc_pool_count(c.inter) && !cc_pool_count(c.roots) && !cc_pool_count(c.dis))
		goto out;
	if (!(na = cc_pool_new()) || !(np = cc_pool_new())) {
		r = oom(&err);
		goto out;
	}
	if ((r = add_profile(profs, &c, &err)))
		goto out;
	/* The search's anchors: every profile's, less the disabled ones. */
	if ((r = copy_except(na, cc_profiles_pool(profs), c.dis, &err)))
		goto out;
	/* The certificate asked about stays, even when disabled. */
	if ((r = rebuild_pool(np, *pool, keep, 1, &c, &err)))
		goto out;
	cc_pool_free(*pool);
	*pool = np;
	np = NULL;
	*anchors = na;
	na = NULL;
out:
	if (r)
		cli_fail(&err);
	contrib_free(&c);
	cc_pool_free(na);
	cc_pool_free(np);
	return r ? EXIT_USAGE : 0;
}

int cli_store_apply(const cli_store_opts_t *o, cc_pool_t **pool,
		    cc_certlist_t *keep, cc_pool_t **anchors)
{
	contrib_t c = { 0 };
	cc_pool_t *na = NULL, *np = NULL;
	cc_error_t err;
	int r = 0;

	if (o->no_store)
		return 0;
	cc_error_clear(&err);
	if ((r = contrib_load(o, &c, &err)))
		goto out;
	if (!(na = cc_pool_new()) || !(np = cc_pool_new())) {
		r = oom(&err);
		goto out;
	}
	/* What is sent stays as sent, disabled or not; the rest of the pool
	 * (-I) loses the disabled certificates. The anchors (the clients')
	 * keep them: a client's store is not this server's decision. */
	if ((r = rebuild_pool(np, *pool, keep, keep ? keep->n : 0, &c, &err)) ||
	    (r = copy_except(na, *anchors, NULL, &err)) ||
	    (r = copy_except(na, c.roots, NULL, &err)))
		goto out;
	cc_pool_free(*pool);
	*pool = np;
	np = NULL;
	cc_pool_free(*anchors);
	*anchors = na;
	na = NULL;
	if (o->disabled) {
		*o->disabled = c.dis;
		c.dis = NULL;
	}
out:
	if (r)
		cli_fail(&err);
	contrib_free(&c);
	cc_pool_free(na);
	cc_pool_free(np);
	return r ? EXIT_USAGE : 0;
}
