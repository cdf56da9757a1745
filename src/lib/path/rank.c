/* rank.c - order candidate paths, best first, deterministically. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void score(cc_path_t *p, time_t at, cc_trust_fn trust, void *arg)
{
	size_t n = p->certs.n;

	p->trust_score = !p->valid ? 0 : trust ? trust(p, arg) : 1.0;
	p->time_bad = 0;
	p->weak_sigs = 0;
	p->min_expiry = 0;
	for (size_t i = 0; i < n; i++) {
		cc_cert_t *c = p->certs.v[i];
		time_t nb = cc_cert_not_before(c), na = cc_cert_not_after(c);
		if (at < nb || at > na)
			p->time_bad++;
		if (!p->min_expiry || na < p->min_expiry)
			p->min_expiry = na;
		/* The anchor's own signature is never checked by clients. */
		if (i + 1 < n && cc_cert_weak_sig(c))
			p->weak_sigs++;
	}
}

static int fp_order(const cc_path_t *a, const cc_path_t *b)
{
	for (size_t i = 0; i < a->certs.n && i < b->certs.n; i++) {
		int c = memcmp(a->certs.v[i]->fp, b->certs.v[i]->fp, 32);
		if (c)
			return c;
	}
	return (a->certs.n > b->certs.n) - (a->certs.n < b->certs.n);
}

/* Which criterion decides a against b: 0 when only fingerprints differ. */
static int decide(const cc_path_t *a, const cc_path_t *b, int *cmp)
{
	if (a->valid != b->valid)
		return *cmp = b->valid - a->valid, 1;
	if (a->trust_score != b->trust_score)
		return *cmp = a->trust_score > b->trust_score ? -1 : 1, 2;
	if (!!a->time_bad != !!b->time_bad)
		return *cmp = !!a->time_bad - !!b->time_bad, 3;
	if (a->certs.n != b->certs.n)
		return *cmp = a->certs.n < b->certs.n ? -1 : 1, 4;
	if (a->weak_sigs != b->weak_sigs)
		return *cmp = a->weak_sigs - b->weak_sigs, 5;
	if (a->min_expiry != b->min_expiry)
		return *cmp = a->min_expiry > b->min_expiry ? -1 : 1, 6;
	*cmp = fp_order(a, b);
	return 0;
}

static int by_rank(const void *x, const void *y)
{
	int cmp;
	decide(x, y, &cmp);
	return cmp;
}

static const char *criterion[] = {
	"same score; fingerprint order breaks the tie",
	"it is valid and the other is not",
	"more of the requested trust profiles accept it",
	"every certificate in it is within its validity period",
	"it is shorter",
	"it has fewer SHA-1/MD5 signatures",
	"its earliest expiry is later",
};

const char *cc_paths_why_below(const cc_path_t *a, const cc_path_t *b)
{
	int cmp;

	return criterion[decide(a, b, &cmp)];
}

void cc_paths_rank(cc_paths_t *ps, time_t at, cc_trust_fn trust, void *arg)
{
	int cmp;

	if (!at)
		at = time(NULL);
	for (size_t i = 0; i < ps->n; i++)
		score(&ps->v[i], at, trust, arg);
	if (ps->n > 1)
		qsort(ps->v, ps->n, sizeof(*ps->v), by_rank);
	for (size_t i = 0; i < ps->n; i++) {
		cc_path_t *p = &ps->v[i];
		/* out of memory: the path keeps its earlier why */
		if (!p->valid)
			cc_str_set(&p->why, "rejected: %s", p->reason ? p->reason : "");
		else if (i == 0 && (ps->n == 1 || !ps->v[1].valid))
			cc_str_set(&p->why, "the only valid path");
		else if (i == 0)
			cc_str_set(&p->why, "chosen over the next: %s",
				   criterion[decide(p, &ps->v[1], &cmp)]);
		else
			cc_str_set(&p->why, "ranked below #%zu: %s", i,
				   criterion[decide(&ps->v[i - 1], p, &cmp)]);
	}
}
