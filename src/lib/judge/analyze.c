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

/*
 * What the pairwise work of one analysis knows, so that no question is asked
 * twice: the served certificates with duplicates collapsed (u, at most
 * CC_MAX_SERVED_ANALYZED), which position holds which, and for each pair
 * whether one issued the other. A signature is checked only after the names
 * and key identifiers agree, and its result, failed or not, is shared by
 * every sent certificate with the same key: a chain of one subject and one
 * key costs one signature check per certificate, not one per pair.
 */
typedef struct actx {
	const cc_certlist_t *s;
	cc_pool_t *anchors;
	cc_cert_t *u[CC_MAX_SERVED_ANALYZED];
	size_t nu;
	unsigned char at[CC_MAX_SERVED_ANALYZED]; /* position -> index in u */
	/* iss[a][b]: 1 u[a] issued u[b], 0 not, -1 not asked yet; sig[a][b]:
	 * the same for u[a]'s key verifying u[b]'s signature alone */
	signed char iss[CC_MAX_SERVED_ANALYZED][CC_MAX_SERVED_ANALYZED];
	signed char sig[CC_MAX_SERVED_ANALYZED][CC_MAX_SERVED_ANALYZED];
	signed char anch[CC_MAX_SERVED_ANALYZED]; /* an anchor issued u[a] */
} actx_t;

static void actx_init(actx_t *x, const cc_certlist_t *s, cc_pool_t *anchors)
{
	memset(x, 0, sizeof(*x));
	x->s = s;
	x->anchors = anchors;
	for (size_t i = 0; i < s->n; i++) {
		size_t k;
		for (k = 0; k < x->nu && x->u[k] != s->v[i] &&
			    memcmp(x->u[k]->fp, s->v[i]->fp, 32); k++)
			;
		if (k == x->nu)
			x->u[x->nu++] = s->v[i];
		x->at[i] = (unsigned char)k;
	}
	memset(x->iss, -1, sizeof(x->iss));
	memset(x->sig, -1, sizeof(x->sig));
	memset(x->anch, -1, sizeof(x->anch));
}

/* 1 if the key of u[a] verifies the signature of u[b], asked once per key. */
static int sig_by(actx_t *x, size_t a, size_t b)
{
	const char *why;

	if (x->sig[a][b] < 0) {
		for (size_t k = 0; k < x->nu && x->sig[a][b] < 0; k++)
			if (x->sig[k][b] >= 0 && cc_cert_same_key(x->u[k], x->u[a]))
				x->sig[a][b] = x->sig[k][b];
		if (x->sig[a][b] < 0)
			x->sig[a][b] = (signed char)cc_edge_ok(x->u[b], x->u[a], &why);
	}
	return x->sig[a][b];
}

/* 1 if u[a] issued u[b]: names, then key identifiers, then the signature. */
static int issued_u(actx_t *x, size_t a, size_t b)
{
	cc_cert_t *i = x->u[a], *c = x->u[b];

	if (x->iss[a][b] < 0)
		x->iss[a][b] = (signed char)(cc_cert_issuer_name_match(i, c) &&
					     !(c->f.aki.n && i->f.ski.n &&
					       (c->f.aki.n != i->f.ski.n ||
						memcmp(c->f.aki.p, i->f.ski.p, i->f.ski.n))) &&
					     sig_by(x, a, b));
	return x->iss[a][b];
}

/* 1 if the certificate at position i issued the one at position j. */
static int issued(actx_t *x, size_t i, size_t j)
{
	return issued_u(x, x->at[i], x->at[j]);
}

static int self_signed(actx_t *x, size_t i)
{
	return cc_cert_self_issued(x->s->v[i]) && issued(x, i, i);
}

/* 1 if an anchor of anchors (may be NULL) issued position i. */
static int anchor_issued(actx_t *x, size_t i)
{
	cc_certlist_t l = { 0 };
	cc_cert_t *c = x->s->v[i];
	signed char *yes = &x->anch[x->at[i]];
	const char *why;

	if (*yes >= 0)
		return *yes;
	*yes = 0;
	if (x->anchors && cc_pool_issuers_of(x->anchors, c, &l) > 0)
		for (size_t k = 0; k < l.n && !*yes; k++)
			*yes = (signed char)(cc_cert_issuer_name_match(l.v[k], c) &&
					     cc_edge_ok(c, l.v[k], &why));
	cc_certlist_clear(&l);
	return *yes;
}

/*
 * Walks the served chain from the leaf, each certificate to a sent issuer:
 * the position of the first one whose issuer is not sent, or is sent only
 * earlier on the walk (then *loop is that issuer's position, else -1), or
 * -1 when the walk ends at a self-signed certificate or an anchor. on_walk[i]
 * is set for every position the walk visits.
 */
static int gap_of(actx_t *x, char *on_walk, int *loop)
{
	const cc_certlist_t *s = x->s;
	size_t cur = 0;

	*loop = -1;
	for (size_t step = 0; step < s->n; step++) {
		size_t k;
		on_walk[cur] = 1;
		if (self_signed(x, cur) || anchor_issued(x, cur))
			return -1;
		for (k = 0; k < s->n; k++)
			if (s->v[k] != s->v[cur] && !on_walk[k] && issued(x, k, cur))
				break;
		if (k == s->n) {
			for (k = 0; k < s->n && *loop < 0; k++)
				if (s->v[k] != s->v[cur] && on_walk[k] && issued(x, k, cur))
					*loop = (int)k;
			return (int)cur;
		}
		cur = k;
	}
	return -1;
}

/* "chain-loops" for a walk that comes back to position to from position g. */
static void loop_finding(const cc_certlist_t *s, int g, int to, cc_findings_t *out)
{
	cc_names_t nm = { 0 };

	cc_findings_add(out, "chain-loops", CC_SEV_ERROR, g,
			"the chain loops: position %d (%s) is issued by position %d "
			"(%s), which comes before it on the way up from the leaf; the "
			"sent certificates issue each other in a circle and none leads "
			"to a trust anchor", g, cc_names_get(&nm, s->v[g], 0),
			to, cc_names_get(&nm, s->v[to], 0));
	cc_names_free(&nm);
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
	char kid[2 * 64 + 1];
	cc_names_t nm = { 0 };
	cc_buf_t rest = { 0 };
	size_t n = 0;

	cc_cert_aki_hex(c, kid, sizeof(kid));
	for (size_t i = 1; i < s->n; i++)
		if (follows[i] && n++ == 0)
			cc_buf_printf(&rest, "; %s (position %zu) follows it "
				      "once it is sent", cc_names_get(&nm, s->v[i], 0), i);
	if (!n && impostor >= 0)
		cc_buf_printf(&rest, "; position %d has that name but not "
			      "its key: a certificate of another PKI", impostor);
	cc_findings_add(out, "incomplete-chain", CC_SEV_ERROR, -1,
			"the issuer of %s (%s%s%s) is neither sent nor a trust anchor: "
			"intermediates are missing%s", cc_names_get(&nm, c, 0),
			cc_names_get(&nm, c, 1), *kid ? ", key id " : "", kid,
			rest.s ? rest.s : "");
	cc_buf_clear(&rest);
	cc_names_free(&nm);
}

/*
 * 1 when positions 0..i-1 are a complete chain in order (each issued by the
 * next, the last self-signed or issued by an anchor): what comes from i on
 * is extra, and no reordering helps.
 */
static int complete_before(actx_t *x, size_t i)
{
	for (size_t k = 1; k < i; k++)
		if (!issued(x, k, k - 1))
			return 0;
	return i > 0 && (self_signed(x, i - 1) || anchor_issued(x, i - 1));
}

/* "anchor-sent" for a sent anchor a client holds, or "unknown-root-sent"
 * for a self-signed root no client has (the judgement says what to serve
 * instead). Returns 1 when either was added. */
static int sent_anchor(actx_t *x, size_t i, cc_findings_t *out)
{
	cc_cert_t *c = x->s->v[i];
	cc_pool_t *anchors = x->anchors;
	cc_names_t nm = { 0 };
	const char *a;

	if (!self_signed(x, i) && !cc_pool_find_sha256(anchors, c->fp))
		return 0;
	a = cc_names_get(&nm, c, 0);
	if (anchors && !cc_pool_find_sha256(anchors, c->fp) && !anchor_issued(x, i))
		cc_findings_add(out, "unknown-root-sent", CC_SEV_WARNING, (int)i,
				"position %zu (%s) is a self-signed root that no client "
				"has: sending it makes no client trust the chain", i, a);
	else
		cc_findings_add(out, "anchor-sent", CC_SEV_WARNING, (int)i,
				"position %zu is a trust anchor (%s); clients ignore "
				"it, it only costs bytes", i, a);
	cc_names_free(&nm);
	return 1;
}

static void order_findings(actx_t *x, const char *follows, cc_findings_t *out)
{
	const cc_certlist_t *s = x->s;
	cc_names_t nm = { 0 };
	int order_bad = 0;

	for (size_t i = 0; i < s->n; i++) {
		cc_cert_t *c = s->v[i];
		for (size_t j = 0; j < i; j++)
			if (x->at[j] == x->at[i]) {
				cc_findings_add(out, "duplicate-cert", CC_SEV_WARNING, (int)i,
						"position %zu repeats position %zu (%s)", i, j,
						cc_names_get(&nm, c, 0));
				goto next;
			}
		int anchor = i > 0 && sent_anchor(x, i, out);
		if (i > 0 && !issued(x, i, i - 1)) {
			int issues_some = 0;
			for (size_t j = 0; j < s->n && !issues_some; j++)
				if (j != i && x->at[j] != x->at[i] && issued(x, i, j))
					issues_some = 1;
			if (issues_some && complete_before(x, i)) {
				/* another issuer after a complete chain: extra, in
				 * no wrong order (a sent anchor says so already) */
				if (!anchor)
					cc_findings_add(out, "unneeded-cert", CC_SEV_WARNING,
							(int)i, "position %zu (%s) follows a "
							"complete chain (position %zu reaches a "
							"trust anchor): clients that take the "
							"chain in order never use it", i,
							cc_names_get(&nm, c, 0), i - 1);
			} else if (issues_some && !order_bad) {
				order_bad = 1;
				cc_findings_add(out, "wrong-order", CC_SEV_ERROR, (int)i,
						"position %zu (%s) does not issue position "
						"%zu (%s); each certificate must be followed "
						"by its issuer", i,
						cc_names_get(&nm, c, 0), i - 1,
						cc_names_get(&nm, s->v[i - 1], 0));
			} else if (!issues_some && !follows[i]) {
				/* After a gap, a CA certificate is not unrelated: it
				 * follows once the missing issuer is sent. */
				cc_findings_add(out, "unrelated-cert", CC_SEV_WARNING,
						(int)i, "position %zu (%s) issues nothing "
						"in this chain", i,
						cc_names_get(&nm, c, 0));
			}
		}
	next:;
	}
	cc_names_free(&nm);
}

static void cert_findings(actx_t *x, const cc_analyze_opts_t *o, time_t at,
			  cc_findings_t *out)
{
	const cc_certlist_t *s = x->s;
	int soon = o->expires_soon_days ? o->expires_soon_days : 30;
	char t[32];
	cc_names_t nm = { 0 };

	for (size_t i = 0; i < s->n; i++) {
		cc_cert_t *c = s->v[i];
		time_t nb = cc_cert_not_before(c), na = cc_cert_not_after(c);
		const char *a = cc_names_get(&nm, c, 0);
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
		if (cc_cert_weak_sig(c) && !self_signed(x, i))
			cc_findings_add(out, "weak-signature", CC_SEV_WARNING, (int)i,
					"position %zu (%s) is signed with %s", i, a,
					cc_cert_sig_name(c));
	}
	if (o->host && s->n) {
		X509 *leaf = cc_cert_x509(s->v[0], NULL);
		if (!cc_host_matches(leaf, o->host))
			cc_findings_add(out, "hostname-mismatch", CC_SEV_ERROR, 0,
					"the leaf (%s) is not valid for %s",
					cc_names_get(&nm, s->v[0], 0), o->host);
	}
	cc_names_free(&nm);
}

int cc_served_cut(const cc_certlist_t *served, cc_certlist_t *view,
		  cc_findings_t *out)
{
	cc_names_t nm = { 0 };

	*view = *served;
	view->cap = 0; /* a view: served's array, never freed through it */
	if (served->n <= CC_MAX_SERVED_ANALYZED)
		return 0;
	view->n = CC_MAX_SERVED_ANALYZED;
	cc_findings_add(out, "chain-too-long", CC_SEV_ERROR, CC_MAX_SERVED_ANALYZED,
			"%zu certificates are sent (real chains are fewer than 10): "
			"only the first %d, from the leaf (%s), were analysed; "
			"positions %d to %zu were ignored", served->n,
			CC_MAX_SERVED_ANALYZED, cc_names_get(&nm, served->v[0], 0),
			CC_MAX_SERVED_ANALYZED, served->n - 1);
	cc_names_free(&nm);
	return 1;
}

int cc_chain_analyze(const cc_certlist_t *all, cc_pool_t *pool,
		     cc_pool_t *anchors, const cc_analyze_opts_t *opts,
		     cc_findings_t *out, cc_paths_t **best, cc_error_t *err)
{
	cc_analyze_opts_t none = { 0 };
	cc_build_opts_t bo = { 0 };
	cc_certlist_t view, *served = &view;
	cc_paths_t *ps = NULL;
	cc_cert_t *top;
	char on_walk[CC_MAX_SERVED_ANALYZED] = { 0 };
	cc_names_t nm = { 0 };
	char follows[CC_MAX_SERVED_ANALYZED] = { 0 };
	actx_t *x;
	int r, gap, loop, impostor;

	if (best)
		*best = NULL;
	if (!opts)
		opts = &none;
	if (!all->n)
		return cc_err(err, CC_EINVAL, NULL, "empty chain");
	bo.at = opts->at ? opts->at : time(NULL);
	bo.host = opts->host;
	bo.policy = opts->policy;
	if (!(x = malloc(sizeof(*x))))
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	cc_served_cut(all, &view, out);
	actx_init(x, served, anchors);
	gap = gap_of(x, on_walk, &loop);
	after_gap(served, gap, on_walk, follows, &impostor);
	order_findings(x, follows, out);
	if (gap >= 0 && loop >= 0)
		loop_finding(served, gap, loop, out);
	else if (gap >= 0)
		gap_finding(served, gap, follows, impostor, out);
	cert_findings(x, opts, bo.at, out);
	if ((r = cc_build(&bo, served->v[0], pool, anchors, &ps, err)))
		goto out;
	cc_paths_rank(ps, bo.at, NULL, NULL);
	if ((r = cc_policy_served_findings(served, anchors, ps, &bo, out, err)))
		goto out;
	/* A gap says why already; otherwise: a missing issuer past what was
	 * sent, or a complete chain nobody trusts? */
	if (cc_paths_best(ps) < 0 && gap < 0) {
		size_t ti = served->n - 1;
		for (size_t i = served->n; i-- > 0;)
			if (!self_signed(x, i)) {
				ti = i;
				break;
			}
		top = served->v[ti];
		cc_certlist_t iss = { 0 };
		int found = cc_pool_issuers_of(pool, top, &iss) +
			    cc_pool_issuers_of(anchors, top, &iss);
		cc_certlist_clear(&iss);
		if (ps->n == 0 && found <= 0 && !self_signed(x, ti))
			cc_findings_add(out, "incomplete-chain", CC_SEV_ERROR, -1,
					"the issuer of %s (%s) is neither sent nor a "
					"trust anchor: intermediates are missing",
					cc_names_get(&nm, top, 0),
					cc_names_get(&nm, top, 1));
		else
			cc_findings_add(out, "untrusted", CC_SEV_ERROR, -1, "%s",
					ps->n ? ps->v[0].reason
					      : "no path to a trust anchor");
		cc_names_free(&nm);
	}
	if (best && cc_paths_best(ps) == 0) {
		*best = ps;
		ps = NULL;
	}
out:
	cc_paths_free(ps);
	free(x);
	return r;
}
