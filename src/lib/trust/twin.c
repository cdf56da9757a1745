/*
 * twin.c - the cross-sign left out: when a certificate of the chosen path
 * has a cross-signed twin (same subject and key, another issuer) that the
 * chosen chain does not serve, one line says so and which client profiles
 * the chain through it would add, so it is never dropped silently.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

/* Profiles named in one note before "and N more". */
#define TWIN_NAMED_PROFILES 4

static int in_list(const cc_certlist_t *l, const cc_cert_t *c)
{
	for (size_t i = 0; i < l->n; i++)
		if (!memcmp(l->v[i]->fp, c->fp, 32))
			return 1;
	return 0;
}

/* A cross-signed twin of c in p that served does not hold, or NULL. */
static cc_cert_t *cross_twin(cc_pool_t *p, cc_cert_t *c, const cc_certlist_t *served)
{
	for (size_t i = 0; p && i < cc_pool_count(p); i++) {
		cc_cert_t *t = cc_pool_get(p, i);
		if (memcmp(t->fp, c->fp, 32) && !cc_cert_self_issued(t) &&
		    cc_cert_same_subject(t, c) && cc_cert_same_key(t, c) &&
		    (t->f.issuer.n != c->f.issuer.n ||
		     memcmp(t->f.issuer.p, c->f.issuer.p, t->f.issuer.n)) &&
		    !in_list(served, t))
			return t;
	}
	return NULL;
}

/* What the best row serving t adds over the chosen row, into b. */
static void adds(cc_profiles_t *profs, const cc_matrix_t *m, const cc_matrix_row_t *chosen,
		 cc_cert_t *t, cc_buf_t *b)
{
	const cc_matrix_row_t *alt = NULL;
	size_t named = 0;

	for (size_t i = 0; i < m->n && !alt; i++)
		if (&m->v[i] != chosen && in_list(&m->v[i].served, t))
			alt = &m->v[i];
	if (!alt || !alt->verdicts.ntrusted) {
		cc_buf_printf(b, "no chain through it reaches an anchor of these "
				 "profiles, so serving it would add no client");
		return;
	}
	for (size_t p = 0; p < alt->verdicts.n; p++) {
		if (!alt->verdicts.v[p].trusted || chosen->verdicts.v[p].trusted)
			continue;
		if (named++ < TWIN_NAMED_PROFILES)
			cc_buf_printf(b, "%s%s", named > 1 ? ", " : "the chain "
				      "through it would add ", cc_profile_name(profs, p));
	}
	if (named > TWIN_NAMED_PROFILES)
		cc_buf_printf(b, " and %zu more", named - TWIN_NAMED_PROFILES);
	if (!named)
		cc_buf_printf(b, "the chain through it would add no client "
				 "profile (all that trust it trust the chosen chain)");
}

int cc_twin_note(cc_profiles_t *profs, const cc_matrix_t *m, size_t row,
		 const cc_paths_t *ps, cc_pool_t *untrusted, cc_pool_t *anchors,
		 cc_buf_t *out)
{
	const cc_matrix_row_t *r;
	const cc_path_t *p;
	char fp[65];

	if (row >= m->n || !ps || m->v[row].path >= ps->n)
		return 0;
	r = &m->v[row];
	p = &ps->v[r->path];
	for (size_t k = 1; k < p->certs.n; k++) {
		cc_cert_t *c = p->certs.v[k], *t = cross_twin(untrusted, c, &r->served);
		if (!t)
			t = cross_twin(anchors, c, &r->served);
		if (!t)
			continue;
		cc_names_t nm = { 0 };
		cc_cert_sha256_hex(t, fp);
		cc_buf_printf(out, "not served: %s cross-signed by %s (sha256 %.16s); ",
			      cc_names_get(&nm, t, 0), cc_names_get(&nm, t, 1), fp);
		cc_names_free(&nm);
		adds(profs, m, r, t, out);
		return 1;
	}
	return 0;
}
