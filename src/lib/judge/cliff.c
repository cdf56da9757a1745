/*
 * cliff.c - expiry cliffs: the chosen chain's reach that depends on a
 * cross-sign or an anchor expiring soon (the DST Root CA X3 event of 2021).
 * Judges the chain again just after each such date, names the clients that
 * stop trusting it then, and the chain to serve after that date.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Dates examined at most: one per served certificate and anchor is plenty. */
#define CLIFF_MAX_DATES 32

/* A certificate whose expiry may cut the chain's reach, and when. */
typedef struct cand {
	cc_cert_t *cert;
	time_t when;
} cand_t;

static void add(cand_t *v, size_t *n, cc_cert_t *c, time_t at, time_t until)
{
	time_t na = cc_cert_not_after(c);

	if (!c || na <= at || na > until || *n == CLIFF_MAX_DATES)
		return;
	for (size_t i = 0; i < *n; i++)
		if (v[i].when == na)
			return;
	v[*n].cert = c;
	v[(*n)++].when = na;
}

static int by_when(const void *a, const void *b)
{
	const cand_t *x = a, *y = b;
	return x->when < y->when ? -1 : x->when > y->when;
}

/* The best chain to serve at time t, described, into out->after. */
static int after(const cc_cliff_in_t *in, time_t t, cc_cliff_t *out, cc_error_t *err)
{
	cc_build_opts_t bo = { .at = t };
	cc_judge_opts_t jo = { .at = t };
	cc_matrix_t m = { 0 };
	cc_paths_t *ps = NULL;
	cc_buf_t d = { 0 };
	int r;

	if (!(r = cc_build(&bo, in->served->v[0], in->pool, in->anchors, &ps, err)) &&
	    !(r = cc_ubiquity_rank(in->profs, ps, &jo, &m, err))) {
		if (m.n && m.v[0].verdicts.ntrusted) {
			cc_chain_describe(in->profs, &m.v[0].served, &d);
			cc_buf_printf(&d, " (trusted by %zu/%zu profiles then)",
				      m.v[0].verdicts.ntrusted, m.v[0].verdicts.n);
		} else {
			cc_buf_printf(&d, "no chain at hand is trusted then");
		}
		if (d.oom) {
			cc_buf_clear(&d);
			r = cc_err(err, CC_ENOMEM, NULL, "out of memory");
		} else {
			out->after = d.s;
		}
	}
	cc_matrix_clear(&m);
	cc_paths_free(ps);
	return r;
}

/* The profiles trusted in a but not in b, named into out; their count. */
static size_t lost(cc_profiles_t *profs, const cc_verdicts_t *a, const cc_verdicts_t *b,
		   cc_buf_t *out)
{
	size_t named = 0;

	for (size_t i = 0; i < a->n && i < b->n; i++) {
		if (!a->v[i].trusted || b->v[i].trusted)
			continue;
		if (named++ < 6)
			cc_buf_printf(out, "%s%s", named > 1 ? ", " : "",
				      cc_profile_name(profs, i));
	}
	if (named > 6)
		cc_buf_printf(out, " and %zu more", named - 6);
	return named;
}

/* An EC leaf whose trusting clients end at an RSA anchor. */
static void ecc_to_rsa(const cc_verdicts_t *v, cc_cert_t *leaf, cc_cliff_t *out)
{
	char a[64], b[64];

	if (strncmp(cc_cert_key_desc(leaf, a, sizeof(a)), "EC", 2))
		return;
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i].trusted && v->v[i].anchor &&
		    !strncmp(cc_cert_key_desc(v->v[i].anchor, b, sizeof(b)), "RSA", 3)) {
			out->rsa_anchor = v->v[i].anchor;
			return;
		}
}

int cc_cliff_find(const cc_cliff_in_t *in, cc_cliff_t *out, cc_error_t *err)
{
	cc_judge_opts_t jo = { .at = in->at ? in->at : time(NULL) };
	cc_verdicts_t now = { 0 }, then = { 0 };
	cand_t c[CLIFF_MAX_DATES];
	size_t nc = 0;
	time_t until;
	int r, found = 0;

	memset(out, 0, sizeof(*out));
	until = jo.at + (time_t)(in->horizon_days > 0 ? in->horizon_days
						      : CC_CLIFF_HORIZON_DAYS) * 86400;
	if ((r = cc_profiles_judge(in->profs, in->served, NULL, &jo, &now, err)))
		return r;
	ecc_to_rsa(&now, in->served->v[0], out);
	/* Cross-signs and anchors only: a leaf or an issuing CA expiring is a
	 * renewal every client meets, not a cliff some clients fall off. */
	for (size_t i = 1; i < in->served->n; i++)
		if (cc_cert_is_cross_sign(in->profs, in->served, in->served->v[i]))
			add(c, &nc, in->served->v[i], jo.at, until);
	for (size_t i = 0; i < now.n; i++)
		if (now.v[i].trusted)
			add(c, &nc, now.v[i].anchor, jo.at, until);
	qsort(c, nc, sizeof(*c), by_when);
	for (size_t i = 0; i < nc && !found && !r; i++) {
		cc_judge_opts_t later = { .at = c[i].when + 86400 };
		if ((r = cc_profiles_judge(in->profs, in->served, NULL, &later, &then, err)))
			break;
		cc_buf_t names = { 0 };
		out->nlost = lost(in->profs, &now, &then, &names);
		if (names.oom) {
			cc_buf_clear(&names);
			r = cc_err(err, CC_ENOMEM, NULL, "out of memory");
		} else if (out->nlost) {
			out->lost = names.s;
			out->cert = c[i].cert;
			out->when = c[i].when;
			out->anchor = cc_cert_self_issued(c[i].cert);
			found = 1;
			r = after(in, later.at, out, err);
		}
		cc_verdicts_clear(&then);
	}
	cc_verdicts_clear(&now);
	if (r)
		cc_cliff_clear(out);
	return r ? r : found;
}

void cc_cliff_clear(cc_cliff_t *c)
{
	if (!c)
		return;
	free(c->lost);
	free(c->after);
	memset(c, 0, sizeof(*c));
}

void cc_cliff_text(const cc_cliff_t *c, cc_buf_t *b)
{
	char *cn, *iss, *rsa;

	if (!c->cert)
		return;
	cn = cc_cert_name_dup(c->cert, 0);
	iss = c->anchor ? strdup("") : cc_cert_name_dup(c->cert, 1);
	rsa = c->rsa_anchor ? cc_cert_name_dup(c->rsa_anchor, 0) : strdup("");
	if (cn && iss && rsa) {
		char t[32];
		cc_buf_printf(b, "the chain's reach depends on %s %s%s%s, which expires %.10s: "
				 "then %s stop%s trusting it; serve after that date: %s",
			      c->anchor ? "the anchor" : "the cross-sign", cn,
			      c->anchor ? "" : " by ", iss, cc_time_str(c->when, t),
			      c->lost ? c->lost : "", c->nlost == 1 ? "s" : "",
			      c->after ? c->after : "");
		if (c->rsa_anchor)
			cc_buf_printf(b, " (an ECC chain carried to the RSA root %s)", rsa);
	} else {
		b->oom = 1;
	}
	free(cn);
	free(iss);
	free(rsa);
}

size_t cc_distrust_cliffs(cc_profiles_t *profs, const cc_verdicts_t *now,
			  time_t at, int horizon_days,
			  cc_distrust_cliff_t out[CC_CLIFF_MAX_DISTRUST])
{
	time_t until = (at ? at : time(NULL)) +
		       (time_t)(horizon_days > 0 ? horizon_days : CC_CLIFF_HORIZON_DAYS) * 86400;
	size_t n = 0;

	for (size_t i = 0; i < now->n; i++) {
		const cc_verdict_t *v = &now->v[i];
		for (int k = CC_DISTRUST_ISSUED; v->trusted && v->anchor && k <= CC_DISTRUST_SCT; k++) {
			const cc_distrust_t *d = cc_profile_distrust_of(profs, v->profile,
									v->anchor,
									(cc_distrust_kind_t)k);
			size_t c, len;
			if (!d || d->after > until)
				continue;
			for (c = 0; c < n; c++)
				if (out[c].anchor == v->anchor && out[c].d->after == d->after &&
				    out[c].d->kind == d->kind)
					break;
			if (c == n) {
				if (n == CC_CLIFF_MAX_DISTRUST)
					continue;
				memset(&out[n], 0, sizeof(out[n]));
				out[n].anchor = v->anchor;
				out[n++].d = d;
			}
			len = strlen(out[c].profiles);
			snprintf(out[c].profiles + len, sizeof(out[c].profiles) - len, "%s%s",
				 out[c].nprofiles ? ", " : "", cc_profile_name(profs, v->profile));
			out[c].nprofiles++;
		}
	}
	return n;
}

char *cc_distrust_cliff_from(const cc_distrust_cliff_t *c, char out[32])
{
	cc_time_str(c->d->after + 1, out);
	out[10] = 0;
	return out;
}

void cc_distrust_cliff_text(const cc_distrust_cliff_t *c, cc_buf_t *b)
{
	char from[32];
	cc_names_t nm = { 0 };
	const char *label = c->d->label[0] ? c->d->label : cc_names_get(&nm, c->anchor, 0);

	cc_buf_printf(b, "from %s, new certificates under %s are not trusted by %s",
		      cc_distrust_cliff_from(c, from), label, c->profiles);
	if (c->d->kind == CC_DISTRUST_SCT) {
		char t[32];
		cc_buf_printf(b, " (their earliest SCT must be at or before %.10s)",
			      cc_time_str(c->d->after, t));
	}
	cc_names_free(&nm);
}
