/*
 * judge.c - the one judgement of a served chain that check, fix and verify
 * share: findings, each profile's verdict, the chain to serve instead, what
 * it adds and removes and why, and what those changes bring. The commands
 * only render it, so they cannot disagree.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int same(const cc_cert_t *a, const cc_cert_t *b)
{
	return !memcmp(a->fp, b->fp, 32);
}

/* 1 if c (by fingerprint) is among the first n certificates of l. */
static int among(const cc_certlist_t *l, size_t n, const cc_cert_t *c)
{
	for (size_t i = 0; i < n && i < l->n; i++)
		if (same(l->v[i], c))
			return 1;
	return 0;
}

/* Copies l into dst, appending dst's certificates to out (if non-NULL). */
static int copy_list(cc_pool_t *dst, const cc_certlist_t *l, cc_certlist_t *out,
		     cc_error_t *err)
{
	for (size_t i = 0; i < l->n; i++) {
		cc_cert_t *c;
		int r = cc_pool_add_der(dst, l->v[i]->der, l->v[i]->len, l->v[i]->source,
					&c, NULL, err);
		if (r)
			return r;
		cc_cert_adopt_x509(c, l->v[i]->x);
		if (out && cc_certlist_push(out, c))
			return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

/* Copies src into dst, less the certificates in withhold (may be NULL). */
static int copy_pool(cc_pool_t *dst, cc_pool_t *src, cc_pool_t *withhold,
		     cc_error_t *err)
{
	for (size_t i = 0; src && i < cc_pool_count(src); i++) {
		cc_cert_t *c = cc_pool_get(src, i), *d;
		int r;
		if (withhold && cc_pool_find_sha256(withhold, c->fp))
			continue;
		if ((r = cc_pool_add_der(dst, c->der, c->len, c->source, &d, NULL, err)))
			return r;
		cc_cert_adopt_x509(d, c->x);
	}
	return 0;
}

/* Appends "a, b, c and N more" (the profiles i with pick(i)) to b. */
static size_t name_profiles(cc_buf_t *b, const cc_judge_in_t *in,
			    const cc_verdicts_t *vs, const cc_verdicts_t *after,
			    int want_trusted)
{
	size_t n = 0;

	for (size_t i = 0; i < vs->n; i++) {
		int pick = after ? !vs->v[i].trusted && i < after->n && after->v[i].trusted
				 : vs->v[i].trusted == want_trusted;
		if (!pick)
			continue;
		if (n++ < CC_NAMED_PROFILES)
			cc_buf_printf(b, "%s%s", n > 1 ? ", " : "",
				      cc_profile_name(in->profs, vs->v[i].profile));
	}
	if (n > CC_NAMED_PROFILES)
		cc_buf_printf(b, " and %zu more", n - CC_NAMED_PROFILES);
	return n;
}

static int has(const cc_findings_t *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, id))
			return 1;
	return 0;
}

/*
 * "untrusted" naming the profiles that reject the served chain (unless a
 * missing issuer or no trusting profile at all already says why), and
 * "self-signed-root-preferred" when a rejecting profile lacks the
 * self-signed root sent last.
 */
static void profile_findings(const cc_judge_in_t *in, const cc_certlist_t *sv,
			     cc_judgement_t *out)
{
	const cc_verdicts_t *vs = &out->served;
	cc_cert_t *root = sv->v[sv->n - 1];
	const cc_verdict_t *first = NULL;
	const char *lacks = NULL;
	cc_buf_t names = { 0 };
	size_t nrej;
	cc_names_t nm = { 0 };
	int already = has(&out->findings, "untrusted") ||
		      has(&out->findings, "incomplete-chain") ||
		      has(&out->findings, "chain-loops");

	for (size_t i = 0; i < vs->n; i++) {
		const cc_verdict_t *x = &vs->v[i];
		if (x->trusted)
			continue;
		if (!first)
			first = x;
		if (!lacks && sv->n > 1 && cc_cert_self_issued(root) &&
		    !cc_profile_has_anchor(in->profs, x->profile, root))
			lacks = cc_profile_name(in->profs, x->profile);
	}
	nrej = name_profiles(&names, in, vs, NULL, 0);
	if (first && !(already && !vs->ntrusted))
		cc_findings_add(&out->findings, "untrusted", CC_SEV_ERROR, first->depth,
				"rejected by %zu of %zu profile%s (%s); %s: %s", nrej,
				vs->n, vs->n == 1 ? "" : "s", names.s ? names.s : "",
				cc_profile_name(in->profs, first->profile), first->reason);
	if (lacks && !has(&out->findings, "self-signed-root-preferred") &&
	    !has(&out->findings, "unknown-root-sent"))
		cc_findings_add(&out->findings, "self-signed-root-preferred",
				CC_SEV_WARNING, (int)sv->n - 1, "the chain ends at the "
				"self-signed %s, which profile %s lacks",
				cc_names_get(&nm, root, 0), lacks);
	cc_buf_clear(&names);
	cc_names_free(&nm);
}

/* "expiry-cliff": the served chain's reach ends with a cross-sign or anchor
 * expiring within the horizon (cliff.c). */
static int cliff_finding(const cc_judge_in_t *in, const cc_certlist_t *fv, time_t at,
			 cc_judgement_t *out, cc_error_t *err)
{
	cc_cliff_in_t ci = { .profs = in->profs, .served = fv, .pool = out->own,
			     .anchors = in->anchors, .at = at,
			     .horizon_days = in->horizon_days };
	cc_cliff_t c;
	cc_buf_t b = { 0 };
	int r = cc_cliff_find(&ci, &c, err);

	if (r <= 0)
		return r;
	cc_cliff_text(&c, &b);
	cc_cliff_clear(&c);
	cc_findings_add(&out->findings, "expiry-cliff", CC_SEV_WARNING, -1, "%s",
			b.s ? b.s : "");
	cc_buf_clear(&b);
	return 0;
}

/* "distrust-cliff": a client trusts the served chain through an anchor it
 * will not trust for certificates issued after a date (cliff.c). */
static void distrust_findings(const cc_judge_in_t *in, time_t at, cc_judgement_t *out)
{
	cc_distrust_cliff_t dc[CC_CLIFF_MAX_DISTRUST];
	size_t n = cc_distrust_cliffs(in->profs, &out->served, at, in->horizon_days, dc);
	cc_buf_t b = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (b.s)
			b.s[b.n = 0] = 0;
		cc_distrust_cliff_text(&dc[i], &b);
		cc_findings_add(&out->findings, "distrust-cliff", CC_SEV_WARNING, -1,
				"%s", b.s ? b.s : "");
	}
	cc_buf_clear(&b);
}

/* The matrix row whose served chain is path p without its anchor, or NULL. */
static const cc_matrix_row_t *row_of(const cc_matrix_t *m, const cc_path_t *p)
{
	for (size_t i = 0; i < m->n; i++) {
		const cc_certlist_t *l = &m->v[i].served;
		size_t k;
		if (l->n + 1 != p->certs.n)
			continue;
		for (k = 0; k < l->n && l->v[k] == p->certs.v[k]; k++)
			;
		if (k == l->n)
			return &m->v[i];
	}
	return NULL;
}

/* Profiles' weighted share first; the anchors reached only break ties. */
static double ubiquity_then_reach(const cc_path_t *p, void *arg)
{
	const cc_judgement_t *j = arg;
	const cc_matrix_row_t *row = row_of(&j->mx, p);

	/* reach is at most 1, so 1e-3 of it never outweighs one profile's share */
	return (row ? row->verdicts.score : 0) + 1e-3 * cc_trust_reach(p, j->paths);
}

/* Ranks the candidates by the profiles and fills best, serve and fixed. */
static int choose(const cc_judge_in_t *in, time_t at, cc_judgement_t *out,
		  cc_error_t *err)
{
	/* No host: a name mismatch is no chain's fault. */
	cc_judge_opts_t jo = { .at = at, .host = NULL };
	const cc_matrix_row_t *row;
	const cc_path_t *p;
	int r;

	if ((r = cc_ubiquity_rank(in->profs, out->paths, &jo, &out->mx, err)))
		return r;
	/* Ties between profiles (one profile holding old and new roots) go
	 * to the chain that reaches more anchors. */
	cc_paths_rank(out->paths, at, ubiquity_then_reach, out);
	if ((out->best = cc_paths_best(out->paths)) < 0)
		return 0;
	p = &out->paths->v[out->best];
	for (size_t i = 0; i + 1 < p->certs.n || (p->certs.n == 1 && !i); i++)
		if (cc_certlist_push(&out->serve, p->certs.v[i]))
			return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	row = row_of(&out->mx, p);
	out->fixed = row ? &row->verdicts : NULL;
	return 0;
}

static cc_judge_change_t *push_change(cc_judge_change_t **v, size_t *n,
				      cc_cert_t *c, size_t pos)
{
	cc_judge_change_t *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return NULL;
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	nv[*n].cert = c;
	nv[*n].position = pos;
	return &nv[(*n)++];
}

/* 1 if a finding id is about served position d. */
static int finding_at(const cc_findings_t *f, const char *id, int d)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, id) && f->v[i].depth == d)
			return 1;
	return 0;
}

/* Why served certificate i is not in the chain to serve: ch's kind and why. */
static void removed_why(const cc_judge_in_t *in, const cc_certlist_t *sv, size_t i,
			time_t at, cc_judgement_t *out, cc_judge_change_t *ch)
{
	cc_cert_t *c = sv->v[i];
	cc_buf_t lack = { 0 };
	cc_names_t nm = { 0 };

	if (among(sv, i, c)) {
		ch->kind = CC_CHANGE_DUPLICATE;
		ch->why = cc_str_new("%s", "a duplicate");
		return;
	}
	if (cc_cert_self_issued(c) && out->fixed) {
		/* The clients that rejected the served chain, lack this root and
		 * accept the chain without it: say what they gain. */
		for (size_t k = 0; k < out->served.n; k++)
			if (!out->served.v[k].trusted && out->fixed->v[k].trusted &&
			    !cc_profile_has_anchor(in->profs, k, c))
				cc_buf_printf(&lack, "%s%s", lack.s ? ", " : "",
					      cc_profile_name(in->profs, k));
		if (lack.s) {
			const cc_path_t *p = &out->paths->v[out->best];
			ch->kind = CC_CHANGE_ROOT_LACKED;
			ch->why = cc_str_new("a self-signed root that %s lack%s; without it "
				 "they reach %s", lack.s, strchr(lack.s, ',') ? "" : "s",
				 cc_names_get(&nm, p->certs.v[p->certs.n - 1], 0));
			cc_buf_clear(&lack);
			cc_names_free(&nm);
			return;
		}
	}
	if (in->anchors && cc_pool_find_sha256(in->anchors, c->fp)) {
		ch->kind = CC_CHANGE_ANCHOR;
		ch->why = cc_str_new("%s", "a trust anchor: the clients that trust it hold it already");
	} else if (cc_cert_self_issued(c)) {
		ch->kind = CC_CHANGE_ROOT_UNKNOWN;
		ch->why = cc_str_new("%s", "a self-signed root that is not among the trust anchors");
	} else if (cc_cert_not_after(c) < at) {
		ch->kind = CC_CHANGE_EXPIRED;
		ch->why = cc_str_new("%s", "expired");
	} else if (finding_at(&out->findings, "unrelated-cert", (int)i)) {
		ch->kind = CC_CHANGE_UNRELATED;
		ch->why = cc_str_new("%s", "it issues nothing in this chain");
	} else {
		ch->kind = CC_CHANGE_OFF_PATH;
		ch->why = cc_str_new("%s", "not on the chosen path");
	}
}

/* What an added certificate is: the missing issuer of the one before it, a
 * cross-sign, or an intermediate from the repair material (ch's kind and why). */
static void added_why(const cc_judge_in_t *in, const cc_certlist_t *sv, size_t pos,
		      cc_judgement_t *out, cc_judge_change_t *ch)
{
	cc_cert_t *c = out->serve.v[pos], *child = pos ? out->serve.v[pos - 1] : NULL;
	cc_names_t nm = { 0 };

	if (child && among(sv, sv->n, child) && (has(&out->findings, "incomplete-chain") ||
						 has(&out->findings, "chain-loops"))) {
		ch->kind = CC_CHANGE_MISSING_ISSUER;
		ch->why = cc_str_new("the missing issuer of %s (from %s)",
			 cc_names_get(&nm, child, 0), cc_cert_source(c));
	} else if (cc_cert_is_cross_sign(in->profs, &out->serve, c)) {
		ch->kind = CC_CHANGE_CROSS_SIGN;
		ch->why = cc_str_new("%s cross-signed by %s (from %s)",
			 cc_names_get(&nm, c, 0), cc_names_get(&nm, c, 1),
			 cc_cert_source(c));
	} else {
		ch->kind = CC_CHANGE_OTHER;
		ch->why = cc_str_new("from %s", cc_cert_source(c));
	}
	cc_names_free(&nm);
}

/* The chain to serve against the served one: added, removed, reordered. */
static int diff(const cc_judge_in_t *in, const cc_certlist_t *sv, time_t at,
		cc_judgement_t *out, cc_error_t *err)
{
	const cc_certlist_t *fx = &out->serve;
	size_t last = 0;

	for (size_t i = 0; i < fx->n; i++) {
		cc_judge_change_t *ch;
		if (among(sv, sv->n, fx->v[i]))
			continue;
		if (!(ch = push_change(&out->added, &out->nadded, fx->v[i], i)))
			return cc_err(err, CC_ENOMEM, NULL, "out of memory");
		added_why(in, sv, i, out, ch);
		if (!ch->why)
			return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < sv->n; i++) {
		cc_judge_change_t *ch;
		size_t k;
		if (among(fx, fx->n, sv->v[i]) && !among(sv, i, sv->v[i])) {
			for (k = 0; !same(fx->v[k], sv->v[i]); k++)
				;
			out->reordered |= k < last;
			last = k;
			continue;
		}
		if (!(ch = push_change(&out->removed, &out->nremoved, sv->v[i], i)))
			return cc_err(err, CC_ENOMEM, NULL, "out of memory");
		removed_why(in, sv, i, at, out, ch);
		if (!ch->why)
			return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

/* Adds one line to out->gains; -1 when out of memory. */
static int gain(cc_judgement_t *out, const char *fmt, const char *arg)
{
	if (out->ngains >= CC_JUDGE_MAX_GAINS)
		return 0;
	if (!(out->gains[out->ngains] = cc_str_new(fmt, arg)))
		return -1;
	out->ngains++;
	return 0;
}

/* One line per change actually made, saying what it brings. */
static int gains(const cc_judge_in_t *in, const cc_certlist_t *sv, time_t at,
		 cc_judgement_t *out, cc_error_t *err)
{
	int gap = 0, cross = 0, junk = 0, expired = 0, oom = 0;
	const cc_verdicts_t *after;
	cc_buf_t who = { 0 };

	for (size_t i = 0; i < out->nadded; i++) {
		gap |= out->added[i].kind == CC_CHANGE_MISSING_ISSUER;
		cross |= out->added[i].kind == CC_CHANGE_CROSS_SIGN;
	}
	for (size_t i = 0; i < out->nremoved; i++) {
		cc_change_kind_t k = out->removed[i].kind;
		junk |= k == CC_CHANGE_DUPLICATE || k == CC_CHANGE_ANCHOR ||
			k == CC_CHANGE_UNRELATED || k == CC_CHANGE_OFF_PATH;
		expired |= k == CC_CHANGE_EXPIRED;
	}
	/* Judged again with the host name when there is that judgement; no chain
	 * makes a leaf valid for another name. */
	after = out->after_verdicts ? out->after_verdicts
		: has(&out->findings, "hostname-mismatch") ? NULL : out->fixed;
	if (after && name_profiles(&who, in, &out->served, after, 0))
		oom |= gain(out, "client profiles that reject the served chain and accept "
			  "the chain to serve: %s", who.s);
	cc_buf_clear(&who);
	if (gap)
		oom |= gain(out, "%s", "the missing issuer is sent: clients that do not fetch "
			  "missing intermediates over AIA (OpenSSL and curl, Python, "
			  "Java, Go, Node.js, Android apps, most API and IoT clients) "
			  "can now complete the chain");
	if (cross)
		oom |= gain(out, "%s", "the cross-sign is sent: clients that hold only the "
			  "older root reach it through the cross-sign");
	for (size_t i = 0; i < out->nremoved; i++)
		if (out->removed[i].kind == CC_CHANGE_ROOT_LACKED)
			oom |= gain(out, "the self-signed root is no longer sent (%s)",
			     out->removed[i].why);
	if (out->reordered)
		oom |= gain(out, "%s", "strict clients that need each certificate followed by "
			  "its issuer (TLS 1.2, RFC 5246 section 7.4.2) now get that "
			  "order");
	if (expired)
		oom |= gain(out, "%s", "clients that do not look for another path (OpenSSL "
			  "1.0.x, older GnuTLS and Android) no longer meet an expired "
			  "certificate");
	if (junk)
		oom |= gain(out, "%s", "every client: certificates no client needs are no "
			  "longer sent (fewer handshake bytes)");
	(void)sv;
	(void)at;
	return oom ? cc_err(err, CC_ENOMEM, NULL, "out of memory") : 0;
}

/* The chain to serve judged as sent, by this same judgement with the same
 * clients: what check and verify say of it (no second opinion). */
static int judge_after(const cc_judge_in_t *in, cc_judgement_t *out, cc_error_t *err)
{
	cc_judge_in_t again = *in;
	int r;

	if (!(out->again = calloc(1, sizeof(*out->again))))
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	again.served = &out->serve;
	again.judge_after = 0;
	if ((r = cc_served_judge(&again, out->again, err)))
		return r;
	out->after = out->again->findings; /* taken */
	memset(&out->again->findings, 0, sizeof(out->again->findings));
	out->after_verdicts = &out->again->served;
	return 0;
}

/* Appends add (taken; NULL: out of memory) to f's message. 0 or CC_ENOMEM. */
static int msg_append(cc_finding_t *f, char *add)
{
	size_t len = strlen(f->msg);
	char *m;

	if (!add || !(m = realloc(f->msg, len + strlen(add) + 1))) {
		free(add);
		return CC_ENOMEM;
	}
	memcpy(m + len, add, strlen(add) + 1);
	f->msg = m;
	free(add);
	return 0;
}

/* "unknown-root-sent": what to serve instead, now that it is known. */
static int unknown_root_instead(const cc_judge_in_t *in, cc_judgement_t *out,
				cc_error_t *err)
{
	for (size_t i = 0; i < out->findings.n; i++) {
		cc_finding_t *f = &out->findings.v[i];
		cc_names_t nm = { 0 };
		char *add;
		if (strcmp(f->id, "unknown-root-sent"))
			continue;
		cc_cert_t *c = in->served->v[f->depth];
		if (out->best >= 0 && out->fixed && out->fixed->ntrusted) {
			const cc_path_t *p = &out->paths->v[out->best];
			cc_buf_t w = { 0 };
			/* each certificate by name; the root's namesake as what it is */
			for (size_t k = 0; k < out->serve.n; k++) {
				cc_cert_t *x = out->serve.v[k];
				cc_buf_printf(&w, "%s%s", k ? " + " : "", cc_names_get(&nm, x, 0));
				if (!cc_cert_self_issued(x) && cc_cert_same_subject(x, c))
					cc_buf_printf(&w, " cross-signed by %s",
						      cc_names_get(&nm, x, 1));
			}
			add = w.oom ? NULL : cc_str_new("; serve instead %s (to %s, which clients have)",
						     w.s ? w.s : "",
						     cc_names_get(&nm, p->certs.v[p->certs.n - 1], 0));
			cc_buf_clear(&w);
		} else {
			add = cc_str_new("; serve instead a chain to a root clients have: %s "
				      "cross-signed by such a root is not at hand",
				      cc_names_get(&nm, c, 0));
		}
		cc_names_free(&nm);
		if (msg_append(f, add))
			return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

/* CPU milliseconds this thread has used (0 when the clock is missing). */
static long long thread_cpu_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1, with the finding "judge-budget", when the judgement begun at CPU time
 * t0 has spent its budget. */
static int over_budget(const cc_judge_in_t *in, long long t0, cc_judgement_t *out)
{
	long long used;

	if (!in->cpu_budget_ms || (used = thread_cpu_ms() - t0) <= in->cpu_budget_ms)
		return 0;
	cc_findings_add(&out->findings, "judge-budget", CC_SEV_ERROR, -1,
			"judging this chain took %lld ms of CPU, past the budget of "
			"%u ms: the expiry cliffs and the chain to serve were not "
			"worked out", used, in->cpu_budget_ms);
	return 1;
}

int cc_served_judge(const cc_judge_in_t *in, cc_judgement_t *out, cc_error_t *err)
{
	long long t0 = thread_cpu_ms();
	cc_certlist_t sv = { 0 }, fv = { 0 }, cut;
	cc_analyze_opts_t ao;
	cc_judge_opts_t jo;
	int r;

	memset(out, 0, sizeof(*out));
	out->best = -1;
	if (!in || !in->served || !in->served->n || !in->profs)
		return cc_err(err, CC_EINVAL, NULL, "no chain or no profiles to judge");
	ao = in->ao;
	if (!ao.at)
		ao.at = time(NULL);
	jo.at = ao.at;
	jo.host = ao.host;
	if (!(out->sent = cc_pool_new()) || !(out->own = cc_pool_new()))
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	/* A hostile length is cut before anything else sees it. */
	cc_served_cut(in->served, &cut, &out->findings);
	/* A client knows only what is sent: the repair material only builds
	 * the chain to serve. */
	if ((r = copy_list(out->sent, &cut, &sv, err)) ||
	    (r = copy_list(out->own, &cut, &fv, err)) ||
	    (r = copy_pool(out->own, in->repair, in->withhold, err)) ||
	    (r = cc_chain_analyze(&sv, out->sent, in->anchors, &ao, &out->findings,
				  &out->client, err)) ||
	    (r = cc_profiles_judge(in->profs, &sv, NULL, &jo, &out->served, err)) ||
	    (r = cc_served_review(&fv, out->own, in->anchors, &ao, NULL, NULL,
				  &out->findings, &out->paths, err)))
		goto out;
	profile_findings(in, &sv, out);
	if (over_budget(in, t0, out))
		goto out;
	if (out->served.ntrusted && in->horizon_days >= 0 &&
	    (r = cliff_finding(in, &fv, ao.at, out, err)))
		goto out;
	if (out->served.ntrusted && in->horizon_days >= 0)
		distrust_findings(in, ao.at, out);
	if (over_budget(in, t0, out) || (r = choose(in, ao.at, out, err)))
		goto out;
	if ((r = unknown_root_instead(in, out, err)))
		goto out;
	if (out->best >= 0) {
		if ((r = diff(in, &fv, ao.at, out, err)))
			goto out;
		if (in->judge_after && (r = judge_after(in, out, err)))
			goto out;
		if ((r = gains(in, &fv, ao.at, out, err)))
			goto out;
	}
	if (in->judge_after && (r = cc_judge_needs(in, &ao, out, err)))
		goto out;
out:
	cc_certlist_clear(&sv);
	cc_certlist_clear(&fv);
	return r;
}

int cc_judgement_failed(const cc_judgement_t *j)
{
	return cc_findings_max(&j->findings) == CC_SEV_ERROR;
}

void cc_judgement_clear(cc_judgement_t *j)
{
	if (!j)
		return;
	cc_findings_clear(&j->findings);
	cc_findings_clear(&j->after);
	cc_verdicts_clear(&j->served);
	cc_paths_free(j->client);
	cc_paths_free(j->paths);
	cc_certlist_clear(&j->serve);
	for (size_t i = 0; i < j->nadded; i++)
		free(j->added[i].why);
	for (size_t i = 0; i < j->nremoved; i++)
		free(j->removed[i].why);
	for (size_t i = 0; i < j->ngains; i++)
		free(j->gains[i]);
	free(j->added);
	free(j->removed);
	cc_judge_needs_clear(j);
	cc_matrix_clear(&j->mx);
	cc_judgement_clear(j->again);
	free(j->again);
	cc_pool_free(j->own);
	cc_pool_free(j->sent);
	memset(j, 0, sizeof(*j));
	j->best = -1;
}
