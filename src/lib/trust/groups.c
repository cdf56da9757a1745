/*
 * groups.c - today's clients and legacy clients, counted apart. A verdict
 * over every profile mixes 2017 snapshots with stores in use now; an admin
 * asking "does anyone still in use need the cross-sign?" needs the two
 * groups separately, and every command that reports trust asks it the same
 * way through these two calls.
 */
#include "internal.h"

#include <string.h>

void cc_verdicts_by_group(const cc_profiles_t *ps, const cc_verdicts_t *v,
			  cc_group_tally_t out[CC_PROFILE_NGROUPS])
{
	memset(out, 0, CC_PROFILE_NGROUPS * sizeof(*out));
	for (size_t i = 0; i < v->n; i++) {
		cc_group_tally_t *t = &out[cc_profile_group(ps, v->v[i].profile)];
		t->n++;
		if (v->v[i].trusted)
			t->ntrusted++;
		else
			t->untrusted[t->nuntrusted++] = v->v[i].profile;
	}
}

/* The row that serves the fewest certificates; the better ranked of equals. */
static const cc_matrix_row_t *shortest(const cc_matrix_t *m)
{
	const cc_matrix_row_t *s = NULL;

	for (size_t i = 0; i < m->n; i++)
		if (!s || m->v[i].served.n < s->served.n)
			s = &m->v[i];
	return s;
}

int cc_matrix_need_longer(const cc_profiles_t *ps, const cc_matrix_t *m,
			  cc_need_t *out)
{
	const cc_matrix_row_t *best, *s;

	memset(out, 0, sizeof(*out));
	if (!m->n || !m->v[0].verdicts.ntrusted)
		return 0;
	best = &m->v[0];
	s = shortest(m);
	if (s == best || s->served.n >= best->served.n)
		return 0;
	out->best = best;
	out->shortest = s;
	for (size_t p = 0; p < best->verdicts.n && p < s->verdicts.n; p++) {
		cc_group_tally_t *t;
		if (!best->verdicts.v[p].trusted || s->verdicts.v[p].trusted)
			continue;
		t = &out->need[cc_profile_group(ps, p)];
		t->untrusted[t->nuntrusted++] = p;
	}
	for (size_t p = 0; p < s->verdicts.n; p++)
		out->need[cc_profile_group(ps, p)].n++;
	return 1;
}
