/*
 * untrusted.c - why no client trusts a chain: the chain to serve a
 * judgement chose (or, when it chose none, the chain at hand up to its
 * self-signed root) ends at an anchor some profiles lack and the others
 * hold but still reject. Said in one line with what would cure it, so fix
 * never calls a chain that no client in use trusts fixed.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>


/* Where the certificates at hand lead from leaf: the last one reached. */
static cc_cert_t *top_of(cc_cert_t *leaf, cc_pool_t *pool)
{
	cc_cert_t *cur = leaf, *up;

	for (int d = 0; d < CC_WALK_MAX_DEPTH && !cc_cert_self_issued(cur); d++) {
		if (!(up = cc_issuer_at_hand(pool, cur, 1)))
			break;
		cur = up;
	}
	return cur;
}

/* Appends "a, b, c, d and N more" (the profiles v[0..n)) to b. */
static void names(cc_buf_t *b, const cc_profiles_t *ps, const size_t *v, size_t n)
{
	for (size_t i = 0; i < n && i < CC_NAMED_PROFILES; i++)
		cc_buf_printf(b, "%s%s", i ? ", " : "", cc_profile_name(ps, v[i]));
	if (n > CC_NAMED_PROFILES)
		cc_buf_printf(b, " and %zu more", n - CC_NAMED_PROFILES);
}

/* "cured by adding A to its anchors, or by A issued by a root it has": what the
 * profiles that lack the anchor a need. */
static void cure(cc_buf_t *b, const char *a, size_t n)
{
	cc_buf_printf(b, "cured by adding %s to %s anchors, or by %s issued by a root %s", a,
		      n == 1 ? "its" : "their", a, n == 1 ? "it has" : "they have");
}

/* The line for a chain to serve that no profile trusts. */
static void text_chosen(cc_buf_t *b, const cc_judge_in_t *in, const cc_untrusted_t *u,
			const cc_verdicts_t *vs)
{
	cc_names_t nm = { 0 };
	const char *a = cc_names_get(&nm, u->anchor, 0);

	cc_buf_printf(b, "no client profile in use trusts the chain");
	if (u->nlack) {
		cc_buf_printf(b, "; ");
		names(b, in->profs, u->lack, u->nlack);
		cc_buf_printf(b, " lack%s its anchor %s (", u->nlack == 1 ? "s" : "", a);
		cure(b, a, u->nlack);
		cc_buf_printf(b, ")");
	}
	if (u->nreject && vs) {
		const cc_verdict_t *x = &vs->v[u->reject[0]];
		cc_buf_printf(b, "; ");
		names(b, in->profs, u->reject, u->nreject);
		cc_buf_printf(b, " hold%s %s and still reject%s it", u->nreject == 1 ? "s" : "",
			      a, u->nreject == 1 ? "s" : "");
		if (*x->reason)
			cc_buf_printf(b, " (%s: %s)", cc_profile_name(in->profs, u->reject[0]),
				      x->reason);
	}
	cc_names_free(&nm);
}

/* The line for the chain at hand when it ends at a root no profile holds. */
static void text_at_hand(cc_buf_t *b, const cc_judge_in_t *in, const cc_untrusted_t *u)
{
	cc_names_t nm = { 0 };
	const char *a = cc_names_get(&nm, u->anchor, 0);

	cc_buf_printf(b, "the chain at hand ends at the self-signed %s, which no client "
			 "profile in use holds (", a);
	names(b, in->profs, u->lack, u->nlack);
	cc_buf_printf(b, "): ");
	cure(b, a, u->nlack);
	cc_names_free(&nm);
}

int cc_judge_untrusted(const cc_judge_in_t *in, const cc_judgement_t *j,
		       cc_untrusted_t *out, cc_error_t *err)
{
	const cc_verdicts_t *vs = j && j->best >= 0
		? (j->after_verdicts ? j->after_verdicts : j->fixed) : NULL;
	size_t n;
	cc_buf_t b = { 0 };

	memset(out, 0, sizeof(*out));
	if (!in || !in->profs || !in->served || !in->served->n || !j)
		return cc_err(err, CC_EINVAL, NULL, "no judgement to explain");
	if (!(n = cc_profiles_count(in->profs)))
		return 0; /* no client, no one to name */
	if (j->best >= 0) {
		const cc_path_t *p = &j->paths->v[j->best];
		if (!vs || vs->ntrusted || vs->n != n)
			return 0;
		out->anchor = p->certs.v[p->certs.n - 1];
		out->chosen = 1;
	} else {
		/* no chain chosen: speak only of a root at hand no profile
		 * holds (a missing issuer is the judgement's need) */
		out->anchor = top_of(in->served->v[0], j->own);
		if (!cc_cert_self_issued(out->anchor))
			goto none;
		for (size_t p = 0; p < n; p++)
			if (cc_profile_has_anchor(in->profs, p, out->anchor))
				goto none;
	}
	if (!(out->lack = calloc(n, sizeof(*out->lack))) ||
	    !(out->reject = calloc(n, sizeof(*out->reject)))) {
		cc_untrusted_clear(out);
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	for (size_t p = 0; p < n; p++)
		if (cc_profile_has_anchor(in->profs, p, out->anchor))
			out->reject[out->nreject++] = p;
		else
			out->lack[out->nlack++] = p;
	if (out->chosen)
		text_chosen(&b, in, out, vs);
	else
		text_at_hand(&b, in, out);
	if (b.oom || !b.s) {
		cc_buf_clear(&b);
		cc_untrusted_clear(out);
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	}
	out->text = b.s; /* taken */
	return 1;
none:
	memset(out, 0, sizeof(*out));
	return 0;
}

void cc_untrusted_clear(cc_untrusted_t *u)
{
	if (!u)
		return;
	free(u->lack);
	free(u->reject);
	free(u->text);
	memset(u, 0, sizeof(*u));
}
