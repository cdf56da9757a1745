/*
 * matrix.c - ubiquity ranking: every candidate served chain (a path without
 * its anchor) judged by every profile; the chain the largest weighted share
 * of clients accepts comes first, ties broken by the core ranking.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The served part of a path: all but the anchor (a lone leaf serves itself). */
static size_t served_len(const cc_path_t *p)
{
	return p->certs.n > 1 ? p->certs.n - 1 : p->certs.n;
}

static int same_served(const cc_certlist_t *l, const cc_path_t *p)
{
	if (l->n != served_len(p))
		return 0;
	for (size_t i = 0; i < l->n; i++)
		if (memcmp(l->v[i]->fp, p->certs.v[i]->fp, 32))
			return 0;
	return 1;
}

static cc_matrix_row_t *row_of(const cc_matrix_t *m, const cc_path_t *p)
{
	for (size_t i = 0; i < m->n; i++)
		if (same_served(&m->v[i].served, p))
			return &m->v[i];
	return NULL;
}

static double trust_of(const cc_path_t *p, void *arg)
{
	const cc_matrix_row_t *r = row_of(arg, p);
	return r ? r->verdicts.score : 0;
}

static int by_score(const void *x, const void *y)
{
	const cc_matrix_row_t *a = x, *b = y;

	if (a->verdicts.score != b->verdicts.score)
		return a->verdicts.score > b->verdicts.score ? -1 : 1;
	if (a->verdicts.ntrusted != b->verdicts.ntrusted)
		return a->verdicts.ntrusted > b->verdicts.ntrusted ? -1 : 1;
	return (a->path > b->path) - (a->path < b->path);
}

void cc_matrix_clear(cc_matrix_t *m)
{
	for (size_t i = 0; m->v && i < m->n; i++) {
		cc_certlist_clear(&m->v[i].served);
		cc_verdicts_clear(&m->v[i].verdicts);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

int cc_ubiquity_rank(cc_profiles_t *profs, cc_paths_t *ps,
		     const cc_judge_opts_t *opts, cc_matrix_t *out,
		     cc_error_t *err)
{
	int r = 0;

	memset(out, 0, sizeof(*out));
	/* At most one row per path, and paths are bounded by max_paths. */
	if (ps->n && !(out->v = calloc(ps->n, sizeof(*out->v))))
		return cc_err(err, CC_ENOMEM, NULL, "out of memory");
	for (size_t k = 0; !r && k < ps->n; k++) {
		const cc_path_t *p = &ps->v[k];
		cc_matrix_row_t *row;
		if (!p->certs.n || row_of(out, p))
			continue;
		row = &out->v[out->n++];
		for (size_t i = 0; !r && i < served_len(p); i++)
			if (cc_certlist_push(&row->served, p->certs.v[i]))
				r = cc_err(err, CC_ENOMEM, NULL, "out of memory");
		if (!r)
			r = cc_profiles_judge(profs, &row->served, NULL, opts,
					      &row->verdicts, err);
	}
	if (r) {
		cc_matrix_clear(out);
		return r;
	}
	cc_paths_rank(ps, opts && opts->at ? opts->at : time(NULL), trust_of, out);
	for (size_t k = ps->n; k-- > 0;) {
		cc_matrix_row_t *row = row_of(out, &ps->v[k]);
		if (row)
			row->path = k;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), by_score);
	return 0;
}

int cc_chain_describe(cc_profiles_t *profs, const cc_certlist_t *served, cc_buf_t *b)
{
	for (size_t i = 0; i < served->n; i++) {
		cc_cert_t *c = served->v[i];
		int x = i && cc_cert_is_cross_sign(profs, served, c);
		char *cn = cc_cert_name_dup(c, 0), *iss = x ? cc_cert_name_dup(c, 1) : NULL;
		if (cn && (!x || iss))
			cc_buf_printf(b, "%s%s%s%s", i ? " + " : "", cn,
				      x ? " cross-signed by " : "", x ? iss : "");
		else
			b->oom = 1;
		free(cn);
		free(iss);
	}
	return b->oom ? CC_ENOMEM : 0;
}
