/*
 * anchors_of.c - which trust anchors a chain can end at, so that a listing
 * of profiles can say which of them each client has ("android-13 has
 * USERTrust RSA and AAA, not R46").
 */
#include "internal.h"

static int has(const cc_certlist_t *l, const cc_cert_t *c)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == c)
			return 1;
	return 0;
}

int cc_profiles_chain_anchors(cc_profiles_t *ps, cc_cert_t *leaf,
			      cc_pool_t *untrusted, cc_certlist_t *out,
			      cc_error_t *err)
{
	/* Any anchor a path can reach counts, valid today or not: a listing
	 * of stores says what each holds, the verdicts say what it accepts. */
	cc_build_opts_t o = { .no_validate = 1 };
	cc_pool_t *pool = cc_profiles_pool(ps);
	cc_cert_t *self = cc_pool_find_sha256(pool, leaf->fp);
	cc_paths_t *paths = NULL;
	size_t before = out->n;
	int r;

	if (self && cc_certlist_push(out, self))
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	if ((r = cc_build(&o, leaf, untrusted, pool, &paths, err)))
		return r;
	for (size_t i = 0; !r && i < paths->n; i++) {
		const cc_certlist_t *c = &paths->v[i].certs;
		cc_cert_t *a = c->v[c->n - 1];
		if (cc_pool_find_sha256(pool, a->fp) == a && !has(out, a) &&
		    cc_certlist_push(out, a))
			r = cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	cc_paths_free(paths);
	return r ? r : (int)(out->n - before);
}
