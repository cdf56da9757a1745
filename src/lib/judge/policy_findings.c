/*
 * policy_findings.c - the findings of a validation policy on a chain as it
 * is served: OpenSSL's errors on the path (every one collected) and the
 * rules of path/policy.c, each once per depth, placed at its position in
 * what the server sent. Here rather than in path/ because findings are the
 * judge's: path/policy.c only says which rules a certificate breaks.
 */
#include "internal.h"

#include <string.h>

#include <openssl/x509_vfy.h>

/* Position of c in served, or -1 (the anchor a client adds, say). */
static int served_pos(const cc_certlist_t *served, const cc_cert_t *c)
{
	for (size_t i = 0; served && i < served->n; i++)
		if (!memcmp(served->v[i]->fp, c->fp, 32))
			return (int)i;
	return -1;
}

/* Findings already given, by rule and path depth: OpenSSL and a rule of
 * ours may both see one weak key. Paths are at most CC_DEFAULT_MAX_DEPTH
 * long and break few rules; past the bound a repeat is merely printed twice. */
#define SEEN_MAX 128
typedef struct seen {
	const char *id[SEEN_MAX];
	int depth[SEEN_MAX];
	int n;
} seen_t;

static int add(cc_findings_t *out, seen_t *s, const char *id, int sev,
	       const cc_certlist_t *certs, const cc_certlist_t *served, int d,
	       int policy, const char *what)
{
	const char *note = sev == CC_SEV_ERROR ? "" : "; not enforced on a trust "
			   "anchor, RFC 5280 6.1.1 (d)";
	cc_names_t nm = { 0 };
	const char *cn;
	int r;
	int sp = served_pos(served, certs->v[d]);

	for (int i = 0; i < s->n; i++)
		if (s->depth[i] == d && !strcmp(s->id[i], id))
			return 0;
	if (s->n < SEEN_MAX) {
		s->id[s->n] = id;
		s->depth[s->n++] = d;
	}
	cn = cc_names_get(&nm, certs->v[d], 0);
	if (sp >= 0)
		r = cc_findings_add(out, id, sev, sp, "position %d (%s, "
				    "depth %d in the path): %s (%s policy%s)", sp,
				    cn, d, what, cc_policy_name(policy), note);
	else
		r = cc_findings_add(out, id, sev, -1, "depth %d in the path "
				    "(%s, not served): %s (%s policy%s)", d, cn, what,
				    cc_policy_name(policy), note);
	cc_names_free(&nm);
	return r;
}

/* OpenSSL errors collected per run: a path breaks few rules; more are cut. */
#define COLLECT_MAX 64

int cc_policy_findings(const cc_certlist_t *certs, int anchored,
		       const cc_certlist_t *served, const cc_build_opts_t *opts,
		       cc_findings_t *out, cc_error_t *err)
{
	int policy = opts ? opts->policy : CC_POLICY_WEBPKI;
	int ev[COLLECT_MAX], dv[COLLECT_MAX], ne = 0, r;
	seen_t s = { .n = 0 };
	cc_policy_hit_t hit[CC_POLICY_RULES_MAX];

	if (policy < 0 || policy >= 3)
		policy = CC_POLICY_WEBPKI;
	if (!certs->n)
		return 0;
	/* A certificate OpenSSL cannot decode has no rules to break: the path
	 * is invalid for that reason, said elsewhere. */
	for (size_t i = 0; i < certs->n; i++)
		if (!cc_cert_x509(certs->v[i], NULL))
			return 0;
	/* OpenSSL's checks, every error collected (the top taken as anchor). */
	if ((r = cc_path_validate_collect(certs, opts, ev, dv, &ne, COLLECT_MAX, err)))
		return r;
	for (int k = 0; k < ne; k++) {
		const char *id = cc_policy_rule_of(ev[k]);
		int top = anchored && certs->n > 1 && (size_t)dv[k] + 1 == certs->n;
		int sev = top && cc_policy_anchor_warns(certs->v[dv[k]]->x, ev[k])
				  ? CC_SEV_WARNING : CC_SEV_ERROR;
		if (id && dv[k] >= 0 && (size_t)dv[k] < certs->n &&
		    add(out, &s, id, sev, certs, served, dv[k], policy,
			X509_verify_cert_error_string(ev[k])))
			return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < certs->n; i++) {
		size_t nh = cc_policy_rules_at(certs, i, anchored, opts ? opts->host : NULL,
					       policy, hit, CC_POLICY_RULES_MAX);
		for (size_t k = 0; k < nh; k++)
			if (add(out, &s, hit[k].id, hit[k].severity, certs, served,
				(int)i, policy, hit[k].what))
				return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

int cc_policy_served_findings(const cc_certlist_t *served, cc_pool_t *anchors,
			      const cc_paths_t *ps, const cc_build_opts_t *bo,
			      cc_findings_t *out, cc_error_t *err)
{
	const cc_cert_t *top = served->v[served->n - 1];

	if (cc_paths_best(ps) >= 0)
		return 0;
	if (ps->n)
		return cc_policy_findings(&ps->v[0].certs, 1, served, bo, out, err);
	return cc_policy_findings(served, anchors && cc_pool_find_sha256(anchors, top->fp),
				  served, bo, out, err);
}
