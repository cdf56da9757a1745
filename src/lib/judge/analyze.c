/*
 * analyze.c - findings about a chain exactly as a server sends it: order,
 * duplicates, a sent anchor, missing issuers, dates, host name, weak
 * signatures, and whether any valid path exists. Finding ids are a stable
 * interface (documented in certchain.h and the man page).
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

/* 1 if a issued b (names, key ids, signature). */
static int issued(cc_cert_t *a, cc_cert_t *b)
{
	const char *why;
	return cc_cert_issuer_name_match(a, b) && cc_edge_ok(b, a, &why);
}

static int self_signed(cc_cert_t *c)
{
	return cc_cert_self_issued(c) && issued(c, c);
}

/* 1 if an anchor of anchors (may be NULL) issued c. */
static int anchor_issued(cc_pool_t *anchors, cc_cert_t *c)
{
	cc_certlist_t l = { 0 };
	int yes = 0;

	if (anchors && cc_pool_issuers_of(anchors, c, &l) > 0)
		for (size_t i = 0; i < l.n && !yes; i++)
			yes = issued(l.v[i], c);
	cc_certlist_clear(&l);
	return yes;
}

/*
 * Walks the served chain from the leaf, each certificate to a sent issuer:
 * the position of the first one whose issuer is neither sent nor an anchor
 * (the gap), or -1 when the walk ends at a self-signed certificate or an
 * anchor. on_walk[i] is set for every position the walk visits.
 */
static int gap_of(const cc_certlist_t *s, cc_pool_t *anchors, char *on_walk)
{
	size_t cur = 0;

	for (size_t step = 0; step < s->n; step++) {
		size_t k;
		on_walk[cur] = 1;
		if (self_signed(s->v[cur]) || anchor_issued(anchors, s->v[cur]))
			return -1;
		for (k = 0; k < s->n; k++)
			if (s->v[k] != s->v[cur] && !on_walk[k] && issued(s->v[k], s->v[cur]))
				break;
		if (k == s->n)
			return (int)cur;
		cur = k;
	}
	return -1;
}

/*
 * After a gap at g, which sent certificates may follow the missing issuer
 * once it is sent: the CA certificates off the walk, except one bearing the
 * missing issuer's name (it would have been walked to had it signed the
 * certificate at g: it is a certificate of another PKI, not that issuer).
 * follows[i] is set for each; impostor receives the first such namesake or -1.
 */
static void after_gap(const cc_certlist_t *s, int g, const char *on_walk,
		      char *follows, int *impostor)
{
	*impostor = -1;
	for (size_t i = 1; g >= 0 && i < s->n; i++) {
		if (on_walk[i] || !cc_cert_is_ca(s->v[i]))
			continue;
		if (cc_cert_issuer_name_match(s->v[i], s->v[g])) {
			if (*impostor < 0)
				*impostor = (int)i;
			continue;
		}
		follows[i] = 1;
	}
}

/* "incomplete-chain" for a gap at position g: the missing issuer by name and
 * key id, and the sent certificates that follow once it is sent (or that
 * only bear its name). */
static void gap_finding(const cc_certlist_t *s, int g, const char *follows,
			int impostor, cc_findings_t *out)
{
	cc_cert_t *c = s->v[g];
	char a[256], b[256], kid[2 * 64 + 1], rest[200] = "";
	size_t n = 0;

	cc_cert_aki_hex(c, kid, sizeof(kid));
	for (size_t i = 1; i < s->n; i++)
		if (follows[i] && n++ == 0)
			snprintf(rest, sizeof(rest), "; %s (position %zu) follows it "
				 "once it is sent", cc_cert_name(s->v[i], 0, a, sizeof(a)), i);
	if (!n && impostor >= 0)
		snprintf(rest, sizeof(rest), "; position %d has that name but not "
			 "its key: a certificate of another PKI", impostor);
	cc_findings_add(out, "incomplete-chain", CC_SEV_ERROR, -1,
			"the issuer of %s (%s%s%s) is neither sent nor a trust anchor: "
			"intermediates are missing%s", cc_cert_name(c, 0, a, sizeof(a)),
			cc_cert_name(c, 1, b, sizeof(b)), *kid ? ", key id " : "", kid, rest);
}

/*
 * 1 when positions 0..i-1 are a complete chain in order (each issued by the
 * next, the last self-signed or issued by an anchor): what comes from i on
 * is extra, and no reordering helps.
 */
static int complete_before(const cc_certlist_t *s, size_t i, cc_pool_t *anchors)
{
	for (size_t k = 1; k < i; k++)
		if (!issued(s->v[k], s->v[k - 1]))
			return 0;
	return i > 0 && (self_signed(s->v[i - 1]) || anchor_issued(anchors, s->v[i - 1]));
}

/* "anchor-sent" for a sent anchor a client holds, or "unknown-root-sent"
 * for a self-signed root no client has (the judgement says what to serve
 * instead). Returns 1 when either was added. */
static int sent_anchor(cc_cert_t *c, size_t i, cc_pool_t *anchors, cc_findings_t *out)
{
	char a[256];

	if (!self_signed(c) && !cc_pool_find_sha256(anchors, c->fp))
		return 0;
	cc_cert_name(c, 0, a, sizeof(a));
	if (anchors && !cc_pool_find_sha256(anchors, c->fp) && !anchor_issued(anchors, c))
		cc_findings_add(out, "unknown-root-sent", CC_SEV_WARNING, (int)i,
				"position %zu (%s) is a self-signed root that no client "
				"has: sending it makes no client trust the chain", i, a);
	else
		cc_findings_add(out, "anchor-sent", CC_SEV_WARNING, (int)i,
				"position %zu is a trust anchor (%s); clients ignore "
				"it, it only costs bytes", i, a);
	return 1;
}

static void order_findings(const cc_certlist_t *s, cc_pool_t *anchors,
			   const char *follows, cc_findings_t *out)
{
	char a[256], b[256];
	int order_bad = 0;

	for (size_t i = 0; i < s->n; i++) {
		cc_cert_t *c = s->v[i];
		for (size_t j = 0; j < i; j++)
			if (s->v[j] == c) {
				cc_findings_add(out, "duplicate-cert", CC_SEV_WARNING, (int)i,
						"position %zu repeats position %zu (%s)", i, j,
						cc_cert_name(c, 0, a, sizeof(a)));
				goto next;
			}
		int anchor = i > 0 && sent_anchor(c, i, anchors, out);
		if (i > 0 && !issued(c, s->v[i - 1])) {
			int issues_some = 0;
			for (size_t j = 0; j < s->n; j++)
				if (j != i && s->v[j] != c && issued(c, s->v[j]))
					issues_some = 1;
			if (issues_some && complete_before(s, i, anchors)) {
				/* another issuer after a complete chain: extra, in
				 * no wrong order (a sent anchor says so already) */
				if (!anchor)
					cc_findings_add(out, "unneeded-cert", CC_SEV_WARNING,
							(int)i, "position %zu (%s) follows a "
							"complete chain (position %zu reaches a "
							"trust anchor): clients that take the "
							"chain in order never use it", i,
							cc_cert_name(c, 0, a, sizeof(a)), i - 1);
			} else if (issues_some && !order_bad) {
				order_bad = 1;
				cc_findings_add(out, "wrong-order", CC_SEV_ERROR, (int)i,
						"position %zu (%s) does not issue position "
						"%zu (%s); each certificate must be followed "
						"by its issuer", i,
						cc_cert_name(c, 0, a, sizeof(a)), i - 1,
						cc_cert_name(s->v[i - 1], 0, b, sizeof(b)));
			} else if (!issues_some && !follows[i]) {
				/* After a gap, a CA certificate is not unrelated: it
				 * follows once the missing issuer is sent. */
				cc_findings_add(out, "unrelated-cert", CC_SEV_WARNING,
						(int)i, "position %zu (%s) issues nothing "
						"in this chain", i,
						cc_cert_name(c, 0, a, sizeof(a)));
			}
		}
	next:;
	}
}

static void cert_findings(const cc_certlist_t *s, const cc_analyze_opts_t *o,
			  time_t at, cc_findings_t *out)
{
	int soon = o->expires_soon_days ? o->expires_soon_days : 30;
	char a[256], t[32];

	for (size_t i = 0; i < s->n; i++) {
		cc_cert_t *c = s->v[i];
		time_t nb = cc_cert_not_before(c), na = cc_cert_not_after(c);
		cc_cert_name(c, 0, a, sizeof(a));
		if (at > na)
			cc_findings_add(out, "expired", CC_SEV_ERROR, (int)i,
					"position %zu (%s) expired %s", i, a,
					cc_time_str(na, t));
		else if (at < nb)
			cc_findings_add(out, "not-yet-valid", CC_SEV_ERROR, (int)i,
					"position %zu (%s) is valid only from %s", i,
					a, cc_time_str(nb, t));
		else if (na - at < (time_t)soon * 86400)
			cc_findings_add(out, "expires-soon", CC_SEV_WARNING, (int)i,
					"position %zu (%s) expires %s (within %d days)",
					i, a, cc_time_str(na, t), soon);
		if (cc_cert_weak_sig(c) && !self_signed(c))
			cc_findings_add(out, "weak-signature", CC_SEV_WARNING, (int)i,
					"position %zu (%s) is signed with %s", i, a,
					cc_cert_sig_name(c));
	}
	if (o->host && s->n) {
		X509 *x = cc_cert_x509(s->v[0], NULL);
		if (!cc_host_matches(x, o->host))
			cc_findings_add(out, "hostname-mismatch", CC_SEV_ERROR, 0,
					"the leaf (%s) is not valid for %s",
					cc_cert_name(s->v[0], 0, a, sizeof(a)), o->host);
	}
}

int cc_chain_analyze(const cc_certlist_t *served, cc_pool_t *pool,
		     cc_pool_t *anchors, const cc_analyze_opts_t *opts,
		     cc_findings_t *out, cc_paths_t **best, cc_error_t *err)
{
	cc_analyze_opts_t none = { 0 };
	cc_build_opts_t bo = { 0 };
	cc_paths_t *ps = NULL;
	cc_cert_t *top;
	char a[256], b[256], *on_walk, *follows;
	int r, gap, impostor;

	if (best)
		*best = NULL;
	if (!opts)
		opts = &none;
	if (!served->n)
		return cc_err(err, CC_EINVAL, NULL, "empty chain");
	bo.at = opts->at ? opts->at : time(NULL);
	bo.host = opts->host;
	bo.policy = opts->policy;
	on_walk = calloc(served->n, 1);
	follows = calloc(served->n, 1);
	if (!on_walk || !follows) {
		free(on_walk);
		free(follows);
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	gap = gap_of(served, anchors, on_walk);
	after_gap(served, gap, on_walk, follows, &impostor);
	order_findings(served, anchors, follows, out);
	if (gap >= 0)
		gap_finding(served, gap, follows, impostor, out);
	free(on_walk);
	free(follows);
	cert_findings(served, opts, bo.at, out);
	if ((r = cc_build(&bo, served->v[0], pool, anchors, &ps, err)))
		return r;
	cc_paths_rank(ps, bo.at, NULL, NULL);
	if ((r = cc_policy_served_findings(served, anchors, ps, &bo, out, err))) {
		cc_paths_free(ps);
		return r;
	}
	/* A gap says why already; otherwise: a missing issuer past what was
	 * sent, or a complete chain nobody trusts? */
	if (cc_paths_best(ps) < 0 && gap < 0) {
		/* Which is it: a missing issuer, or a complete chain nobody trusts? */
		top = served->v[served->n - 1];
		for (size_t i = served->n; i-- > 0;)
			if (!self_signed(served->v[i])) {
				top = served->v[i];
				break;
			}
		cc_certlist_t iss = { 0 };
		int found = cc_pool_issuers_of(pool, top, &iss) +
			    cc_pool_issuers_of(anchors, top, &iss);
		cc_certlist_clear(&iss);
		if (ps->n == 0 && found <= 0 && !self_signed(top))
			cc_findings_add(out, "incomplete-chain", CC_SEV_ERROR, -1,
					"the issuer of %s (%s) is neither sent nor a "
					"trust anchor: intermediates are missing",
					cc_cert_name(top, 0, a, sizeof(a)),
					cc_cert_name(top, 1, b, sizeof(b)));
		else
			cc_findings_add(out, "untrusted", CC_SEV_ERROR, -1, "%s",
					ps->n ? ps->v[0].reason
					      : "no path to a trust anchor");
	}
	if (best && cc_paths_best(ps) == 0) {
		*best = ps;
		ps = NULL;
	}
	cc_paths_free(ps);
	return 0;
}
