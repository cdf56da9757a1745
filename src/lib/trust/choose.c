/*
 * choose.c - the one place that turns a build into "the chain to ship":
 * build, rank (by ubiquity across trust profiles when given, as 'build'
 * does), take the winner's served chain; export and bind use it, with the
 * note on a cross-signed twin left out.
 */
#include "internal.h"

static int push_all(cc_certlist_t *out, cc_cert_t *const *v, size_t n,
		    cc_error_t *err)
{
	for (size_t i = 0; i < n; i++)
		if (cc_certlist_push(out, v[i]))
			return cc_err(err, CC_ENOMEM, "", "out of memory");
	return 0;
}

static int none(cc_error_t *err, cc_cert_t *leaf, const cc_paths_t *ps)
{
	char cn[256];
	const char *why = ps->n ? ps->v[0].reason : "";

	return cc_err(err, CC_ENOTFOUND, cc_cert_source(leaf),
		      "no trusted chain from '%s' to a trust anchor%s%s",
		      cc_cert_name(leaf, 0, cn, sizeof(cn)), why[0] ? ": " : "", why);
}

int cc_chain_choose_noted(const cc_build_opts_t *opts, cc_cert_t *leaf,
			  cc_pool_t *untrusted, cc_pool_t *anchors,
			  cc_profiles_t *profs, cc_certlist_t *out, cc_buf_t *note,
			  cc_error_t *err)
{
	cc_build_opts_t d = { 0 };
	cc_judge_opts_t jo = { 0 };
	cc_matrix_t m = { 0 };
	cc_paths_t *ps = NULL;
	time_t at;
	int r, best;

	if (!opts)
		opts = &d;
	if (!anchors && profs)
		anchors = cc_profiles_pool(profs);
	at = opts->at ? opts->at : time(NULL);
	if ((r = cc_build(opts, leaf, untrusted, anchors, &ps, err)))
		return r;
	if (profs) {
		jo.at = at;
		jo.host = opts->host;
		if ((r = cc_ubiquity_rank(profs, ps, &jo, &m, err)))
			goto done;
		if (m.n && m.v[0].verdicts.ntrusted) {
			r = push_all(out, m.v[0].served.v, m.v[0].served.n, err);
			/* the cross-sign left out, from this very ranking (twin.c) */
			if (!r && note)
				cc_twin_note(profs, &m, 0, ps, untrusted, anchors, note);
		} else
			r = none(err, leaf, ps);
		goto done;
	}
	cc_paths_rank(ps, at, NULL, NULL);
	if ((best = cc_paths_best(ps)) < 0) {
		r = none(err, leaf, ps);
	} else {
		const cc_path_t *p = &ps->v[best];
		/* The anchor stays out (clients have it) unless it is the leaf. */
		r = push_all(out, p->certs.v, p->certs.n > 1 ? p->certs.n - 1 : 1, err);
	}
done:
	cc_matrix_clear(&m);
	cc_paths_free(ps);
	return r;
}

int cc_chain_choose(const cc_build_opts_t *opts, cc_cert_t *leaf,
		    cc_pool_t *untrusted, cc_pool_t *anchors, cc_profiles_t *profs,
		    cc_certlist_t *out, cc_error_t *err)
{
	return cc_chain_choose_noted(opts, leaf, untrusted, anchors, profs, out,
				     NULL, err);
}
