/*
 * choose.c - the one place that turns a build into "the chain to ship":
 * build, rank, take the best valid path without its anchor. export uses it;
 * profile-aware callers pass their cc_trust_fn.
 */
#include "internal.h"

int cc_chain_choose(const cc_build_opts_t *opts, cc_cert_t *leaf,
		    cc_pool_t *untrusted, cc_pool_t *anchors, cc_trust_fn trust,
		    void *trust_arg, cc_certlist_t *out, cc_paths_t **paths,
		    cc_error_t *err)
{
	cc_build_opts_t d = { 0 };
	cc_paths_t *ps = NULL;
	const cc_path_t *p;
	char cn[256];
	int r, best;

	if (paths)
		*paths = NULL;
	if (!opts)
		opts = &d;
	if ((r = cc_build(opts, leaf, untrusted, anchors, &ps, err)))
		return r;
	cc_paths_rank(ps, opts->at ? opts->at : time(NULL), trust, trust_arg);
	if ((best = cc_paths_best(ps)) < 0) {
		r = cc_err(err, CC_ENOTFOUND, cc_cert_source(leaf),
			   "no valid chain from '%s' to a trust anchor%s%s",
			   cc_cert_name(leaf, 0, cn, sizeof(cn)),
			   ps->n ? ": " : "", ps->n ? ps->v[0].reason : "");
		goto done;
	}
	p = &ps->v[best];
	/* The anchor stays out (clients have it) unless the leaf is its own anchor. */
	for (size_t i = 0; i < (p->certs.n > 1 ? p->certs.n - 1 : 1); i++)
		if (cc_certlist_push(out, p->certs.v[i])) {
			r = cc_err(err, CC_ENOMEM, "", "out of memory");
			goto done;
		}
done:
	if (paths && !r) {
		*paths = ps;
		ps = NULL;
	}
	cc_paths_free(ps);
	return r;
}
